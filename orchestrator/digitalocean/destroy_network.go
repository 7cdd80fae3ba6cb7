package digitalocean

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/digitalocean/godo"
)

// WithReleaseReservedIPs makes Destroy release these reserved IPs (host ->
// address, from HostReservedIPs) once the droplets are gone, and delete
// the DNS records pointing at them. Without it a reserved IP is kept,
// unassigned, for the next provision of its host.
func WithReleaseReservedIPs(ips map[string]string) Option {
	return func(o *options) { o.release = ips }
}

// HostReservedIPs finds the reserved IPs of the given hosts as provision
// does (see findReservedIPs): the one assigned to the host's droplet, the
// one recorded in known, or the one an A record of its names points at.
// It changes nothing, so destroy can name them before asking.
func HostReservedIPs(ctx context.Context, client *godo.Client, project string, hosts []Host, known map[string]string) (map[string]string, error) {
	if err := checkProject(project); err != nil {
		return nil, err
	}
	droplets, err := projectDroplets(ctx, client, project)
	if err != nil {
		return nil, err
	}
	st := &state{client: client, req: ProvisionRequest{Project: project, ReservedIPs: known},
		droplets: map[string]*godo.Droplet{}, records: map[string][]godo.DomainRecord{}, reserved: map[string]string{}}
	for _, h := range hosts {
		h.ReservedIP = true // whatever hosts.conf says now, its address is still the host's
		st.req.Hosts = append(st.req.Hosts, h)
		for i := range droplets {
			if hostOf(droplets[i], project) == h.Name {
				st.droplets[h.Name] = &droplets[i]
				break
			}
		}
	}
	if err := st.findReservedIPs(ctx); err != nil {
		return nil, err
	}
	return st.reserved, nil
}

// destroyNetwork is Destroy's part for the cloud network: it deletes the
// firewalls of the destroyed hosts (every firewall of the project when
// hosts is empty) and releases the reserved IPs o.release names, or says
// which reserved IPs it keeps.
func destroyNetwork(ctx context.Context, client *godo.Client, project string, hosts []string, kept map[string]string, o options) error {
	match := func(name string) bool {
		if len(hosts) == 0 {
			return name == projectFirewall(project) || strings.HasPrefix(name, projectFirewall(project)+".")
		}
		return slices.ContainsFunc(hosts, func(h string) bool { return name == hostFirewall(project, h) })
	}
	if err := deleteFirewalls(ctx, client, match, o); err != nil {
		return err
	}
	for _, host := range slices.Sorted(maps.Keys(kept)) {
		if _, released := o.release[host]; !released {
			fmt.Fprintf(o.progress, "%s: reserved IP %s is kept, now unassigned (DigitalOcean bills an unassigned reserved IP): provision:%s assigns it again, destroy:%s,purge=True releases it\n",
				host, kept[host], host, host)
		}
	}
	if len(o.release) == 0 {
		return nil
	}
	ips := map[string]bool{}
	for _, host := range slices.Sorted(maps.Keys(o.release)) {
		ip := o.release[host]
		if _, err := client.ReservedIPs.Delete(ctx, ip); err != nil && StatusCode(err) != http.StatusNotFound {
			return explain(err, fmt.Sprintf("host %q: release reserved IP %s", host, ip))
		}
		ips[canonicalIP(ip)] = true
		fmt.Fprintf(o.progress, "%s: released reserved IP %s\n", host, ip)
	}
	records, err := readAddressRecords(ctx, client)
	if err != nil {
		return err
	}
	return deleteRecordsTo(ctx, client, records, ips, o)
}
