package fakedo

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/digitalocean/godo"
)

// maxFirewallRules is the API's limit of inbound and outbound rules, counted
// together, of one firewall.
const maxFirewallRules = 50

var firewallNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9.-]{0,254}$`)

// firewall is a cloud firewall; it reads "waiting" (with a pending change
// per droplet it covers) for ActionPolls GETs after each write, as the
// API does while it pushes the rules to the hypervisors.
type firewall struct {
	f       godo.Firewall
	waiting int
}

func (s *Server) firewallRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/firewalls", s.listFirewalls)
	mux.HandleFunc("POST /v2/firewalls", s.createFirewall)
	mux.HandleFunc("GET /v2/firewalls/{id}", s.getFirewall)
	mux.HandleFunc("PUT /v2/firewalls/{id}", s.updateFirewall)
	mux.HandleFunc("DELETE /v2/firewalls/{id}", s.deleteFirewall)
	for _, part := range []string{"droplets", "tags", "rules"} {
		mux.HandleFunc("POST /v2/firewalls/{id}/"+part, func(w http.ResponseWriter, r *http.Request) { s.changeFirewall(w, r, part, true) })
		mux.HandleFunc("DELETE /v2/firewalls/{id}/"+part, func(w http.ResponseWriter, r *http.Request) { s.changeFirewall(w, r, part, false) })
	}
	mux.HandleFunc("GET /v2/droplets/{id}/firewalls", s.dropletFirewalls)
	mux.HandleFunc("POST /v2/tags", s.createTag)
	mux.HandleFunc("POST /v2/tags/{tag}/resources", s.tagResources)
}

// Firewalls returns a copy of every firewall, as the API would show it now.
func (s *Server) Firewalls() []godo.Firewall {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]godo.Firewall, len(s.firewalls))
	for i, fw := range s.firewalls {
		out[i] = cloneFirewall(fw.f)
	}
	return out
}

// rememberTags records tags as existing: a droplet create makes its tags,
// and they outlive the droplet. Called with s.mu held.
func (s *Server) rememberTags(tags []string) {
	if s.tags == nil {
		s.tags = map[string]bool{}
	}
	for _, t := range tags {
		s.tags[t] = true
	}
}

func (s *Server) firewallByID(id string) *firewall {
	for _, fw := range s.firewalls {
		if fw.f.ID == id {
			return fw
		}
	}
	return nil
}

// view is the firewall as a GET shows it, counting the GET against its
// wait. Called with s.mu held.
func (s *Server) view(fw *firewall) godo.Firewall {
	if fw.waiting > 0 {
		fw.waiting--
	}
	if fw.waiting == 0 {
		fw.f.Status, fw.f.PendingChanges = "succeeded", []godo.PendingChange{}
	}
	return cloneFirewall(fw.f)
}

// written marks a firewall just created or changed. Called with s.mu held.
func (s *Server) written(fw *firewall) {
	fw.waiting = s.cfg.ActionPolls + 1
	fw.f.Status = "waiting"
	fw.f.PendingChanges = []godo.PendingChange{}
	for _, d := range s.droplets {
		if covers(fw.f, d.d) {
			fw.f.PendingChanges = append(fw.f.PendingChanges, godo.PendingChange{DropletID: d.d.ID, Status: "waiting"})
		}
	}
}

func covers(f godo.Firewall, d godo.Droplet) bool {
	if slices.Contains(f.DropletIDs, d.ID) {
		return true
	}
	return slices.ContainsFunc(f.Tags, func(t string) bool { return slices.Contains(d.Tags, t) })
}

func (s *Server) listFirewalls(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := make([]godo.Firewall, len(s.firewalls))
	for i, fw := range s.firewalls {
		out[i] = s.view(fw)
	}
	s.mu.Unlock()
	writePage(s, w, r, "firewalls", out)
}

func (s *Server) getFirewall(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fw := s.firewallByID(r.PathValue("id"))
	if fw == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"firewall": s.view(fw)})
}

func (s *Server) createFirewall(w http.ResponseWriter, r *http.Request) {
	var req godo.FirewallRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, code, msg := s.checkFirewall(req, "")
	if code != 0 {
		writeFirewallError(w, code, msg)
		return
	}
	f.ID = newRequestID() // a UUID, as the API's firewall IDs
	f.Created = stamp()
	fw := &firewall{f: f}
	s.written(fw)
	s.firewalls = append(s.firewalls, fw)
	writeJSON(w, http.StatusAccepted, map[string]any{"firewall": cloneFirewall(fw.f)})
}

// updateFirewall replaces the whole firewall, as PUT does in the API: a
// list the request leaves out (tags, droplet_ids, a direction's rules) is
// emptied, not kept.
func (s *Server) updateFirewall(w http.ResponseWriter, r *http.Request) {
	var req godo.FirewallRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fw := s.firewallByID(r.PathValue("id"))
	if fw == nil {
		notFound(w)
		return
	}
	f, code, msg := s.checkFirewall(req, fw.f.ID)
	if code != 0 {
		writeFirewallError(w, code, msg)
		return
	}
	f.ID, f.Created = fw.f.ID, fw.f.Created
	fw.f = f
	s.written(fw)
	writeJSON(w, http.StatusOK, map[string]any{"firewall": cloneFirewall(fw.f)})
}

func (s *Server) deleteFirewall(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fw := s.firewallByID(r.PathValue("id"))
	if fw == nil {
		notFound(w)
		return
	}
	s.firewalls = slices.DeleteFunc(s.firewalls, func(x *firewall) bool { return x == fw })
	w.WriteHeader(http.StatusNoContent)
}

// changeFirewall adds or removes droplets, tags or rules.
func (s *Server) changeFirewall(w http.ResponseWriter, r *http.Request, part string, add bool) {
	var req struct {
		DropletIDs    []int               `json:"droplet_ids"`
		Tags          []string            `json:"tags"`
		InboundRules  []godo.InboundRule  `json:"inbound_rules"`
		OutboundRules []godo.OutboundRule `json:"outbound_rules"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fw := s.firewallByID(r.PathValue("id"))
	if fw == nil {
		notFound(w)
		return
	}
	next := godo.FirewallRequest{Name: fw.f.Name, InboundRules: fw.f.InboundRules, OutboundRules: fw.f.OutboundRules,
		DropletIDs: fw.f.DropletIDs, Tags: fw.f.Tags}
	switch {
	case part == "droplets" && add:
		next.DropletIDs = append(slices.Clone(next.DropletIDs), req.DropletIDs...)
	case part == "droplets":
		next.DropletIDs = slices.DeleteFunc(slices.Clone(next.DropletIDs), func(id int) bool { return slices.Contains(req.DropletIDs, id) })
	case part == "tags" && add:
		next.Tags = append(slices.Clone(next.Tags), req.Tags...)
	case part == "tags":
		next.Tags = slices.DeleteFunc(slices.Clone(next.Tags), func(t string) bool { return slices.Contains(req.Tags, t) })
	case add:
		next.InboundRules = append(slices.Clone(next.InboundRules), req.InboundRules...)
		next.OutboundRules = append(slices.Clone(next.OutboundRules), req.OutboundRules...)
	default:
		in, out := s.normalRules(req.InboundRules, req.OutboundRules)
		next.InboundRules = slices.DeleteFunc(slices.Clone(next.InboundRules), func(r godo.InboundRule) bool {
			return slices.ContainsFunc(in, func(x godo.InboundRule) bool { return sameJSON(x, r) })
		})
		next.OutboundRules = slices.DeleteFunc(slices.Clone(next.OutboundRules), func(r godo.OutboundRule) bool {
			return slices.ContainsFunc(out, func(x godo.OutboundRule) bool { return sameJSON(x, r) })
		})
	}
	next.DropletIDs, next.Tags = compactInts(next.DropletIDs), compactStrings(next.Tags)
	f, code, msg := s.checkFirewall(next, fw.f.ID)
	if code != 0 {
		writeFirewallError(w, code, msg)
		return
	}
	f.ID, f.Created = fw.f.ID, fw.f.Created
	fw.f = f
	s.written(fw)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) dropletFirewalls(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d := s.dropletByID(r.PathValue("id"))
	if d == nil {
		s.mu.Unlock()
		notFound(w)
		return
	}
	var out []godo.Firewall
	for _, fw := range s.firewalls {
		if covers(fw.f, d.d) {
			out = append(out, s.view(fw))
		}
	}
	s.mu.Unlock()
	writePage(s, w, r, "firewalls", out)
}

