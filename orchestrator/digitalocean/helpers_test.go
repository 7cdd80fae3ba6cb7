package digitalocean

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
	"golang.org/x/crypto/ssh"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testKey is a fixed ed25519 public key, so fingerprints are stable.
func testKey(t *testing.T, seed byte) string {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " dockerops-test"
}

// sleeps records the waits the client was asked to make, without waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

// newFake starts a fake API with the domain example.com and a godo client
// for it whose rate-limit waits are recorded, not slept.
func newFake(t *testing.T, cfg fakedo.Config) (*fakedo.Server, *godo.Client, *sleeps) {
	t.Helper()
	return newFakeLogging(t, cfg, nil)
}

// newFakeLogging is newFake with a client that logs to log.
func newFakeLogging(t *testing.T, cfg fakedo.Config, log *slog.Logger) (*fakedo.Server, *godo.Client, *sleeps) {
	t.Helper()
	f := fakedo.New(cfg)
	t.Cleanup(f.Close)
	f.AddDomain("example.com")
	sl := &sleeps{}
	c, err := newClient(f.Token(), f.URL(), log, sl.sleep)
	if err != nil {
		t.Fatal(err)
	}
	return f, c, sl
}

// hosts parses a hosts.conf text and returns its hosts.
func hosts(t *testing.T, conf string) []Host {
	t.Helper()
	hs, err := ParseHosts("hosts.conf", []byte(conf))
	if err != nil {
		t.Fatalf("hosts.conf: %v", err)
	}
	return hs.All()
}

const twoHosts = `{
# the web front, on both names
"web": {"region": "fra1", "names": ["web.example.com", "example.com"]},
"db": {"region": "fra1", "size": "s-2vcpu-4gb", "ipv6": false, "groups": ["db"]}
}`

func request(t *testing.T, hs []Host) ProvisionRequest {
	return ProvisionRequest{
		Project: "demo", Hosts: hs, PublicKey: testKey(t, 1),
		PollInterval: time.Millisecond, Timeout: 5 * time.Second,
	}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (-update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// recordsOf returns "TYPE fqdn -> data" for every A/AAAA/CNAME record.
func recordsOf(f *fakedo.Server, zone string) []string {
	var out []string
	for _, r := range f.Records(zone) {
		if r.Type == "A" || r.Type == "AAAA" || r.Type == "CNAME" {
			out = append(out, r.Type+" "+fqdn(r.Name, zone)+" -> "+r.Data)
		}
	}
	return out
}
