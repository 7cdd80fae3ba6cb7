package fakedo

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/digitalocean/godo"
)

// Block Storage as godo's StorageService and StorageActionsService call it.
// What the real API does and a kind fake would not: a volume name is unique
// per region (409), an attached volume cannot be deleted (409), a volume
// attaches only to an unlocked droplet of its own region (422), and only
// once its attach action completes; deleting a droplet detaches its volumes.

// Volume size limits of the API, in GiB.
const (
	MinVolumeGB = 1
	MaxVolumeGB = 16384
)

var volumeNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)

// volume is a Block Storage volume.
type volume struct {
	v godo.Volume
}

func (s *Server) volumeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/volumes", s.listVolumes)
	mux.HandleFunc("POST /v2/volumes", s.createVolume)
	mux.HandleFunc("GET /v2/volumes/{id}", s.getVolume)
	mux.HandleFunc("DELETE /v2/volumes/{id}", s.deleteVolume)
	mux.HandleFunc("POST /v2/volumes/{id}/actions", s.volumeAction)
	mux.HandleFunc("GET /v2/volumes/{id}/actions/{action}", func(w http.ResponseWriter, r *http.Request) {
		s.getAction(w, r.PathValue("action"))
	})
}

// Volumes returns a copy of every volume, in the order they were created.
func (s *Server) Volumes() []godo.Volume {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]godo.Volume, len(s.volumes))
	for i, v := range s.volumes {
		out[i] = v.view()
	}
	return out
}

func (v *volume) view() godo.Volume {
	out := v.v
	out.DropletIDs = slices.Clone(v.v.DropletIDs)
	out.Tags = slices.Clone(v.v.Tags)
	return out
}

func (s *Server) volumeByID(id string) *volume {
	for _, v := range s.volumes {
		if v.v.ID == id {
			return v
		}
	}
	return nil
}

func (s *Server) createVolume(w http.ResponseWriter, r *http.Request) {
	var req godo.VolumeCreateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !volumeNameRE.MatchString(req.Name):
		unprocessable(w, "name must be lowercase letters, numbers and '-', start with a letter and be at most 64 characters")
		return
	case !slices.Contains(s.cfg.Regions, req.Region):
		unprocessable(w, "invalid region")
		return
	case req.SnapshotID == "" && (req.SizeGigaBytes < MinVolumeGB || req.SizeGigaBytes > MaxVolumeGB):
		unprocessable(w, "size_gigabytes must be between %d and %d", MinVolumeGB, MaxVolumeGB)
		return
	case req.FilesystemType != "" && req.FilesystemType != "ext4" && req.FilesystemType != "xfs":
		unprocessable(w, "filesystem_type must be ext4 or xfs")
		return
	}
	for _, t := range req.Tags {
		if !tagRE.MatchString(t) {
			unprocessable(w, "Tag %q is invalid: tags may contain letters, numbers, colons, dashes and underscores", t)
			return
		}
	}
	for _, v := range s.volumes {
		if v.v.Name == req.Name && v.v.Region.Slug == req.Region {
			writeError(w, http.StatusConflict, "conflict", "a volume with the name "+req.Name+" already exists in "+req.Region)
			return
		}
	}
	v := &volume{v: godo.Volume{
		ID: newRequestID(), Name: req.Name, SizeGigaBytes: req.SizeGigaBytes, Description: req.Description,
		Region:     &godo.Region{Slug: req.Region, Name: req.Region, Available: true},
		DropletIDs: []int{}, CreatedAt: time.Now().UTC().Truncate(time.Second),
		FilesystemType: req.FilesystemType, FilesystemLabel: req.FilesystemLabel, Tags: slices.Clone(req.Tags),
	}}
	if v.v.Tags == nil {
		v.v.Tags = []string{}
	}
	s.volumes = append(s.volumes, v)
	writeJSON(w, http.StatusCreated, map[string]any{"volume": v.view()})
}

