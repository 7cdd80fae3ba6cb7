package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/digitalocean/godo"
)

// Destroy deletes the project's droplets of the given hosts (every droplet
// of the project when hosts is empty) and the A and AAAA records pointing at
// them, so no name is left pointing at an address DigitalOcean may give to
// someone else. A droplet's records go only once its delete is accepted
// (the API refuses to delete a locked droplet: its names must not go while
// it runs on), and Destroy then waits for every deleted droplet to be gone
// (404 or status "archive"), so a provision right after it makes new ones.
// It then detaches the hosts' block storage volumes and keeps them, or
// deletes them with WithPurgeVolumes, deletes the destroyed hosts' cloud
// firewalls (all of the project's for every host) and keeps their reserved
// IPs, unassigned, unless WithReleaseReservedIPs names them. Hosts without
// a droplet are not an error. It returns the addresses of the droplets it
// deleted, even when it fails part way, so their ssh host keys can be
// forgotten.
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
	for _, d := range all {
		if len(hosts) == 0 || slices.Contains(hosts, hostOf(d, project)) {
			doomed = append(doomed, d)
		}
	}
	reservedIPs, err := listReservedIPs(ctx, client)
	if err != nil {
		return nil, err
	}
	kept := map[string]string{} // host -> the reserved IP its droplet had
	for i := range doomed {
		if ip := assignedTo(reservedIPs, doomed[i].ID); ip != "" {
			kept[hostOf(doomed[i], project)] = ip
		}
		withoutReserved(&doomed[i], reservedIPs)
	}
	if len(doomed) == 0 {
		fmt.Fprintf(o.progress, "project %q has no droplet to destroy\n", project)
		return nil, errors.Join(releaseVolumes(ctx, client, project, hosts, nil, o), destroyNetwork(ctx, client, project, hosts, kept, o))
	}
	var records map[string][]godo.DomainRecord // zone -> A and AAAA records, read once
	var accepted []godo.Droplet
	for _, d := range doomed {
		host := hostOf(d, project)
		if err := deleteDroplet(ctx, client, d, o); err != nil {
			return deleted, fmt.Errorf("%w; its DNS records are kept", err)
		}
		rememberDeleted(client, d.ID)
		accepted = append(accepted, d)
		fmt.Fprintf(o.progress, "%s: deleted droplet %s\n", host, d.Name)
		pub4, priv4, pub6 := addresses(&d)
		for _, ip := range []string{pub4, priv4, pub6} {
			if ip != "" {
				deleted = append(deleted, ip)
			}
		}
		ips := map[string]bool{}
		for _, ip := range []string{pub4, pub6} {
			if ip != "" {
				ips[canonicalIP(ip)] = true
			}
		}
		if len(ips) == 0 {
			continue
		}
		if records == nil {
			if records, err = readAddressRecords(ctx, client); err != nil {
				return deleted, err
			}
		}
		if err := deleteRecordsTo(ctx, client, records, ips, o); err != nil {
			return deleted, err
		}
	}
	for _, d := range accepted {
		if err := awaitGone(ctx, client, d, o); err != nil {
			return deleted, err
		}
	}
	return deleted, errors.Join(releaseVolumes(ctx, client, project, hosts, accepted, o), destroyNetwork(ctx, client, project, hosts, kept, o))
}

// deleteDroplet deletes a droplet once it is unlocked, retrying while the
// API refuses for a pending event; a droplet already gone is fine.
func deleteDroplet(ctx context.Context, client *godo.Client, d godo.Droplet, o options) error {
	cur, err := awaitDroplet(ctx, client, &d, "", o)
	if err != nil || cur == nil {
		return err
	}
	err = whileLocked(ctx, o, func() error {
		_, err := client.Droplets.Delete(ctx, d.ID)
		return err
	})
	if err != nil && StatusCode(err) != http.StatusNotFound {
		return explain(err, fmt.Sprintf("delete droplet %s", d.Name))
	}
	return nil
}

// readAddressRecords reads the A and AAAA records of every domain of the
// account, by zone.
func readAddressRecords(ctx context.Context, client *godo.Client) (map[string][]godo.DomainRecord, error) {
	domains, err := listDomains(ctx, client)
	if err != nil {
		return nil, err
	}
	out := map[string][]godo.DomainRecord{}
	for _, dom := range domains {
		zone := strings.ToLower(dom.Name)
		recs, err := addressRecords(ctx, client, zone)
		if err != nil {
			return nil, err
		}
		out[zone] = slices.DeleteFunc(recs, func(r godo.DomainRecord) bool { return r.Type != "A" && r.Type != "AAAA" })
	}
	return out, nil
}

// deleteRecordsTo deletes every record of records pointing at one of ips.
func deleteRecordsTo(ctx context.Context, client *godo.Client, records map[string][]godo.DomainRecord, ips map[string]bool, o options) error {
	zones := slices.Sorted(maps.Keys(records))
	for _, zone := range zones {
		for _, r := range records[zone] {
			if !ips[canonicalIP(r.Data)] {
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
