package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

// Defaults for ProvisionRequest.
const (
	DefaultPollInterval = 5 * time.Second
	DefaultTimeout      = 10 * time.Minute
	DefaultReadyTimeout = 10 * time.Minute
)

// ProvisionRequest is what Provision makes.
type ProvisionRequest struct {
	Project   string // project name; droplets are "<project>-<host>"
	Hosts     []Host // the hosts to provision (see Hosts.Select)
	PublicKey string // the project's public SSH key, an authorized_keys line
	// Progress receives one line per event (stderr); nil discards them.
	Progress io.Writer
	// Run, when set, runs a shell command on host over SSH at ip (its
	// public IPv4); provision then waits, for every host at once, until the
	// host is ready: cloud-init done, Docker answering, a container of
	// ReadyImage starting. On a droplet made by an earlier run, a failed
	// install is repaired over SSH instead. nil skips the wait (wait=False).
	Run func(ctx context.Context, host, ip, command string) (output string, status int, err error)
	// ReadyTimeout bounds the wait for a host to be ready; 0 =
	// DefaultReadyTimeout.
	ReadyTimeout time.Duration
	// PollInterval is the pause between two looks at a droplet that is not
	// active yet; 0 = DefaultPollInterval.
	PollInterval time.Duration
	// Timeout bounds the wait for droplets to become active; 0 =
	// DefaultTimeout.
	Timeout time.Duration
	// NewAddress, when set, is told the public IPv4 of each droplet this run
	// created, before provision contacts it: DigitalOcean reuses addresses,
	// so a host key recorded for the address belongs to a droplet that is
	// gone (one deleted outside dockerops) and must be forgotten.
	NewAddress func(ip string) error
	// ConfirmDelete is asked whether to delete a droplet whose create
	// action errored (it never becomes active), so that the next run makes
	// a new one; nil keeps it.
	ConfirmDelete func(question string) bool
	// Published is, by host name, the ports its instances publish there:
	// the host's cloud firewall opens exactly those (and SSH).
	Published map[string][]PublishedPort
	// ReservedIPs is, by host name, the reserved IP an earlier run gave
	// the host, to find it again once its droplet is gone (see
	// findReservedIPs).
	ReservedIPs map[string]string
}

// step is one stage of provisioning, as in Packer's builders, but without
// an undo: a failed run keeps what it made and the next run, idempotent,
// finishes the job. Deleting on failure would throw away droplets that
// only missed a deadline (cloud-init still installing Docker, a Ctrl-C)
// and that a re-run would adopt; destroy is the undo, asked for by name.
type step interface {
	Run(ctx context.Context, st *state) error
}

// state is what the steps share.
type state struct {
	client *godo.Client
	req    ProvisionRequest

	mu  sync.Mutex // guards out: the hosts are awaited concurrently
	out io.Writer

	fingerprint string                             // of req.PublicKey
	made        bool                               // this run created a key, droplet or record
	images      map[string]godo.DropletCreateImage // host -> image to create it from
	snapshot    map[string]bool                    // host -> image is a snapshot (Docker already in)
	droplets    map[string]*godo.Droplet           // host -> its droplet
	created     map[string]bool                    // host -> its droplet was created by this run
	creates     map[string]int                     // host -> the create action of its droplet, when known
	imageFits   map[string]imageFit                // host -> where its image can go
	zoneOf      map[string]string                  // DNS name -> account domain
	records     map[string][]godo.DomainRecord     // domain -> A/AAAA/CNAME records

	reservedIPs []godo.ReservedIP // the account's, read when a host has reserved_ip
	reserved    map[string]string // host -> its reserved IP
	volumes     map[string]Volume // host -> its block storage volume
}

// options are the request's waits, for the helpers Snapshot and Destroy use.
func (st *state) options() options {
	return options{progress: io.Discard, pollInterval: st.req.PollInterval, timeout: st.req.Timeout}
}

func (st *state) say(format string, args ...any) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fmt.Fprintf(st.out, format+"\n", args...)
}

// Provision makes the hosts exist, idempotently, in cloudmaker's order:
// preflight checks that change nothing (fail before creating anything), the
// SSH key, the droplets (with Docker), their DNS records, then waits for
// the hosts to be ready (ProvisionRequest.Run). Droplets and records that
// already exist are left alone, so a re-run after any failure finishes the
// job. It returns the inventory of req.Hosts.
func Provision(ctx context.Context, client *godo.Client, req ProvisionRequest) (Inventory, error) {
	if req.Progress == nil {
		req.Progress = io.Discard
	}
	if req.PollInterval <= 0 {
		req.PollInterval = DefaultPollInterval
	}
	if req.Timeout <= 0 {
		req.Timeout = DefaultTimeout
	}
	if req.ReadyTimeout <= 0 {
		req.ReadyTimeout = DefaultReadyTimeout
	}
	if err := checkProject(req.Project); err != nil {
		return nil, err
	}
	if len(req.Hosts) == 0 {
		return nil, errors.New("provision: no hosts selected")
	}
	st := &state{
		client: client, req: req, out: req.Progress,
		images: map[string]godo.DropletCreateImage{}, snapshot: map[string]bool{},
		droplets: map[string]*godo.Droplet{}, created: map[string]bool{}, creates: map[string]int{}, imageFits: map[string]imageFit{},
		zoneOf: map[string]string{}, records: map[string][]godo.DomainRecord{},
		reserved: map[string]string{}, volumes: map[string]Volume{},
	}
	steps := []step{&preflight{}, &findVolumes{}, &uploadKey{}, &createDroplets{}, &syncFirewalls{}, &awaitActive{},
		&assignReservedIPs{}, &attachVolumes{}, &publishDNS{}, &awaitDocker{}, &mountVolumes{}}
	if err := runSteps(ctx, st, steps); err != nil {
		return nil, err
	}
	inv := Inventory{}
	for _, h := range req.Hosts {
		inv[h.Name] = inventoryHost(st.droplets[h.Name], slices.Clone(h.Names))
		inv[h.Name] = withCloudNetwork(inv[h.Name], st.req.Project, h.Name, st.reserved[h.Name])
		if v, ok := st.volumes[h.Name]; ok {
			inv[h.Name] = withVolume(inv[h.Name], v, st.droplets[h.Name].ID)
		}
	}
	return inv, nil
}

// runSteps runs the steps in order and stops at the first failure.
func runSteps(ctx context.Context, st *state, steps []step) error {
	for _, s := range steps {
		if err := s.Run(ctx, st); err != nil {
			if st.made {
				st.say("what was made so far is kept: run provision again to finish")
			}
			return err
		}
	}
	return nil
}
