package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/digitalocean/godo"
)

// A host with "volume" keeps its data root on a block storage volume, which
// outlives its droplet: three steps find it (before anything is made), make
// and attach it (once the droplet is active), then format it once and
// mount it over SSH (once the host answers).

// findVolumes looks up each volume host's volume by name, refusing one the
// project cannot use: in another region than the droplet (volumes do not
// move), not tagged as this host's, or attached to another droplet.
type findVolumes struct{}

func (findVolumes) Run(ctx context.Context, st *state) error {
	var errs []error
	for _, h := range st.req.Hosts {
		if h.Volume == 0 {
			continue
		}
		name := VolumeName(st.req.Project, h.Name)
		list, err := listAll(func(opt *godo.ListOptions) ([]godo.Volume, *godo.Response, error) {
			return st.client.Storage.ListVolumes(ctx, &godo.ListVolumeParams{Name: name, ListOptions: opt})
		})
		if err != nil {
			return explain(err, fmt.Sprintf("host %q: look up volume %s", h.Name, name))
		}
		region := h.Region
		if d := st.droplets[h.Name]; d != nil && d.Region != nil {
			region = d.Region.Slug
		}
		var elsewhere []string
		for _, v := range list {
			if v.Name != name {
				continue
			}
			vol := volumeOf(h.Name, v)
			if vol.Region != region {
				elsewhere = append(elsewhere, vol.Region)
				continue
			}
			if !slices.Contains(v.Tags, ProjectTag(st.req.Project)) || !slices.Contains(v.Tags, hostTag(h.Name)) {
				errs = append(errs, fmt.Errorf("host %q: volume %s in %s is not dockerops's volume of this host (its tags: %s): rename or delete it",
					h.Name, name, region, strings.Join(v.Tags, ", ")))
				continue
			}
			if d := st.droplets[h.Name]; len(vol.Droplets) > 0 && (d == nil || !slices.Contains(vol.Droplets, d.ID)) {
				errs = append(errs, fmt.Errorf("host %q: volume %s is attached to droplet %d, not to this host's droplet: detach it (DigitalOcean control panel) and run provision again",
					h.Name, name, vol.Droplets[0]))
				continue
			}
			st.volumes[h.Name] = vol
		}
		if _, ok := st.volumes[h.Name]; !ok && len(elsewhere) > 0 {
			errs = append(errs, fmt.Errorf("host %q: its volume %s is in %s, its droplet in %s: a volume cannot move to another region; destroy the droplet and give the host region %q again, or delete the volume",
				h.Name, name, strings.Join(elsewhere, ", "), region, elsewhere[0]))
		}
	}
	return errors.Join(errs...)
}

// attachVolumes creates the volume of each volume host that has none, in
// its droplet's region, and attaches it to the droplet unless it is.
type attachVolumes struct{}

func (attachVolumes) Run(ctx context.Context, st *state) error {
	for _, h := range st.req.Hosts {
		if h.Volume == 0 {
			continue
		}
		d := st.droplets[h.Name]
		vol, ok := st.volumes[h.Name]
		if !ok {
			name := VolumeName(st.req.Project, h.Name)
			st.say("%s: creating volume %s (%d GB, %s)", h.Name, name, h.Volume, d.Region.Slug)
			v, _, err := st.client.Storage.CreateVolume(ctx, &godo.VolumeCreateRequest{
				Name: name, Region: d.Region.Slug, SizeGigaBytes: int64(h.Volume),
				Description: fmt.Sprintf("dockerops: data of host %s of project %s", h.Name, st.req.Project),
				Tags:        []string{TagDockerops, ProjectTag(st.req.Project), hostTag(h.Name)},
			})
			if err != nil {
				return explain(err, fmt.Sprintf("host %q: create volume %s", h.Name, name))
			}
			st.made = true
			vol = volumeOf(h.Name, *v)
		} else if vol.SizeGB != int64(h.Volume) {
			st.say("%s: note: volume %s is %d GB, hosts.conf says %d; it is left as it is", h.Name, vol.Name, vol.SizeGB, h.Volume)
		}
		if !slices.Contains(vol.Droplets, d.ID) {
			st.say("%s: attaching volume %s to droplet %s", h.Name, vol.Name, d.Name)
			err := volumeAction(ctx, st.client, vol, "attach", st.options(), func() (*godo.Action, *godo.Response, error) {
				return st.client.StorageActions.Attach(ctx, vol.ID, d.ID)
			})
			if err != nil {
				return fmt.Errorf("host %q: %w", h.Name, err)
			}
			st.made = true
			vol.Droplets = []int{d.ID}
		}
		st.volumes[h.Name] = vol
	}
	return nil
}

// mountVolumes formats each attached volume once and mounts it at its
// host's data root, over SSH (see mountScript).
type mountVolumes struct{}

func (mountVolumes) Run(ctx context.Context, st *state) error {
	for _, h := range st.req.Hosts {
		vol, ok := st.volumes[h.Name]
		if !ok {
			continue
		}
		if st.req.Run == nil {
			st.say("%s: volume %s is attached but not mounted (wait=False): run provision again to mount it", h.Name, vol.Name)
			continue
		}
		ip, _, _ := addresses(st.droplets[h.Name])
		out, status, err := st.req.Run(ctx, h.Name, ip, mountCommand(vol.Name, h.DataRoot(st.req.Project)))
		if err != nil {
			return fmt.Errorf("host %q: mount volume %s: %w", h.Name, vol.Name, err)
		}
		if status != 0 {
			return fmt.Errorf("host %q: mount volume %s at %s (exit %d): %s", h.Name, vol.Name, h.DataRoot(st.req.Project), status, strings.TrimSpace(tail(out, 5)))
		}
		st.say("%s: volume %s %s", h.Name, vol.Name, lastLine(out))
	}
	return nil
}
