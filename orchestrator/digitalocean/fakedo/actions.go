package fakedo

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/digitalocean/godo"
)

// action is a droplet action; effect runs when it completes.
type action struct {
	a       godo.Action
	polls   int
	droplet *droplet
	effect  func()
	fail    bool   // ends "errored", without its effect
	hook    func() // a Config hook to call, without the lock, once it completed
}

// complete ends the action, "errored" when it is to fail; the droplet then
// stays locked for lockAfter requests.
func (a *action) complete(lockAfter int) {
	if a.a.Status != godo.ActionInProgress {
		return
	}
	a.a.Status = godo.ActionCompleted
	if a.fail {
		a.a.Status = "errored"
	} else if a.effect != nil {
		a.effect()
	}
	a.a.CompletedAt = &godo.Timestamp{Time: time.Now().UTC().Truncate(time.Second)}
	if d := a.droplet; d != nil && d.pending == a {
		d.pending, d.lockLeft = nil, lockAfter
		d.d.Locked = lockAfter > 0
	}
}

func (s *Server) actionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v2/droplets/{id}/actions", s.dropletAction)
	mux.HandleFunc("GET /v2/droplets/{id}/actions", s.listDropletActions)
	mux.HandleFunc("GET /v2/droplets/{id}/actions/{action}", func(w http.ResponseWriter, r *http.Request) {
		s.getAction(w, r.PathValue("action"))
	})
	mux.HandleFunc("GET /v2/actions/{action}", func(w http.ResponseWriter, r *http.Request) {
		s.getAction(w, r.PathValue("action"))
	})
}

// newAction records an in-progress action on d. Called with s.mu held.
func (s *Server) newAction(d *droplet, typ string) *action {
	a := &action{droplet: d, a: godo.Action{
		ID: s.newID(), Status: godo.ActionInProgress, Type: typ,
		StartedAt:  &godo.Timestamp{Time: time.Now().UTC().Truncate(time.Second)},
		ResourceID: d.d.ID, ResourceType: "droplet", Region: d.d.Region, RegionSlug: d.d.Region.Slug,
	}}
	s.actions[a.a.ID] = a
	return a
}

func (s *Server) dropletAction(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Type string `json:"type"`
		Name string `json:"name"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dropletByID(r.PathValue("id"))
	if d == nil || d.deleted && d.d.Status == "archive" {
		notFound(w)
		return
	}
	if s.touch(d) || d.deleted || d.d.Status == "new" {
		unprocessable(w, "Droplet already has a pending event.")
		return
	}
	var effect func()
	switch req.Type {
	case "power_off", "shutdown":
		if d.d.Status == "off" {
			unprocessable(w, "Droplet is already powered off.")
			return
		}
		effect = func() { d.d.Status = "off" }
	case "power_on":
		if d.d.Status == "active" {
			unprocessable(w, "Droplet is already powered on.")
			return
		}
		effect = func() { d.d.Status = "active" }
	case "reboot", "power_cycle":
		effect = func() { d.d.Status = "active" }
	case "snapshot":
		name := req.Name
		if name == "" {
			name = d.d.Name + "-" + time.Now().UTC().Format("20060102150405")
		}
		effect = func() { s.snapshotOf(d, name) }
	default:
		unprocessable(w, "%q is not a droplet action type the fake supports", req.Type)
		return
	}
	a := s.newAction(d, req.Type)
	a.effect = effect
	a.fail = req.Type == "shutdown" && s.cfg.ShutdownFails
	d.pending, d.d.Locked = a, true
	writeJSON(w, http.StatusCreated, map[string]any{"action": a.a})
}

func (s *Server) getAction(w http.ResponseWriter, raw string) {
	s.mu.Lock()
	id, _ := strconv.Atoi(raw)
	a := s.actions[id]
	if a == nil {
		s.mu.Unlock()
		notFound(w)
		return
	}
	a.polls++
	switch {
	case a.a.Type == "create" && !a.fail && a.droplet != nil:
		s.observe(a.droplet) // the create completes as the droplet becomes active
	case a.polls > s.cfg.ActionPolls:
		a.complete(s.cfg.LockAfter)
	}
	view, hook := a.a, a.hook
	if a.a.Status == godo.ActionInProgress {
		hook = nil
	} else {
		a.hook = nil
	}
	s.mu.Unlock()
	if hook != nil {
		hook() // the droplet sees its device before the action is seen completed
	}
	writeJSON(w, http.StatusOK, map[string]any{"action": view})
}

func (s *Server) listDropletActions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d := s.dropletByID(r.PathValue("id"))
	if d == nil {
		s.mu.Unlock()
		notFound(w)
		return
	}
	var out []godo.Action
	for _, a := range s.actions {
		if a.droplet == d {
			out = append(out, a.a)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(x, y godo.Action) int { return y.ID - x.ID }) // newest first, as the API lists them
	writePage(s, w, r, "actions", out)
}

// ActionTypes returns the types of the actions of the droplet with id, in
// the order they were made, each with its status ("shutdown:errored").
func (s *Server) ActionTypes(id int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var as []godo.Action
	for _, a := range s.actions {
		if a.droplet != nil && a.droplet.d.ID == id {
			as = append(as, a.a)
		}
	}
	slices.SortFunc(as, func(x, y godo.Action) int { return x.ID - y.ID })
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Type + ":" + a.Status
	}
	return out
}
