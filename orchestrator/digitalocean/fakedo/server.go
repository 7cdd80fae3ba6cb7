package fakedo

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

// Never, as Config.ActivateAfter, keeps droplets "new" for ever.
const Never = -1

// Config shapes the fake account. Zero values get the defaults noted.
type Config struct {
	Token      string   // the only bearer token accepted; default "fake-token"
	Regions    []string // regions droplets may be created in; default a few real ones
	Sizes      []string // sizes droplets may have; default the small shared-CPU ones
	Images     []string // distribution image slugs; default Debian 11/12, Ubuntu 24.04
	MaxPerPage int      // largest page served whatever per_page asks; default 200 (the API's)
	// ActivateAfter is how many GET /v2/droplets/{id} still see a new
	// droplet as "new"; the next one sees it "active", with addresses.
	// 0 = active at the first GET; Never = never.
	ActivateAfter int
	// ActionPolls is how many GETs of an action still see it "in-progress".
	ActionPolls int
	RateLimit   int // RateLimit-Limit; default 5000 (the API's hourly budget)
	// OnCreate, when set, is called (without the fake's lock) for each created
	// droplet; the addresses it returns replace the fake ones ("" = keep).
	OnCreate func(d *godo.Droplet) (publicIPv4, privateIPv4 string)
	// OnDelete, when set, is called for each deleted droplet.
	OnDelete func(d *godo.Droplet)
	// OnAttach and OnDetach, when set, are called (without the fake's lock)
	// when a volume's attach or detach action completes, and OnDetach for
	// each volume of a droplet being deleted (before OnDelete), so a droplet
	// stand-in can make the device appear and go.
	OnAttach, OnDetach func(v *godo.Volume, d *godo.Droplet)

	// What the real API does and a kind fake would not.

	// LockAfter keeps a droplet locked for this many requests about it
	// (GETs, refused actions and deletes) after each of its actions
	// completes, create included: actions and deletes meanwhile get 422
	// "Droplet already has a pending event".
	LockAfter int
	// DeleteLinger makes deletes asynchronous: after the 204 the droplet is
	// still served unchanged for DeleteLinger looks at it (GET or list),
	// then DeleteLinger more in status "archive", then it is gone.
	DeleteLinger int
	// ShutdownFails makes every shutdown action end "errored" with the
	// droplet still active, as when the OS ignores the ACPI request.
	ShutdownFails bool
	// ErroredCreates names droplets whose create action ends "errored"
	// (the droplet stays "new" for ever), as when a hypervisor fails.
	ErroredCreates []string
	// DropletLimit is the account's droplet_limit; creates beyond it are
	// refused. Default 25.
	DropletLimit int
	// SizeRegions says which regions offer a size (GET /v2/sizes); a size
	// it does not list is offered in every region.
	SizeRegions map[string][]string
	// KeyListLimit, when > 0, answers GET /v2/account/keys with 429 after
	// that many calls, as a per-endpoint limit stricter than the hourly one.
	KeyListLimit int
}

// Server is the fake API. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server
	cfg Config

	mu         sync.Mutex
	nextID     int
	seq        int // droplets created, for addresses
	droplets   []*droplet
	actions    map[int]*action
	keys       []godo.Key
	domains    []*domain
	images     []*godo.Image
	snapSource map[int]int // snapshot image ID -> droplet ID
	calls      map[string]int
	remaining  int
	resetAt    time.Time
	limitNext  int
	limitWait  time.Duration
	failNext   int // requests still to answer failCode
	failCode   int
	vpcs       map[string]string // VPC UUID -> region
	firewalls  []*firewall
	tags       map[string]bool // tags that exist (made by a droplet create or POST /v2/tags)
	reserved   []*reservedIP
	volumes    []*volume
}

// New starts a fake API; stop it with Close.
func New(cfg Config) *Server {
	if cfg.Token == "" {
		cfg.Token = "fake-token"
	}
	if len(cfg.Regions) == 0 {
		cfg.Regions = []string{"ams3", "blr1", "fra1", "lon1", "nyc1", "nyc3", "sfo3", "sgp1", "syd1", "tor1"}
	}
	if len(cfg.Sizes) == 0 {
		cfg.Sizes = []string{"s-1vcpu-512mb-10gb", "s-1vcpu-1gb", "s-1vcpu-2gb", "s-2vcpu-2gb", "s-2vcpu-4gb", "s-4vcpu-8gb"}
	}
	if len(cfg.Images) == 0 {
		cfg.Images = []string{"debian-11-x64", "debian-12-x64", "ubuntu-24-04-x64"}
	}
	if cfg.MaxPerPage <= 0 || cfg.MaxPerPage > 200 {
		cfg.MaxPerPage = 200
	}
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = 5000
	}
	if cfg.DropletLimit <= 0 {
		cfg.DropletLimit = 25
	}
	s := &Server{
		cfg: cfg, nextID: 1000, actions: map[int]*action{}, calls: map[string]int{}, snapSource: map[int]int{}, vpcs: map[string]string{},
		remaining: cfg.RateLimit, resetAt: time.Now().Add(time.Hour).Truncate(time.Second),
	}
	for _, slug := range cfg.Images {
		s.images = append(s.images, &godo.Image{
			ID: s.newID(), Name: slug, Slug: slug, Type: "base", Distribution: distribution(slug),
			Public: true, Regions: slices.Clone(cfg.Regions), MinDiskSize: 10, SizeGigaBytes: 1.5,
			Created: stamp(), Status: "available",
		})
	}
	s.srv = httptest.NewServer(s.routes())
	return s
}

