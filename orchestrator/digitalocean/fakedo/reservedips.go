package fakedo

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/digitalocean/godo"
)

// reservedIP is a reserved IPv4 of the account. The API has no name or tag
// for one: only its address, region, droplet and project.
type reservedIP struct {
	ip        string
	region    string
	projectID string
	droplet   int     // the droplet it is assigned to, 0 = none
	pending   *action // an assign or unassign in progress
}

func (s *Server) reservedIPRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/reserved_ips", s.listReservedIPs)
	mux.HandleFunc("POST /v2/reserved_ips", s.createReservedIP)
	mux.HandleFunc("GET /v2/reserved_ips/{ip}", s.getReservedIP)
	mux.HandleFunc("DELETE /v2/reserved_ips/{ip}", s.deleteReservedIP)
	mux.HandleFunc("POST /v2/reserved_ips/{ip}/actions", s.reservedIPAction)
	mux.HandleFunc("GET /v2/reserved_ips/{ip}/actions", s.listReservedIPActions)
	mux.HandleFunc("GET /v2/reserved_ips/{ip}/actions/{action}", func(w http.ResponseWriter, r *http.Request) {
		s.getAction(w, r.PathValue("action"))
	})
}

// ReservedIPs returns every reserved IP of the account, as the API shows it.
func (s *Server) ReservedIPs() []godo.ReservedIP {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]godo.ReservedIP, len(s.reserved))
	for i, r := range s.reserved {
		out[i] = s.reservedView(r)
	}
	return out
}

func (s *Server) reservedByIP(ip string) *reservedIP {
	for _, r := range s.reserved {
		if r.ip == ip {
			return r
		}
	}
	return nil
}

// assignedTo is the live droplet a reserved IP is assigned to: the API
// unassigns the address of a deleted droplet by itself. Called with s.mu held.
func (s *Server) assignedTo(r *reservedIP) *droplet {
	if r.droplet == 0 {
		return nil
	}
	d := s.dropletByID(strconv.Itoa(r.droplet))
	if d == nil || d.deleted {
		r.droplet = 0
		return nil
	}
	return d
}

// reservedView is a reserved IP as the API shows it, with the whole
// droplet it is assigned to. Called with s.mu held.
func (s *Server) reservedView(r *reservedIP) godo.ReservedIP {
	v := godo.ReservedIP{
		IP: r.ip, ProjectID: r.projectID, Locked: r.pending != nil,
		Region: &godo.Region{Slug: r.region, Name: r.region, Available: true, Sizes: slices.Clone(s.cfg.Sizes)},
	}
	if d := s.assignedTo(r); d != nil {
		view := d.d
		v.Droplet = &view
	}
	return v
}

func (s *Server) listReservedIPs(w http.ResponseWriter, r *http.Request) {
	writePage(s, w, r, "reserved_ips", s.ReservedIPs())
}

func (s *Server) getReservedIP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rip := s.reservedByIP(r.PathValue("ip"))
	if rip == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reserved_ip": s.reservedView(rip)})
}

// createReservedIP reserves an address in a region, or in a droplet's
// region and assigns it there (an assign_ip action, in links.actions).
func (s *Server) createReservedIP(w http.ResponseWriter, r *http.Request) {
	var req godo.ReservedIPCreateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var d *droplet
	switch {
	case (req.Region == "") == (req.DropletID == 0):
		unprocessable(w, "Either a region or a droplet_id must be given, not both.")
		return
	case req.DropletID != 0:
		if d = s.dropletByID(strconv.Itoa(req.DropletID)); d == nil || d.deleted {
			unprocessable(w, "Droplet %d not found.", req.DropletID)
			return
		}
		req.Region = d.d.Region.Slug
	case !slices.Contains(s.cfg.Regions, req.Region):
		unprocessable(w, "Region %q is invalid.", req.Region)
		return
	case req.ProjectID != "" && !uuidRE.MatchString(req.ProjectID):
		unprocessable(w, "project_id is not a valid UUID")
		return
	}
	if len(s.reserved) >= 3 { // the account's reserved_ip_limit (see account.go)
		unprocessable(w, "You have reached the limit of reserved IPs for your account.")
		return
	}
	if d != nil {
		if msg := s.refuseAssign(d); msg != "" {
			unprocessable(w, "%s", msg)
			return
		}
	}
	rip := &reservedIP{ip: s.freeReservedAddress(), region: req.Region, projectID: req.ProjectID}
	s.reserved = append(s.reserved, rip)
	body := map[string]any{}
	if d != nil {
		a := s.reservedAction(rip, "assign_ip", d)
		body["links"] = map[string]any{"actions": []godo.LinkAction{{
			ID: a.a.ID, Rel: "assign_ip", HREF: fmt.Sprintf("http://%s/v2/actions/%d", r.Host, a.a.ID),
		}}}
	}
	body["reserved_ip"] = s.reservedView(rip)
	writeJSON(w, http.StatusAccepted, body)
}

