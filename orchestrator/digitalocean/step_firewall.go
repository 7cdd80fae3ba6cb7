package digitalocean

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/digitalocean/godo"
)

// PublishedPort is a port an instance publishes on its host, which the
// host's firewall opens to everyone.
type PublishedPort struct {
	Port     int
	Protocol string // "tcp" or "udp"
}

func (p PublishedPort) String() string { return fmt.Sprintf("%d/%s", p.Port, p.Protocol) }

// everyone is every IPv4 and IPv6 address, as a firewall source.
var everyone = []string{"0.0.0.0/0", "::/0"}

// swarmPorts are what the project's swarm nodes say to each other: the
// managers' API, the gossip and the overlay network's VXLAN.
var swarmPorts = []PublishedPort{{2377, "tcp"}, {7946, "tcp"}, {7946, "udp"}, {4789, "udp"}}

// Firewall names: "dockerops.<project>" and "dockerops.<project>.<host>"
// ('_' read as '-', as in droplet names, since firewall names may only
// have letters, digits, '.' and '-'); a project and a host name have no
// '.', so the two never collide.
func projectFirewall(project string) string {
	return "dockerops." + strings.ReplaceAll(project, "_", "-")
}

func hostFirewall(project, host string) string {
	return projectFirewall(project) + "." + dropletHostPart(host)
}

// projectHostTag is on the droplet of one host of one project, for its
// firewall: hostTag alone is shared by the hosts of that name of every
// project.
func projectHostTag(project, host string) string { return ProjectTag(project) + ":" + host }

// syncFirewalls makes the project's cloud firewalls say what hosts.conf and
// the published ports say, writing only what differs. The project firewall
// (by the project tag) lets the project's droplets reach each other's swarm
// ports and every droplet reach out; each host's firewall (by its own tag)
// opens SSH to ssh_from and the ports its instances publish to everyone.
// Cloud firewalls only add up, so SSH is in the host's firewall: one host's
// ssh_from would not narrow another firewall's "everyone".
type syncFirewalls struct{}

func (syncFirewalls) Run(ctx context.Context, st *state) error {
	existing, err := listAll(func(opt *godo.ListOptions) ([]godo.Firewall, *godo.Response, error) {
		return st.client.Firewalls.List(ctx, opt)
	})
	if err != nil {
		return explain(err, "list the account's cloud firewalls")
	}
	if err := st.tagHosts(ctx); err != nil {
		return err
	}
	want := []godo.FirewallRequest{projectFirewallRequest(st.req.Project)}
	for _, h := range st.req.Hosts {
		want = append(want, hostFirewallRequest(st.req.Project, h, st.req.Published[h.Name]))
	}
	for _, w := range want {
		i := slices.IndexFunc(existing, func(f godo.Firewall) bool { return f.Name == w.Name })
		if i >= 0 && sameFirewall(existing[i], w) {
			continue
		}
		if i < 0 {
			if _, _, err := st.client.Firewalls.Create(ctx, &w); err != nil {
				return explain(err, "create cloud firewall "+w.Name)
			}
			st.made = true
			st.say("firewall %s: created, %s", w.Name, describeRules(w))
			continue
		}
		if _, _, err := st.client.Firewalls.Update(ctx, existing[i].ID, &w); err != nil {
			return explain(err, "update cloud firewall "+w.Name)
		}
		st.say("firewall %s: updated, now %s", w.Name, describeRules(w))
	}
	return nil
}

// tagHosts gives each host's droplet its project-host tag, which droplets
// made before there were host firewalls lack: without it the host firewall
// would not cover the droplet, and its published ports would be closed.
func (st *state) tagHosts(ctx context.Context) error {
	for _, h := range st.req.Hosts {
		d, tag := st.droplets[h.Name], projectHostTag(st.req.Project, h.Name)
		if d == nil || slices.Contains(d.Tags, tag) {
			continue
		}
		// Tagging needs the tag to exist; creating one that exists is no error.
		if _, _, err := st.client.Tags.Create(ctx, &godo.TagCreateRequest{Name: tag}); err != nil {
			return explain(err, fmt.Sprintf("host %q: create tag %s", h.Name, tag))
		}
		res := &godo.TagResourcesRequest{Resources: []godo.Resource{{ID: strconv.Itoa(d.ID), Type: godo.DropletResourceType}}}
		if _, err := st.client.Tags.TagResources(ctx, tag, res); err != nil {
			return explain(err, fmt.Sprintf("host %q: tag droplet %s with %s", h.Name, d.Name, tag))
		}
		d.Tags = append(d.Tags, tag)
		st.say("%s: tagged droplet %s with %s", h.Name, d.Name, tag)
	}
	return nil
}

