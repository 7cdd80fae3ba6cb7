package dockerengine

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

// requestCounter is a slog handler counting the engine requests the
// request log reports (and, with "write" set, those that change the engine).
type requestCounter struct {
	all, writes atomic.Int32
}

func (c *requestCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *requestCounter) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *requestCounter) WithGroup(string) slog.Handler            { return c }
func (c *requestCounter) Handle(_ context.Context, r slog.Record) error {
	if !strings.HasPrefix(r.Message, "Docker engine") {
		return nil
	}
	c.all.Add(1)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "method" && a.Value.String() != "GET" && a.Value.String() != "HEAD" {
			c.writes.Add(1)
		}
		return true
	})
	return nil
}

// A whole run over ssh:// (plan, create and start a dozen instances in
// parallel, plan again, remove them) goes through one ssh connection, and
// its many requests reuse a few channels instead of opening one each. The
// plan that finds nothing to do makes one request: the container list.
func TestIntegrationSSHTaskUsesOneConnection(t *testing.T) {
	integration(t)
	t.Setenv("SSH_AUTH_SOCK", "")
	user, hostKey := newEd25519(t), newEd25519(t)
	srv := startSSHServer(t, user.PublicKey(), "/var/run/docker.sock", hostKey)
	var requests requestCounter
	ctx := context.Background()
	e, err := New(ctx, Options{Host: "ssh://" + srv.user + "@" + srv.addr + "/var/run/docker.sock",
		SSHSigners: []ssh.Signer{user}, KnownHostsFile: filepath.Join(t.TempDir(), "known_hosts"),
		Log: slog.New(&requests)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	name := uniqueName(t)
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: e}, Project: name, StopTimeout: time.Millisecond}
	var run []project.Instance
	for i := range 12 {
		in := fmt.Sprintf("i%02d", i)
		run = append(run, project.Instance{Name: name + "-w-" + in, Container: "w", Instance: in, Image: baseImage,
			Hostname: "w-" + in, Env: map[string]string{}, SeedCommand: "sleep 600"})
	}
	t.Cleanup(func() { removeProject(t, name) })
	plan, err := o.Plan(ctx, run, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	before, writes := requests.all.Load(), requests.writes.Load()
	if plan, err = o.Plan(ctx, run, orchestrator.PlanOptions{}); err != nil || plan.Changes() != 0 {
		t.Fatalf("second plan: %d change(s), err %v; want none", plan.Changes(), err)
	}
	if n, w := requests.all.Load()-before, requests.writes.Load()-writes; n != 1 || w != 0 {
		t.Errorf("planning a run with nothing to do made %d engine request(s), %d write(s); want the one list", n, w)
	}
	observed, err := e.Containers(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	clean, err := o.PlanClean(ctx, observed, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(ctx, clean); err != nil {
		t.Fatal(err)
	}

	if n := srv.handshakes.Load(); n != 1 {
		t.Errorf("the task made %d ssh connections, want 1", n)
	}
	// Each request on a fresh channel would be one channel per request; at
	// most one per step in flight (the 12 instances, no bound by default)
	// and the network steps' own.
	if n, r := srv.channels.Load(), requests.all.Load(); n > 14 || r < 40 {
		t.Errorf("%d requests opened %d ssh channels, want at most 14", r, n)
	}
}

// removeProject removes what a test run left of a project: its containers
// and its network.
func removeProject(t *testing.T, name string) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Log(err)
		return
	}
	defer e.Close()
	ctx := context.Background()
	left, _ := e.Containers(ctx, name)
	for _, c := range left {
		_ = e.Remove(ctx, c.ID)
	}
	_ = e.RemoveNetwork(ctx, name)
}
