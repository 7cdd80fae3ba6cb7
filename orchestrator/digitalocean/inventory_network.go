package digitalocean

import (
	"context"
	"slices"

	"github.com/digitalocean/godo"
)

// withCloudNetwork adds to a host's inventory entry its reserved IP and the
// firewalls provision keeps for it.
func withCloudNetwork(h InventoryHost, project, host, reservedIP string) InventoryHost {
	h.ReservedIP = reservedIP
	h.Firewalls = []string{projectFirewall(project), hostFirewall(project, host)}
	return h
}

// rebuildCloudNetwork reads the account's reserved IPs and firewalls for
// RebuildInventory: it drops the reserved IPs from the droplets' networks
// (see withoutReserved) and returns, by droplet ID, each one's reserved IP
// and the names of the firewalls that cover it.
func rebuildCloudNetwork(ctx context.Context, client *godo.Client, droplets []godo.Droplet) (map[int]string, map[int][]string, error) {
	ips, err := listReservedIPs(ctx, client)
	if err != nil {
		return nil, nil, err
	}
	fws, err := listAll(func(opt *godo.ListOptions) ([]godo.Firewall, *godo.Response, error) {
		return client.Firewalls.List(ctx, opt)
	})
	if err != nil {
		return nil, nil, explain(err, "list the account's cloud firewalls")
	}
	reserved, covering := map[int]string{}, map[int][]string{}
	for i := range droplets {
		d := &droplets[i]
		withoutReserved(d, ips)
		reserved[d.ID] = assignedTo(ips, d.ID)
		for _, f := range fws {
			if slices.Contains(f.DropletIDs, d.ID) || slices.ContainsFunc(f.Tags, func(t string) bool { return slices.Contains(d.Tags, t) }) {
				covering[d.ID] = append(covering[d.ID], f.Name)
			}
		}
		slices.Sort(covering[d.ID])
	}
	return reserved, covering, nil
}
