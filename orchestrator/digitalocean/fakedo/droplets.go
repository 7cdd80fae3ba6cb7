package fakedo

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/digitalocean/godo"
)

// droplet is a droplet and what the fake needs to move it along.
type droplet struct {
	d            godo.Droplet
	gets         int
	ipv6         bool
	pub4, priv4  string
	pub6         string
	createAction int
	pending      *action // a droplet action in progress
	lockLeft     int     // requests that still find it locked after an action (Config.LockAfter)
	dying        int     // looks left once deleted (Config.DeleteLinger); see look
	deleted      bool
	userData     string // kept for tests; the API never shows it again
}

var (
	dropletNameRE = regexp.MustCompile(`^[a-zA-Z0-9.-]{1,255}$`)
	tagRE         = regexp.MustCompile(`^[a-zA-Z0-9_:-]{1,255}$`)
	uuidRE        = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

func (s *Server) dropletRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/droplets", s.listDroplets)
	mux.HandleFunc("POST /v2/droplets", s.createDroplet)
	mux.HandleFunc("DELETE /v2/droplets", s.deleteDropletsByTag)
	mux.HandleFunc("GET /v2/droplets/{id}", s.getDroplet)
	mux.HandleFunc("DELETE /v2/droplets/{id}", s.deleteDroplet)
}

// Droplets returns a copy of every droplet, by ID.
func (s *Server) Droplets() []godo.Droplet {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]godo.Droplet, len(s.droplets))
	for i, d := range s.droplets {
		out[i] = d.d
	}
	return out
}

// UserData returns the user data the droplet called name was created with.
func (s *Server) UserData(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.droplets {
		if d.d.Name == name {
			return d.userData, true
		}
	}
	return "", false
}

type createRequest struct {
	Name       string            `json:"name"`
	Names      []string          `json:"names"`
	Region     string            `json:"region"`
	Size       string            `json:"size"`
	Image      json.RawMessage   `json:"image"`
	SSHKeys    []json.RawMessage `json:"ssh_keys"`
	Backups    bool              `json:"backups"`
	IPv6       bool              `json:"ipv6"`
	Monitoring bool              `json:"monitoring"`
	UserData   string            `json:"user_data"`
	Tags       []string          `json:"tags"`
	VPCUUID    string            `json:"vpc_uuid"`
}

func (s *Server) createDroplet(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	d, msg := s.newDroplet(req)
	s.mu.Unlock()
	if msg != "" {
		unprocessable(w, "%s", msg)
		return
	}
	if s.cfg.OnCreate != nil {
		pub, priv := s.cfg.OnCreate(&d.d)
		if pub != "" {
			d.pub4 = pub
		}
		if priv != "" {
			d.priv4 = priv
		}
	}
	s.mu.Lock()
	s.droplets = append(s.droplets, d)
	s.rememberTags(d.d.Tags)
	a := s.newAction(d, "create")
	a.fail = slices.Contains(s.cfg.ErroredCreates, d.d.Name)
	d.createAction = a.a.ID
	d.pending, d.d.Locked = a, true
	body := map[string]any{
		"droplet": d.d,
		"links": map[string]any{"actions": []godo.LinkAction{{
			ID: a.a.ID, Rel: "create", HREF: fmt.Sprintf("http://%s/v2/actions/%d", r.Host, a.a.ID),
		}}},
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, body)
}

// newDroplet validates a create request as the API does and builds the
// droplet, or returns the API's 422 message. Called with s.mu held.
func (s *Server) newDroplet(req createRequest) (*droplet, string) {
	switch {
	case len(req.Names) > 0:
		return nil, "the fake API creates one droplet per request: use \"name\""
	case !dropletNameRE.MatchString(req.Name):
		return nil, "Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)"
	case !slices.Contains(s.cfg.Regions, req.Region):
		return nil, "You specified an invalid region for Droplet creation."
	case !slices.Contains(s.cfg.Sizes, req.Size):
		return nil, "You specified an invalid size for Droplet creation."
	case len(req.UserData) > 64*1024:
		return nil, "user_data is limited to 64 KiB"
	case req.VPCUUID != "" && !uuidRE.MatchString(req.VPCUUID):
		return nil, "vpc_uuid is not a valid UUID"
	case req.VPCUUID != "" && s.vpcs[req.VPCUUID] == "":
		return nil, "VPC not found"
	case req.VPCUUID != "" && s.vpcs[req.VPCUUID] != req.Region:
		return nil, "The VPC must be in the same region as the Droplet."
	case !slices.Contains(s.sizeRegions(req.Size), req.Region):
		return nil, "Size is not available in this region."
	}
	if len(s.droplets) >= s.cfg.DropletLimit {
		return nil, "creating this/these droplet(s) will exceed your droplet limit"
	}
	img := s.imageFor(req.Image)
	if img == nil || !slices.Contains(img.Regions, req.Region) {
		return nil, "You specified an invalid image for Droplet creation."
	}
	if _, _, disk := sizeSpec(req.Size); img.MinDiskSize > disk {
		return nil, "The image's minimum disk size is larger than the size's disk."
	}
	for _, k := range req.SSHKeys {
		if !s.hasKey(k) {
			return nil, "You specified an invalid SSH key for Droplet creation."
		}
	}
	for _, t := range req.Tags {
		if !tagRE.MatchString(t) {
			return nil, fmt.Sprintf("Tag %q is invalid: tags may contain letters, numbers, colons, dashes and underscores", t)
		}
	}
	id := s.newID()
	s.seq++
	seq := s.seq
	mem, vcpus, disk := sizeSpec(req.Size)
	features := []string{"private_networking"}
	if req.IPv6 {
		features = append(features, "ipv6")
	}
	if req.Backups {
		features = append(features, "backups")
	}
	if req.Monitoring {
		features = append(features, "monitoring")
	}
	vpc := req.VPCUUID
	if vpc == "" {
		vpc = defaultVPC(req.Region)
	}
	imgCopy := *img
	d := &droplet{
		ipv6: req.IPv6, userData: req.UserData,
		pub4: publicIPv4(seq - 1), priv4: fmt.Sprintf("10.110.%d.%d", seq/250, seq%250+2),
		pub6: fmt.Sprintf("2001:db8:1::%x", seq),
		d: godo.Droplet{
			ID: id, Name: req.Name, Memory: mem, Vcpus: vcpus, Disk: disk,
			Region:   &godo.Region{Slug: req.Region, Name: strings.ToUpper(req.Region), Available: true, Sizes: slices.Clone(s.cfg.Sizes)},
			Image:    &imgCopy,
			Size:     &godo.Size{Slug: req.Size, Memory: mem, Vcpus: vcpus, Disk: disk, Available: true, Regions: slices.Clone(s.cfg.Regions)},
			SizeSlug: req.Size, Status: "new", Networks: &godo.Networks{}, Created: stamp(),
			Features: features, Tags: slices.Clone(req.Tags), VolumeIDs: []string{}, VPCUUID: vpc,
			BackupIDs: []int{}, SnapshotIDs: []int{},
		},
	}
	if d.d.Tags == nil {
		d.d.Tags = []string{}
	}
	return d, ""
}