// URL is the API base URL (with a trailing slash), for godo.SetBaseURL or
// DIGITALOCEAN_API_URL.
func (s *Server) URL() string { return s.srv.URL + "/" }

// Token is the bearer token the fake accepts.
func (s *Server) Token() string { return s.cfg.Token }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Calls returns how many requests "METHOD /path" (the path without query,
// e.g. "POST /v2/droplets") received, rejected ones included.
func (s *Server) Calls(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method+" "+path]
}

// AllCalls returns a copy of every request count, keyed "METHOD /path".
func (s *Server) AllCalls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// SetActivateAfter changes Config.ActivateAfter for every droplet, say to
// let droplets that were kept "new" become active.
func (s *Server) SetActivateAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.ActivateAfter = n
}

// LimitNext makes the next n requests fail with 429 too_many_requests. With
// retryAfter > 0 they carry Retry-After (seconds) and a RateLimit-Reset that
// far away; with 0, only RateLimit-Reset one second away.
func (s *Server) LimitNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limitNext, s.limitWait = n, retryAfter
}

// FailNext makes the next n requests fail with code (a 5xx), as during a
// DigitalOcean incident.
func (s *Server) FailNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failCode = n, code
}

func (s *Server) newID() int {
	s.nextID++
	return s.nextID
}

func stamp() string { return time.Now().UTC().Truncate(time.Second).Format(time.RFC3339) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.dropletRoutes(mux)
	s.actionRoutes(mux)
	s.keyRoutes(mux)
	s.domainRoutes(mux)
	s.imageRoutes(mux)
	s.accountRoutes(mux)
	s.firewallRoutes(mux)
	s.reservedIPRoutes(mux)
	s.volumeRoutes(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[r.Method+" "+r.URL.Path]++
		limited := s.rateHeaders(w.Header())
		failing := 0
		if s.failNext > 0 {
			s.failNext--
			failing = s.failCode
		}
		keyLimited := s.cfg.KeyListLimit > 0 && r.Method == http.MethodGet && r.URL.Path == "/v2/account/keys" &&
			s.calls[r.Method+" "+r.URL.Path] > s.cfg.KeyListLimit
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Request-Id", newRequestID())
		switch {
		case r.Header.Get("Authorization") != "Bearer "+s.cfg.Token:
			writeError(w, http.StatusUnauthorized, "unauthorized", "Unable to authenticate you")
		case limited:
			writeError(w, http.StatusTooManyRequests, "too_many_requests", "API Rate limit exceeded.")
		case keyLimited:
			w.Header().Set("Retry-After", "3600")
			writeError(w, http.StatusTooManyRequests, "too_many_requests", "API Rate limit exceeded.")
		case failing != 0:
			writeError(w, failing, "server_error", "Server was unable to give you a response.")
		default:
			if _, pattern := mux.Handler(r); pattern == "" {
				writeError(w, http.StatusNotFound, "not_found", "The resource you were accessing could not be found.")
				return
			}
			mux.ServeHTTP(w, r)
		}
	})
}

// rateHeaders sets the RateLimit-* headers and reports whether this request
// is one LimitNext asked to refuse. Called with s.mu held.
func (s *Server) rateHeaders(h http.Header) bool {
	now := time.Now()
	if now.After(s.resetAt) {
		s.remaining, s.resetAt = s.cfg.RateLimit, now.Add(time.Hour).Truncate(time.Second)
	}
	reset := s.resetAt
	limited := s.limitNext > 0
	if limited {
		s.limitNext--
		s.remaining = 0
		reset = now.Add(max(s.limitWait, time.Second))
		if s.limitWait > 0 {
			h.Set("Retry-After", strconv.Itoa(int(s.limitWait.Seconds())))
		}
	} else if s.remaining > 0 {
		s.remaining--
	}
	h.Set("RateLimit-Limit", strconv.Itoa(s.cfg.RateLimit))
	h.Set("RateLimit-Remaining", strconv.Itoa(s.remaining))
	h.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if limited && s.limitNext == 0 {
		s.remaining = s.cfg.RateLimit
	}
	return limited
}

// writeError answers with the API's error body, which repeats the
// response's request id.
func writeError(w http.ResponseWriter, code int, id, message string) {
	body := map[string]string{"id": id, "message": message}
	if rid := w.Header().Get("X-Request-Id"); rid != "" {
		body["request_id"] = rid
	}
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// newRequestID is a random UUID, as the real API sends in x-request-id.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func unprocessable(w http.ResponseWriter, format string, args ...any) {
	writeError(w, http.StatusUnprocessableEntity, "unprocessable_entity", fmt.Sprintf(format, args...))
}

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "not_found", "The resource you were accessing could not be found.")
}

// decodeBody reads a JSON request body, answering 400 when it is not JSON.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "Request body is not valid JSON: "+err.Error())
		return false
	}
	return true
}
