package digitalocean

import (
	"context"
	"fmt"

	"github.com/digitalocean/godo"
)

// createDroplets creates the droplet of every host that has none, tagged
// with the project and the host so a re-run (and RebuildInventory) finds it.
type createDroplets struct{}

func (createDroplets) Run(ctx context.Context, st *state) error {
	for _, h := range st.req.Hosts {
		name := DropletName(st.req.Project, h.Name)
		if d := st.droplets[h.Name]; d != nil {
			st.say("%s: droplet %s exists (id %d, %s)", h.Name, name, d.ID, d.Status)
			if d.Region != nil && (d.Region.Slug != h.Region || d.SizeSlug != h.Size) {
				st.say("%s: note: droplet %s is %s in %s, hosts.conf says %s in %s; it is left alone (destroy it to re-create it)",
					h.Name, name, d.SizeSlug, d.Region.Slug, h.Size, h.Region)
			}
			continue
		}
		img := st.images[h.Name]
		req := &godo.DropletCreateRequest{
			Name: name, Region: h.Region, Size: h.Size, Image: img,
			SSHKeys: []godo.DropletCreateSSHKey{{Fingerprint: st.fingerprint}},
			Backups: h.Backups, IPv6: h.IPv6, Monitoring: h.Monitoring, VPCUUID: h.VPCUUID,
			UserData: UserData(st.snapshot[h.Name]),
			Tags:     append([]string{TagDockerops, ProjectTag(st.req.Project), hostTag(h.Name), projectHostTag(st.req.Project, h.Name)}, h.Tags...),
		}
		st.say("%s: creating droplet %s (%s, %s, %s)", h.Name, name, h.Region, h.Size, h.Image)
		d, resp, err := st.client.Droplets.Create(ctx, req)
		if err != nil {
			return explain(err, fmt.Sprintf("host %q: create droplet %s", h.Name, name))
		}
		st.droplets[h.Name] = d
		st.created[h.Name] = true
		// The 202 only accepts the create; its action says whether it works.
		if resp != nil && resp.Links != nil {
			for _, a := range resp.Links.Actions {
				if a.Rel == "create" {
					st.creates[h.Name] = a.ID
				}
			}
		}
		st.made = true
	}
	return nil
}
