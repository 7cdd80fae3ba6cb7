package digitalocean

import (
	"context"
	"net"
	"strings"

	"github.com/digitalocean/godo"
)

// RebuildInventory describes the project's droplets from the account alone:
// the droplets tagged with the project, each named after its host, with the
// DNS names whose A or AAAA records point at its public addresses, and its
// block storage volume.
func RebuildInventory(ctx context.Context, client *godo.Client, project string) (Inventory, error) {
	if err := checkProject(project); err != nil {
		return nil, err
	}
	droplets, err := projectDroplets(ctx, client, project)
	if err != nil {
		return nil, err
	}
	inv := Inventory{}
	if len(droplets) == 0 {
		return inv, nil
	}
	reserved, firewalls, err := rebuildCloudNetwork(ctx, client, droplets)
	if err != nil {
		return nil, err
	}
	namesOf, err := addressNames(ctx, client)
	if err != nil {
		return nil, err
	}
	volumes, err := ProjectVolumes(ctx, client, project, nil)
	if err != nil {
		return nil, err
	}
	for i := range droplets {
		d := &droplets[i]
		host := hostOf(*d, project)
		if _, dup := inv[host]; dup {
			continue // the oldest droplet of a host is the one provision uses
		}
		pub4, _, pub6 := addresses(d)
		var names []string
		for _, ip := range []string{pub4, pub6, reserved[d.ID]} {
			if ip != "" {
				names = append(names, namesOf[canonicalIP(ip)]...)
			}
		}
		inv[host] = inventoryHost(d, names)
		if e := inv[host]; reserved[d.ID] != "" || len(firewalls[d.ID]) > 0 {
			e.ReservedIP, e.Firewalls = reserved[d.ID], firewalls[d.ID]
			inv[host] = e
		}
		for _, v := range volumes {
			if v.Host == host {
				inv[host] = withVolume(inv[host], v, d.ID)
			}
		}
	}
	return inv, nil
}

// addressNames maps every address the account's A and AAAA records point at
// to the names pointing there.
func addressNames(ctx context.Context, client *godo.Client) (map[string][]string, error) {
	domains, err := listDomains(ctx, client)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, dom := range domains {
		zone := strings.ToLower(dom.Name)
		recs, err := addressRecords(ctx, client, zone)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Type == "A" || r.Type == "AAAA" {
				ip := canonicalIP(r.Data)
				out[ip] = append(out[ip], fqdn(r.Name, zone))
			}
		}
	}
	return out, nil
}

func canonicalIP(s string) string {
	if ip := net.ParseIP(s); ip != nil {
		return ip.String()
	}
	return s
}
