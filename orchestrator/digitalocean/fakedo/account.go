package fakedo

import (
	"net/http"
	"slices"

	"github.com/digitalocean/godo"
)

func (s *Server) accountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/account", s.getAccount)
	mux.HandleFunc("GET /v2/sizes", s.listSizes)
	mux.HandleFunc("GET /v2/vpcs/{id}", s.getVPC)
}

func (s *Server) getAccount(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"account": godo.Account{
		DropletLimit: s.cfg.DropletLimit, FloatingIPLimit: 3, ReservedIPLimit: 3, VolumeLimit: 10,
		Email: "sammy@example.com", UUID: "b6fr89dbf6d9156cace5f3c78dc9851d957381ef", EmailVerified: true, Status: "active",
	}})
}

// sizeRegions is where a size is offered. Called with s.mu held.
func (s *Server) sizeRegions(slug string) []string {
	if rs, ok := s.cfg.SizeRegions[slug]; ok {
		return rs
	}
	return s.cfg.Regions
}

func (s *Server) listSizes(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var out []godo.Size
	for _, slug := range s.cfg.Sizes {
		mem, vcpus, disk := sizeSpec(slug)
		out = append(out, godo.Size{Slug: slug, Memory: mem, Vcpus: vcpus, Disk: disk, Available: true,
			Regions: slices.Clone(s.sizeRegions(slug)), PriceMonthly: float64(mem) / 170, Transfer: 1})
	}
	s.mu.Unlock()
	writePage(s, w, r, "sizes", out)
}

// AddVPC adds the VPC id in region; droplets can be created only in the
// account's VPCs, in their region.
func (s *Server) AddVPC(id, region string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vpcs[id] = region
}

func (s *Server) getVPC(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	region, ok := s.vpcs[r.PathValue("id")]
	if !ok {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"vpc": godo.VPC{ID: r.PathValue("id"), Name: "vpc-" + region, RegionSlug: region}})
}