// defaultVPC is the UUID of a region's default VPC, the one the API puts a
// droplet in when the request names none: one per region, as in the API.
func defaultVPC(region string) string {
	h := fnv.New64a()
	h.Write([]byte(region))
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", h.Sum64()&(1<<48-1))
}

// publicIPv4 spreads fake public addresses over the three documentation
// ranges (RFC 5737), so they never collide with a real machine.
func publicIPv4(seq int) string {
	nets := []string{"203.0.113", "198.51.100", "192.0.2"}
	seq %= 3 * 250
	return fmt.Sprintf("%s.%d", nets[seq/250], seq%250+2)
}

func sizeSpec(slug string) (memMB, vcpus, diskGB int) {
	switch slug {
	case "s-1vcpu-512mb-10gb":
		return 512, 1, 10
	case "s-1vcpu-2gb":
		return 2048, 1, 50
	case "s-2vcpu-2gb":
		return 2048, 2, 60
	case "s-2vcpu-4gb":
		return 4096, 2, 80
	case "s-4vcpu-8gb":
		return 8192, 4, 160
	}
	return 1024, 1, 25
}

// observe counts a GET of the droplet and makes it active once it has been
// seen "new" ActivateAfter times. Called with s.mu held.
func (s *Server) observe(d *droplet) {
	d.gets++
	a := s.actions[d.createAction]
	if d.d.Status != "new" || s.cfg.ActivateAfter == Never || d.gets <= s.cfg.ActivateAfter || (a != nil && a.fail) {
		return
	}
	d.d.Status = "active"
	d.d.Networks = &godo.Networks{V4: []godo.NetworkV4{
		{IPAddress: d.priv4, Netmask: "255.255.240.0", Gateway: "", Type: "private"},
		{IPAddress: d.pub4, Netmask: "255.255.255.0", Gateway: gatewayOf(d.pub4), Type: "public"},
	}}
	if d.ipv6 {
		d.d.Networks.V6 = []godo.NetworkV6{{IPAddress: d.pub6, Netmask: 64, Gateway: "2001:db8:1::1", Type: "public"}}
	}
	if a != nil {
		a.complete(s.cfg.LockAfter)
	}
}

func gatewayOf(ip string) string {
	if i := strings.LastIndexByte(ip, '.'); i > 0 {
		return ip[:i] + ".1"
	}
	return ""
}

func (s *Server) dropletByID(raw string) *droplet {
	id, err := strconv.Atoi(raw)
	if err != nil {
		return nil
	}
	for _, d := range s.droplets {
		if d.d.ID == id {
			return d
		}
	}
	return nil
}

func (s *Server) getDroplet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dropletByID(r.PathValue("id"))
	if d == nil || !s.look(d) {
		notFound(w)
		return
	}
	s.observe(d)
	view := d.d
	view.Locked = view.Locked || d.lockLeft > 0
	s.touch(d)
	writeJSON(w, http.StatusOK, map[string]any{"droplet": view})
}

func (s *Server) listDroplets(w http.ResponseWriter, r *http.Request) {
	tag, name := r.URL.Query().Get("tag_name"), r.URL.Query().Get("name")
	s.mu.Lock()
	var out []godo.Droplet
	for _, d := range slices.Clone(s.droplets) {
		if (tag == "" || slices.Contains(d.d.Tags, tag)) && (name == "" || strings.EqualFold(name, d.d.Name)) && s.look(d) {
			out = append(out, d.d)
		}
	}
	s.mu.Unlock()
	writePage(s, w, r, "droplets", out)
}
