package fakedo

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/digitalocean/godo"
)

func (s *Server) imageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/images", s.listImages)
	mux.HandleFunc("GET /v2/images/{image}", s.getImage)
	mux.HandleFunc("DELETE /v2/images/{image}", s.deleteImage)
	mux.HandleFunc("GET /v2/snapshots", s.listSnapshots)
	mux.HandleFunc("GET /v2/snapshots/{image}", s.getSnapshot)
	mux.HandleFunc("DELETE /v2/snapshots/{image}", s.deleteImage)
}

// distribution guesses the distribution name from an image slug.
func distribution(slug string) string {
	name, _, _ := strings.Cut(slug, "-")
	if name == "" {
		return "Unknown"
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// snapshotOf records a snapshot image of d. Called with s.mu held.
func (s *Server) snapshotOf(d *droplet, name string) *godo.Image {
	img := &godo.Image{
		ID: s.newID(), Name: name, Type: "snapshot", Distribution: d.d.Image.Distribution,
		Regions: []string{d.d.Region.Slug}, MinDiskSize: d.d.Disk, SizeGigaBytes: 1.75,
		Created: stamp(), Status: "available", Tags: []string{},
	}
	s.images = append(s.images, img)
	s.snapSource[img.ID] = d.d.ID
	d.d.SnapshotIDs = append(d.d.SnapshotIDs, img.ID)
	return img
}

// AddSnapshot adds a droplet snapshot available in the given regions, as if
// made earlier, and returns its image ID.
func (s *Server) AddSnapshot(name string, regions ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	img := &godo.Image{
		ID: s.newID(), Name: name, Type: "snapshot", Distribution: "Debian", Regions: regions,
		MinDiskSize: 25, SizeGigaBytes: 1.75, Created: stamp(), Status: "available", Tags: []string{},
	}
	s.images = append(s.images, img)
	return img.ID
}

// AddImage adds a private image of type typ ("backup", "custom"), which,
// like a snapshot, has no slug; it returns its ID.
func (s *Server) AddImage(name, typ string, regions ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	img := &godo.Image{
		ID: s.newID(), Name: name, Type: typ, Distribution: "Debian", Regions: regions,
		MinDiskSize: 10, SizeGigaBytes: 1.2, Created: stamp(), Status: "available", Tags: []string{},
	}
	s.images = append(s.images, img)
	return img.ID
}

// SetMinDiskSize sets the min_disk_size (GB) of the image with id.
func (s *Server) SetMinDiskSize(id, gb int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if img := s.image(strconv.Itoa(id)); img != nil {
		img.MinDiskSize = gb
	}
}

// Snapshots returns every droplet snapshot as GET /v2/snapshots does.
func (s *Server) Snapshots() []godo.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshots()
}

func (s *Server) snapshots() []godo.Snapshot {
	var out []godo.Snapshot
	for _, img := range s.images {
		if img.Type == "snapshot" {
			out = append(out, s.asSnapshot(img))
		}
	}
	return out
}

// asSnapshot shows a snapshot image as GET /v2/snapshots does. Called with
// s.mu held.
func (s *Server) asSnapshot(img *godo.Image) godo.Snapshot {
	source := ""
	if id, ok := s.snapSource[img.ID]; ok {
		source = strconv.Itoa(id)
	}
	return godo.Snapshot{
		ID: strconv.Itoa(img.ID), Name: img.Name, ResourceID: source, ResourceType: "droplet",
		Regions: img.Regions, MinDiskSize: img.MinDiskSize, SizeGigaBytes: img.SizeGigaBytes,
		Created: img.Created, Tags: []string{},
	}
}

// imageFor finds the image of a create request: a slug string or an ID.
// Called with s.mu held.
func (s *Server) imageFor(raw json.RawMessage) *godo.Image {
	var slug string
	if json.Unmarshal(raw, &slug) == nil {
		return s.image(slug)
	}
	var id int
	if json.Unmarshal(raw, &id) == nil {
		return s.image(strconv.Itoa(id))
	}
	return nil
}

// image finds an image by ID or slug. Called with s.mu held.
func (s *Server) image(ref string) *godo.Image {
	id, err := strconv.Atoi(ref)
	for _, img := range s.images {
		if (err == nil && img.ID == id) || (err != nil && img.Slug != "" && img.Slug == ref) {
			return img
		}
	}
	return nil
}

func (s *Server) getImage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img := s.image(r.PathValue("image"))
	if img == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"image": img})
}

func (s *Server) listImages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	var out []godo.Image
	for _, img := range s.images {
		private := !img.Public
		if (q.Get("private") == "true" && !private) || (q.Get("type") == "distribution" && private) {
			continue
		}
		out = append(out, *img)
	}
	s.mu.Unlock()
	writePage(s, w, r, "images", out)
}

func (s *Server) listSnapshots(w http.ResponseWriter, r *http.Request) {
	rt := r.URL.Query().Get("resource_type")
	s.mu.Lock()
	var out []godo.Snapshot
	if rt == "" || rt == "droplet" {
		out = s.snapshots()
	}
	s.mu.Unlock()
	writePage(s, w, r, "snapshots", out)
}

func (s *Server) getSnapshot(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img := s.image(r.PathValue("image"))
	if img == nil || img.Type != "snapshot" {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"snapshot": s.asSnapshot(img)})
}

func (s *Server) deleteImage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img := s.image(r.PathValue("image"))
	if img == nil || img.Type != "snapshot" {
		notFound(w)
		return
	}
	s.images = slices.DeleteFunc(s.images, func(x *godo.Image) bool { return x == img })
	w.WriteHeader(http.StatusNoContent)
}