func (s *Server) listVolumes(w http.ResponseWriter, r *http.Request) {
	name, region := r.URL.Query().Get("name"), r.URL.Query().Get("region")
	s.mu.Lock()
	var out []godo.Volume
	for _, v := range s.volumes {
		if (name == "" || v.v.Name == name) && (region == "" || v.v.Region.Slug == region) {
			out = append(out, v.view())
		}
	}
	s.mu.Unlock()
	writePage(s, w, r, "volumes", out)
}

func (s *Server) getVolume(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.volumeByID(r.PathValue("id"))
	if v == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"volume": v.view()})
}

func (s *Server) deleteVolume(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.volumeByID(r.PathValue("id"))
	switch {
	case v == nil:
		notFound(w)
	case len(v.v.DropletIDs) > 0:
		writeError(w, http.StatusConflict, "conflict", "failed to delete volume: attached volume cannot be deleted")
	default:
		s.volumes = slices.DeleteFunc(s.volumes, func(x *volume) bool { return x == v })
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) volumeAction(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Type      string `json:"type"`
		DropletID int    `json:"droplet_id"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.volumeByID(r.PathValue("id"))
	if v == nil {
		notFound(w)
		return
	}
	if req.Type != "attach" && req.Type != "detach" {
		unprocessable(w, "%q is not a volume action type the fake supports", req.Type)
		return
	}
	d := s.dropletByID(fmt.Sprint(req.DropletID))
	if d == nil || d.deleted {
		if req.Type == "detach" {
			unprocessable(w, "Attachment not found")
		} else {
			notFound(w)
		}
		return
	}
	attached := slices.Contains(v.v.DropletIDs, d.d.ID)
	switch {
	case req.Type == "attach" && d.d.Region.Slug != v.v.Region.Slug:
		unprocessable(w, "Droplet and volume must be in the same region: the droplet is in %s, the volume in %s", d.d.Region.Slug, v.v.Region.Slug)
		return
	case req.Type == "attach" && len(v.v.DropletIDs) > 0:
		unprocessable(w, "Volume is already attached to a Droplet")
		return
	case req.Type == "detach" && !attached:
		unprocessable(w, "Attachment not found")
		return
	case s.touch(d) || d.d.Status == "new":
		unprocessable(w, "Droplet already has a pending event.")
		return
	}
	typ := req.Type + "_volume"
	a := s.newAction(d, typ)
	if req.Type == "attach" {
		a.effect = func() {
			v.v.DropletIDs = []int{d.d.ID}
			d.d.VolumeIDs = append(d.d.VolumeIDs, v.v.ID)
		}
		if s.cfg.OnAttach != nil {
			a.hook = func() { vv, dv := v.view(), d.d; s.cfg.OnAttach(&vv, &dv) }
		}
	} else {
		a.effect = func() { s.detach(v, d) }
		if s.cfg.OnDetach != nil {
			a.hook = func() { vv, dv := v.view(), d.d; s.cfg.OnDetach(&vv, &dv) }
		}
	}
	d.pending, d.d.Locked = a, true
	writeJSON(w, http.StatusAccepted, map[string]any{"action": a.a})
}

// detach removes the attachment of v to d. Called with s.mu held.
func (s *Server) detach(v *volume, d *droplet) {
	v.v.DropletIDs = slices.DeleteFunc(v.v.DropletIDs, func(id int) bool { return id == d.d.ID })
	d.d.VolumeIDs = slices.DeleteFunc(d.d.VolumeIDs, func(id string) bool { return id == v.v.ID })
}

// detachAll detaches every volume of a droplet being deleted, as the API
// does, and returns the hooks to call once s.mu is released. Called with
// s.mu held.
func (s *Server) detachAll(d *droplet) []func() {
	var hooks []func()
	for _, v := range s.volumes {
		if !slices.Contains(v.v.DropletIDs, d.d.ID) {
			continue
		}
		s.detach(v, d)
		if s.cfg.OnDetach != nil {
			view, dv := v.view(), d.d
			hooks = append(hooks, func() { s.cfg.OnDetach(&view, &dv) })
		}
	}
	return hooks
}