func projectFirewallRequest(project string) godo.FirewallRequest {
	tag := ProjectTag(project)
	req := godo.FirewallRequest{Name: projectFirewall(project), Tags: []string{tag}}
	for _, p := range swarmPorts {
		req.InboundRules = append(req.InboundRules, godo.InboundRule{Protocol: p.Protocol, PortRange: strconv.Itoa(p.Port), Sources: &godo.Sources{Tags: []string{tag}}})
	}
	for _, proto := range []string{"tcp", "udp", "icmp"} {
		ports := "1-65535" // what every API version took for every port; it reads back "0"
		if proto == "icmp" {
			ports = ""
		}
		req.OutboundRules = append(req.OutboundRules, godo.OutboundRule{Protocol: proto, PortRange: ports, Destinations: &godo.Destinations{Addresses: everyone}})
	}
	return req
}

func hostFirewallRequest(project string, h Host, published []PublishedPort) godo.FirewallRequest {
	req := godo.FirewallRequest{Name: hostFirewall(project, h.Name), Tags: []string{projectHostTag(project, h.Name)}}
	req.InboundRules = append(req.InboundRules, godo.InboundRule{Protocol: "tcp", PortRange: "22", Sources: &godo.Sources{Addresses: h.SSHSources()}})
	ports := slices.Clone(published)
	slices.SortFunc(ports, func(a, b PublishedPort) int {
		return cmp.Or(cmp.Compare(a.Port, b.Port), strings.Compare(a.Protocol, b.Protocol))
	})
	for _, p := range slices.Compact(ports) {
		req.InboundRules = append(req.InboundRules, godo.InboundRule{Protocol: p.Protocol, PortRange: strconv.Itoa(p.Port), Sources: &godo.Sources{Addresses: everyone}})
	}
	return req
}

// sameFirewall compares what a firewall lets through, whatever the order
// and spelling the API gives back ("0" for every port).
func sameFirewall(have godo.Firewall, want godo.FirewallRequest) bool {
	return slices.Equal(sorted(have.Tags), sorted(want.Tags)) && len(have.DropletIDs) == len(want.DropletIDs) &&
		slices.Equal(ruleKeys(have.InboundRules, have.OutboundRules), ruleKeys(want.InboundRules, want.OutboundRules))
}

func ruleKeys(in []godo.InboundRule, out []godo.OutboundRule) []string {
	var keys []string
	for _, r := range in {
		keys = append(keys, "in "+ruleKey(r.Protocol, r.PortRange, r.Sources))
	}
	for _, r := range out {
		keys = append(keys, "out "+ruleKey(r.Protocol, r.PortRange, (*godo.Sources)(r.Destinations)))
	}
	return sorted(keys)
}

func ruleKey(protocol, ports string, peers *godo.Sources) string {
	if ports == "" || ports == "1-65535" || protocol == "icmp" {
		ports = "0"
	}
	if peers == nil {
		peers = &godo.Sources{}
	}
	addrs := make([]string, len(peers.Addresses))
	for i, a := range peers.Addresses {
		addrs[i] = canonicalIP(a)
	}
	ids := slices.Sorted(slices.Values(peers.DropletIDs))
	return fmt.Sprintf("%s %s addrs=%v tags=%v droplets=%v lbs=%v k8s=%v", protocol, ports, sorted(addrs), sorted(peers.Tags), ids,
		sorted(peers.LoadBalancerUIDs), sorted(peers.KubernetesIDs))
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// describeRules says in one line what a firewall lets in.
func describeRules(req godo.FirewallRequest) string {
	var parts []string
	for _, r := range req.InboundRules {
		from := strings.Join(r.Sources.Addresses, ", ")
		if len(r.Sources.Tags) > 0 {
			from = "the project's droplets"
		}
		if slices.Equal(r.Sources.Addresses, everyone) {
			from = "everyone"
		}
		parts = append(parts, fmt.Sprintf("%s/%s from %s", r.PortRange, r.Protocol, from))
	}
	return "in: " + strings.Join(parts, "; ")
}

// deleteFirewalls deletes the named firewalls of the account that exist;
// one already gone is fine.
func deleteFirewalls(ctx context.Context, client *godo.Client, match func(name string) bool, o options) error {
	all, err := listAll(func(opt *godo.ListOptions) ([]godo.Firewall, *godo.Response, error) {
		return client.Firewalls.List(ctx, opt)
	})
	if err != nil {
		return explain(err, "list the account's cloud firewalls")
	}
	for _, f := range all {
		if !match(f.Name) {
			continue
		}
		if _, err := client.Firewalls.Delete(ctx, f.ID); err != nil && StatusCode(err) != http.StatusNotFound {
			return explain(err, "delete cloud firewall "+f.Name)
		}
		fmt.Fprintf(o.progress, "deleted cloud firewall %s\n", f.Name)
	}
	return nil
}