func writeFirewallError(w http.ResponseWriter, code int, msg string) {
	if code == http.StatusConflict {
		writeError(w, code, "conflict", msg)
		return
	}
	unprocessable(w, "%s", msg)
}

// checkFirewall validates a firewall as the API does and returns it as
// stored, or the status and message of the refusal. self is the ID of the
// firewall being changed, whose own name is no conflict. Called with s.mu
// held.
func (s *Server) checkFirewall(req godo.FirewallRequest, self string) (godo.Firewall, int, string) {
	switch {
	case !firewallNameRE.MatchString(req.Name):
		return godo.Firewall{}, http.StatusUnprocessableEntity,
			"name must begin with an alphanumeric character and contain only alphanumeric characters, '.' and '-'"
	case len(req.InboundRules) == 0 && len(req.OutboundRules) == 0:
		return godo.Firewall{}, http.StatusUnprocessableEntity, "The request must contain at least one inbound or outbound access rule."
	case len(req.InboundRules)+len(req.OutboundRules) > maxFirewallRules:
		return godo.Firewall{}, http.StatusUnprocessableEntity, fmt.Sprintf("a firewall can have at most %d rules", maxFirewallRules)
	}
	for _, fw := range s.firewalls {
		if fw.f.ID != self && fw.f.Name == req.Name {
			return godo.Firewall{}, http.StatusConflict, "duplicate name"
		}
	}
	for _, t := range req.Tags {
		if !s.tags[t] {
			return godo.Firewall{}, http.StatusUnprocessableEntity, fmt.Sprintf("tag %q not found", t)
		}
	}
	for _, id := range req.DropletIDs {
		if d := s.dropletByID(strconv.Itoa(id)); d == nil || d.deleted {
			return godo.Firewall{}, http.StatusUnprocessableEntity, fmt.Sprintf("droplet %d not found", id)
		}
	}
	for _, r := range req.InboundRules {
		if msg := s.checkRule(r.Protocol, r.PortRange, r.Sources); msg != "" {
			return godo.Firewall{}, http.StatusUnprocessableEntity, msg
		}
	}
	for _, r := range req.OutboundRules {
		if msg := s.checkRule(r.Protocol, r.PortRange, (*godo.Sources)(r.Destinations)); msg != "" {
			return godo.Firewall{}, http.StatusUnprocessableEntity, msg
		}
	}
	in, out := s.normalRules(req.InboundRules, req.OutboundRules)
	return godo.Firewall{
		Name: req.Name, InboundRules: in, OutboundRules: out,
		DropletIDs: compactInts(req.DropletIDs), Tags: compactStrings(req.Tags),
	}, 0, ""
}

