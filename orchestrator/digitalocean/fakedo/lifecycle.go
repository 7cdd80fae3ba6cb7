package fakedo

import (
	"net/http"
	"slices"
)

// A droplet's life after an action or a delete, as the real API lives it:
// locked a while after each action, and listed a while after its delete.

// touch counts a request about d against the lock it keeps after an
// action, and reports whether it was still locked. Called with s.mu held.
func (s *Server) touch(d *droplet) bool {
	if d.pending != nil {
		return true
	}
	if d.lockLeft == 0 {
		return false
	}
	d.lockLeft--
	d.d.Locked = d.lockLeft > 0
	return true
}

// look counts a GET or a listing of a deleted droplet: it is served as it
// was DeleteLinger times, in status "archive" DeleteLinger times, then it
// is gone; look reports whether it still is there. Called with s.mu held.
func (s *Server) look(d *droplet) bool {
	if !d.deleted {
		return true
	}
	d.dying--
	if d.dying < s.cfg.DeleteLinger {
		d.d.Status, d.d.Locked = "archive", false
	}
	if d.dying < 0 {
		s.droplets = slices.DeleteFunc(s.droplets, func(x *droplet) bool { return x == d })
		return false
	}
	return true
}

func (s *Server) deleteDroplet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d := s.dropletByID(r.PathValue("id"))
	switch {
	case d == nil || d.deleted && d.d.Status == "archive":
		s.mu.Unlock()
		notFound(w)
		return
	case d.deleted:
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	case s.touch(d):
		s.mu.Unlock()
		unprocessable(w, "Droplet already has a pending event.")
		return
	case s.cfg.DeleteLinger > 0:
		d.deleted, d.dying = true, 2*s.cfg.DeleteLinger
	default:
		s.droplets = slices.DeleteFunc(s.droplets, func(x *droplet) bool { return x == d })
	}
	detached := s.detachAll(d)
	s.mu.Unlock()
	for _, hook := range detached {
		hook()
	}
	if s.cfg.OnDelete != nil {
		s.cfg.OnDelete(&d.d)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteDropletsByTag(w http.ResponseWriter, r *http.Request) {
	tag := r.URL.Query().Get("tag_name")
	if tag == "" {
		unprocessable(w, "tag_name is required")
		return
	}
	s.mu.Lock()
	var gone []*droplet
	var detached []func()
	s.droplets = slices.DeleteFunc(s.droplets, func(d *droplet) bool {
		if slices.Contains(d.d.Tags, tag) {
			gone = append(gone, d)
			detached = append(detached, s.detachAll(d)...)
			return true
		}
		return false
	})
	s.mu.Unlock()
	for _, hook := range detached {
		hook()
	}
	for _, d := range gone {
		if s.cfg.OnDelete != nil {
			s.cfg.OnDelete(&d.d)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
