package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/digitalocean/godo"
)

// Destroy deletes the project's droplets of the given hosts (every droplet
// of the project when hosts is empty) and, first, the A and AAAA records
// pointing at them, so no name is left pointing at an address DigitalOcean
// may give to someone else. Hosts without a droplet are not an error.
// It returns the addresses of the droplets it deleted, even when it fails
// part way, so their ssh host keys can be forgotten.
func Destroy(ctx context.Context, client *godo.Client, project string, hosts []string, opts ...Option) (deleted []string, err error) {
	o := applyOptions(opts)
	if err := checkProject(project); err != nil {
		return nil, err
	}
	all, err := projectDroplets(ctx, client, project)
	if err != nil {
		return nil, err
	}
	var doomed []godo.Droplet
	ips := map[string]bool{}
	for _, d := range all {
		if len(hosts) > 0 && !slices.Contains(hosts, hostOf(d, project)) {
			continue
		}
		doomed = append(doomed, d)
		pub4, _, pub6 := addresses(&d)
		for _, ip := range []string{pub4, pub6} {
			if ip != "" {
				ips[canonicalIP(ip)] = true
			}
		}
	}
	if len(doomed) == 0 {
		fmt.Fprintf(o.progress, "project %q has no droplet to destroy\n", project)
		return nil, nil
	}
	if len(ips) > 0 {
		if err := deleteRecordsTo(ctx, client, ips, o); err != nil {
			return nil, err
		}
	}
	for _, d := range doomed {
		if _, err := client.Droplets.Delete(ctx, d.ID); err != nil && StatusCode(err) != http.StatusNotFound {
			return deleted, explain(err, fmt.Sprintf("delete droplet %s", d.Name))
		}
		fmt.Fprintf(o.progress, "%s: deleted droplet %s\n", hostOf(d, project), d.Name)
		pub4, priv4, pub6 := addresses(&d)
		for _, ip := range []string{pub4, priv4, pub6} {
			if ip != "" {
				deleted = append(deleted, ip)
			}
		}
	}
	return deleted, nil
}

// deleteRecordsTo deletes every A and AAAA record of the account pointing at
// one of ips.
func deleteRecordsTo(ctx context.Context, client *godo.Client, ips map[string]bool, o options) error {
	domains, err := listDomains(ctx, client)
	if err != nil {
		return err
	}
	for _, dom := range domains {
		zone := strings.ToLower(dom.Name)
		recs, err := addressRecords(ctx, client, zone)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if (r.Type != "A" && r.Type != "AAAA") || !ips[canonicalIP(r.Data)] {
				continue
			}
			name := fqdn(r.Name, zone)
			if _, err := client.Domains.DeleteRecord(ctx, zone, r.ID); err != nil && StatusCode(err) != http.StatusNotFound {
				return explain(err, fmt.Sprintf("delete DNS record %s %s", r.Type, name))
			}
			fmt.Fprintf(o.progress, "deleted DNS record %s %s -> %s\n", r.Type, name, r.Data)
		}
	}
	return nil
}