// checkRule validates one rule's protocol, ports and peers; the messages
// are the API's.
func (s *Server) checkRule(protocol, ports string, peers *godo.Sources) string {
	switch protocol {
	case "tcp", "udp":
		if !validPorts(ports) {
			return "you must specify a valid range for ports"
		}
	case "icmp":
		if ports != "" && ports != "0" {
			return "You must specify a positive value for ports."
		}
	default:
		return fmt.Sprintf("protocol %q is invalid: use tcp, udp or icmp", protocol)
	}
	if peers == nil || len(peers.Addresses)+len(peers.Tags)+len(peers.DropletIDs)+len(peers.LoadBalancerUIDs)+len(peers.KubernetesIDs) == 0 {
		return "a rule needs at least one address, tag, droplet, load balancer or Kubernetes cluster"
	}
	for _, a := range peers.Addresses {
		if net.ParseIP(a) == nil {
			if _, _, err := net.ParseCIDR(a); err != nil {
				return "invalid address"
			}
		}
	}
	for _, t := range peers.Tags {
		if !s.tags[t] {
			return fmt.Sprintf("tag %q not found", t)
		}
	}
	return ""
}

// validPorts accepts a port, a range "low-high", or "0" for every port.
// "all" is refused: the API's documentation once said it, and clients
// that sent it got a 422.
func validPorts(ports string) bool {
	if ports == "0" {
		return true
	}
	low, high, isRange := strings.Cut(ports, "-")
	if !isRange {
		high = low
	}
	l, err1 := strconv.Atoi(low)
	h, err2 := strconv.Atoi(high)
	return err1 == nil && err2 == nil && l >= 1 && h <= 65535 && l <= h
}