// freeReservedAddress picks a documentation address no droplet and no
// reserved IP has: droplets get .2 to .251 of the three ranges, reserved IPs
// the ends, reused once released as the API reuses them. Called with s.mu held.
func (s *Server) freeReservedAddress() string {
	for i := range 12 {
		ip := fmt.Sprintf("%s.%d", []string{"203.0.113", "198.51.100", "192.0.2"}[i%3], 252+i/3)
		if s.reservedByIP(ip) == nil {
			return ip
		}
	}
	panic("fakedo: more reserved IPs than the account limit")
}

func (s *Server) deleteReservedIP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rip := s.reservedByIP(r.PathValue("ip"))
	switch {
	case rip == nil:
		notFound(w)
		return
	case rip.pending != nil:
		unprocessable(w, "Reserved IP has a pending event.")
		return
	}
	if d := s.assignedTo(rip); d != nil {
		s.unlist(d, rip.ip)
	}
	s.reserved = slices.DeleteFunc(s.reserved, func(x *reservedIP) bool { return x == rip })
	w.WriteHeader(http.StatusNoContent)
}

// refuseAssign says why d cannot get a reserved IP now, or "". Called with
// s.mu held.
func (s *Server) refuseAssign(d *droplet) string {
	if s.touch(d) || d.d.Status == "new" {
		return "Droplet already has a pending event."
	}
	for _, other := range s.reserved {
		if s.assignedTo(other) == d {
			return "Droplet already has a reserved IP assigned."
		}
	}
	return ""
}

func (s *Server) reservedIPAction(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Type      string `json:"type"`
		DropletID int    `json:"droplet_id"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rip := s.reservedByIP(r.PathValue("ip"))
	if rip == nil {
		notFound(w)
		return
	}
	if rip.pending != nil {
		unprocessable(w, "Reserved IP has a pending event.")
		return
	}
	var a *action
	switch req.Type {
	case "assign":
		d := s.dropletByID(strconv.Itoa(req.DropletID))
		switch {
		case d == nil || d.deleted:
			unprocessable(w, "Droplet %d not found.", req.DropletID)
			return
		case d.d.Region.Slug != rip.region:
			unprocessable(w, "The reserved IP and the Droplet must be in the same region (%s, Droplet in %s).", rip.region, d.d.Region.Slug)
			return
		case s.assignedTo(rip) == d:
			unprocessable(w, "Reserved IP is already assigned to this Droplet.")
			return
		}
		if msg := s.refuseAssign(d); msg != "" {
			unprocessable(w, "%s", msg)
			return
		}
		a = s.reservedAction(rip, "assign_ip", d)
	case "unassign":
		if s.assignedTo(rip) == nil {
			unprocessable(w, "Reserved IP is not assigned to a Droplet.")
			return
		}
		a = s.reservedAction(rip, "unassign_ip", nil)
	default:
		unprocessable(w, "%q is not a reserved IP action type", req.Type)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"action": a.a})
}

// reservedAction starts an assign (to d) or unassign of rip: it is
// in progress for ActionPolls GETs, then done. The droplet then lists the
// address among its public IPv4 networks, first: the API promises no
// order, so a client must not take the first public address for the
// droplet's own. Called with s.mu held.
func (s *Server) reservedAction(rip *reservedIP, typ string, d *droplet) *action {
	a := &action{a: godo.Action{
		ID: s.newID(), Status: godo.ActionInProgress, Type: typ,
		StartedAt:  &godo.Timestamp{Time: time.Now().UTC().Truncate(time.Second)},
		ResourceID: int(binary.BigEndian.Uint32(net.ParseIP(rip.ip).To4())), ResourceType: "reserved_ip",
		Region: &godo.Region{Slug: rip.region, Name: rip.region, Available: true}, RegionSlug: rip.region,
	}}
	a.effect = func() {
		rip.pending = nil
		if old := s.assignedTo(rip); old != nil {
			s.unlist(old, rip.ip)
		}
		rip.droplet = 0
		if d != nil && !d.deleted {
			rip.droplet = d.d.ID
			n := godo.NetworkV4{IPAddress: rip.ip, Netmask: "255.255.255.255", Gateway: gatewayOf(rip.ip), Type: "public"}
			d.d.Networks.V4 = append([]godo.NetworkV4{n}, d.d.Networks.V4...)
		}
	}
	rip.pending = a
	s.actions[a.a.ID] = a
	return a
}

// unlist drops a reserved IP from a droplet's networks. Called with s.mu held.
func (s *Server) unlist(d *droplet, ip string) {
	d.d.Networks.V4 = slices.DeleteFunc(slices.Clone(d.d.Networks.V4), func(n godo.NetworkV4) bool { return n.IPAddress == ip })
}

func (s *Server) listReservedIPActions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rip := s.reservedByIP(r.PathValue("ip"))
	if rip == nil {
		s.mu.Unlock()
		notFound(w)
		return
	}
	id := int(binary.BigEndian.Uint32(net.ParseIP(rip.ip).To4()))
	var out []godo.Action
	for _, a := range s.actions {
		if a.a.ResourceType == "reserved_ip" && a.a.ResourceID == id {
			out = append(out, a.a)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(x, y godo.Action) int { return y.ID - x.ID })
	writePage(s, w, r, "actions", out)
}
