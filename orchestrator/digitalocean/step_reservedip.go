package digitalocean

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/digitalocean/godo"
)

// A reserved IP has no name, tag or description in the API, so "this
// host's" reserved IP is found again, in this order: the one assigned to
// the host's droplet; the one recorded for the host by an earlier run
// (ProvisionRequest.ReservedIPs), still in the account, in the host's
// region and unassigned; the unassigned one in the region that an A record
// of one of the host's DNS names points at (destroy keeps those records
// while it keeps the address). Only then is a new one reserved. An address
// assigned to another droplet is never taken. project_id is left to the
// account's default project: dockerops does not manage DigitalOcean
// projects, and a project is no key to a host anyway.

// listReservedIPs lists the account's reserved IPs.
func listReservedIPs(ctx context.Context, c *godo.Client) ([]godo.ReservedIP, error) {
	ips, err := listAll(func(opt *godo.ListOptions) ([]godo.ReservedIP, *godo.Response, error) {
		return c.ReservedIPs.List(ctx, opt)
	})
	return ips, explain(err, "list the account's reserved IPs")
}

// withoutReserved drops the reserved IPs from a droplet's networks: the
// API lists an assigned one as a second public IPv4, in no promised order,
// and the droplet's own address is the one SSH and its host key go with.
func withoutReserved(d *godo.Droplet, ips []godo.ReservedIP) {
	if d == nil || d.Networks == nil {
		return
	}
	d.Networks.V4 = slices.DeleteFunc(slices.Clone(d.Networks.V4), func(n godo.NetworkV4) bool {
		return slices.ContainsFunc(ips, func(r godo.ReservedIP) bool { return sameIP(r.IP, n.IPAddress) })
	})
}

// assignedTo is the reserved IP assigned to droplet id, or "".
func assignedTo(ips []godo.ReservedIP, id int) string {
	for _, r := range ips {
		if r.Droplet != nil && r.Droplet.ID == id {
			return r.IP
		}
	}
	return ""
}

// findReservedIPs reads the account's reserved IPs and finds each
// reserved_ip host's (see above), changing nothing; a host left without
// one gets a new one in assignReservedIPs.
func (st *state) findReservedIPs(ctx context.Context) error {
	if !slices.ContainsFunc(st.req.Hosts, func(h Host) bool { return h.ReservedIP }) {
		return nil
	}
	ips, err := listReservedIPs(ctx, st.client)
	if err != nil {
		return err
	}
	st.reservedIPs = ips
	for _, d := range st.droplets {
		withoutReserved(d, ips)
	}
	taken := map[string]bool{}
	free := func(ip, region string) bool {
		i := slices.IndexFunc(ips, func(r godo.ReservedIP) bool { return sameIP(r.IP, ip) })
		return i >= 0 && ips[i].Droplet == nil && ips[i].Region != nil && ips[i].Region.Slug == region && !taken[ips[i].IP]
	}
	for _, h := range st.req.Hosts {
		if !h.ReservedIP {
			continue
		}
		ip := ""
		if d := st.droplets[h.Name]; d != nil {
			ip = assignedTo(ips, d.ID)
		}
		if known := st.req.ReservedIPs[h.Name]; ip == "" && known != "" && free(known, h.Region) {
			ip = known
		}
		if ip == "" {
			if ip, err = st.reservedFromDNS(ctx, h, free); err != nil {
				return err
			}
		}
		if ip != "" {
			taken[ip] = true
			st.reserved[h.Name] = ip
		}
	}
	return nil
}

// reservedFromDNS is the free reserved IP an A record of one of h's names
// points at, or "". It reads the zones as checkDNS does, which then reads
// them no more.
func (st *state) reservedFromDNS(ctx context.Context, h Host, free func(ip, region string) bool) (string, error) {
	if len(h.Names) == 0 {
		return "", nil
	}
	domains, err := listDomains(ctx, st.client)
	if err != nil {
		return "", err
	}
	zones := make([]string, len(domains))
	for i, d := range domains {
		zones[i] = strings.ToLower(d.Name)
	}
	for _, n := range h.Names {
		z := zoneOf(n, zones)
		if z == "" {
			continue
		}
		if _, read := st.records[z]; !read {
			rs, err := addressRecords(ctx, st.client, z)
			if err != nil {
				return "", err
			}
			st.records[z] = rs
		}
		for _, r := range st.records[z] {
			if r.Type == "A" && fqdn(r.Name, z) == n && free(r.Data, h.Region) {
				return canonicalIP(r.Data), nil
			}
		}
	}
	return "", nil
}

// pointsAtReserved reports whether an A record points at h's reserved IP.
func (st *state) pointsAtReserved(r godo.DomainRecord, h Host) bool {
	ip := st.reserved[h.Name]
	return ip != "" && r.Type == "A" && sameIP(r.Data, ip)
}

// assignReservedIPs gives every reserved_ip host its address: the one
// found (see findReservedIPs) or a new one in its region, assigned to its
// droplet once the droplet is unlocked.
type assignReservedIPs struct{}

func (assignReservedIPs) Run(ctx context.Context, st *state) error {
	for _, h := range st.req.Hosts {
		if !h.ReservedIP {
			continue
		}
		d := st.droplets[h.Name]
		ip := st.reserved[h.Name]
		if ip == "" {
			r, _, err := st.client.ReservedIPs.Create(ctx, &godo.ReservedIPCreateRequest{Region: h.Region})
			if err != nil {
				return explain(err, fmt.Sprintf("host %q: reserve an IP in %s", h.Name, h.Region))
			}
			ip = r.IP
			st.reserved[h.Name] = ip
			st.reservedIPs = append(st.reservedIPs, *r)
			st.made = true
			st.say("%s: reserved IP %s in %s", h.Name, ip, h.Region)
		}
		if assignedTo(st.reservedIPs, d.ID) == ip {
			continue
		}
		if err := st.assign(ctx, h.Name, ip, d); err != nil {
			return err
		}
		st.made = true
		st.say("%s: reserved IP %s assigned to droplet %s", h.Name, ip, d.Name)
	}
	return nil
}

// assign assigns ip to d, waiting out the droplet's lock after its create,
// and follows the action until it is done.
func (st *state) assign(ctx context.Context, host, ip string, d *godo.Droplet) error {
	doing := fmt.Sprintf("host %q: assign reserved IP %s to droplet %s", host, ip, d.Name)
	var a *godo.Action
	err := whileLocked(ctx, st.options(), func() error {
		var err error
		a, _, err = st.client.ReservedIPActions.Assign(ctx, ip, d.ID)
		return err
	})
	if err != nil {
		return explain(err, doing)
	}
	deadline := time.Now().Add(st.req.Timeout)
	for a.Status == godo.ActionInProgress {
		if a, _, err = st.client.ReservedIPActions.Get(ctx, ip, a.ID); err != nil {
			return explain(err, doing)
		}
		if a.Status != godo.ActionInProgress {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: action %d still in progress after %s; run provision again", doing, a.ID, st.req.Timeout)
		}
		if err := sleepCtx(ctx, st.req.PollInterval); err != nil {
			return err
		}
	}
	if a.Status != godo.ActionCompleted {
		return fmt.Errorf("%s: action %d ended %q; run provision again", doing, a.ID, a.Status)
	}
	return nil
}