// normalRules is the rules as the API stores and shows them: every port of
// a protocol ("1-65535") reads "0", as does an ICMP rule's ports; the
// action field is left out, as the API leaves it out of allow rules.
func (s *Server) normalRules(in []godo.InboundRule, out []godo.OutboundRule) ([]godo.InboundRule, []godo.OutboundRule) {
	norm := func(protocol, ports string) string {
		if ports == "1-65535" || ports == "" || protocol == "icmp" {
			return "0"
		}
		return ports
	}
	ins := make([]godo.InboundRule, len(in))
	for i, r := range in {
		ins[i] = godo.InboundRule{Protocol: r.Protocol, PortRange: norm(r.Protocol, r.PortRange), Sources: clonePeers(r.Sources)}
	}
	outs := make([]godo.OutboundRule, len(out))
	for i, r := range out {
		outs[i] = godo.OutboundRule{Protocol: r.Protocol, PortRange: norm(r.Protocol, r.PortRange),
			Destinations: (*godo.Destinations)(clonePeers((*godo.Sources)(r.Destinations)))}
	}
	return ins, outs
}

func clonePeers(p *godo.Sources) *godo.Sources {
	if p == nil {
		return &godo.Sources{}
	}
	return &godo.Sources{Addresses: slices.Clone(p.Addresses), Tags: slices.Clone(p.Tags), DropletIDs: slices.Clone(p.DropletIDs),
		LoadBalancerUIDs: slices.Clone(p.LoadBalancerUIDs), KubernetesIDs: slices.Clone(p.KubernetesIDs)}
}

func cloneFirewall(f godo.Firewall) godo.Firewall {
	f.InboundRules, f.OutboundRules = slices.Clone(f.InboundRules), slices.Clone(f.OutboundRules)
	for i := range f.InboundRules {
		f.InboundRules[i].Sources = clonePeers(f.InboundRules[i].Sources)
	}
	for i := range f.OutboundRules {
		f.OutboundRules[i].Destinations = (*godo.Destinations)(clonePeers((*godo.Sources)(f.OutboundRules[i].Destinations)))
	}
	f.DropletIDs, f.Tags, f.PendingChanges = slices.Clone(f.DropletIDs), slices.Clone(f.Tags), slices.Clone(f.PendingChanges)
	if f.DropletIDs == nil {
		f.DropletIDs = []int{}
	}
	if f.Tags == nil {
		f.Tags = []string{}
	}
	return f
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func compactInts(v []int) []int {
	var out []int
	for _, x := range v {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func compactStrings(v []string) []string {
	var out []string
	for _, x := range v {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func (s *Server) createTag(w http.ResponseWriter, r *http.Request) {
	var req godo.TagCreateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if !tagRE.MatchString(req.Name) {
		unprocessable(w, "Tag %q is invalid: tags may contain letters, numbers, colons, dashes and underscores", req.Name)
		return
	}
	s.mu.Lock()
	s.rememberTags([]string{req.Name})
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"tag": godo.Tag{Name: req.Name, Resources: &godo.TaggedResources{}}})
}

// tagResources tags droplets; a tag that does not exist is a 404, as in
// the API (create it first).
func (s *Server) tagResources(w http.ResponseWriter, r *http.Request) {
	var req godo.TagResourcesRequest
	if !decodeBody(w, r, &req) {
		return
	}
	tag := r.PathValue("tag")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tags[tag] {
		notFound(w)
		return
	}
	var ds []*droplet
	for _, res := range req.Resources {
		d := s.dropletByID(res.ID)
		if res.Type != godo.DropletResourceType || d == nil || d.deleted {
			unprocessable(w, "resource %s %s not found", res.Type, res.ID)
			return
		}
		ds = append(ds, d)
	}
	for _, d := range ds {
		if !slices.Contains(d.d.Tags, tag) {
			d.d.Tags = append(d.d.Tags, tag)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
