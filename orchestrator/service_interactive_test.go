package orchestrator_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// specWhileAttached reads, when the attached shell first reads its input,
// the spec of the container it runs in (gone once the shell exits).
type specWhileAttached struct {
	f    *enginetest.Fake
	name string
	spec orchestrator.ContainerSpec
	seen bool
}

func (r *specWhileAttached) Read([]byte) (int, error) {
	if !r.seen {
		r.spec, r.seen = r.f.Spec(r.name)
	}
	return 0, io.EOF
}

// With a swarm, an interactive instance runs as a one-off container on the
// first node that runs its group, on the project's overlay network joined
// by name (no local network made on the node), its links given as DNS
// names; it is removed when the shell exits.
func TestInteractiveOnSwarm(t *testing.T) {
	batchOnNode2 := orchestrator.Placement{Hosts: []orchestrator.PlacedHost{{Name: "node1", Groups: []string{""}}, {Name: "node2"}}}
	d := newSwarmDemo(t, batchOnNode2)
	d.deploy(t, swarmRun(), orchestrator.ServicePlanOptions{})
	for _, n := range d.nodes {
		n.AddImage("demo/shell", "sha256:shell1")
		n.ResetCalls()
	}
	shell := inst("shell", "one", "DB=db/one")
	shell.Interactive, shell.Group = true, "batch"
	in := &specWhileAttached{f: d.nodes[1], name: "demo-shell-one"}
	code, err := d.o.RunInteractive(context.Background(), shell, orchestrator.Streams{In: in})
	if err != nil || code != 0 {
		t.Fatalf("RunInteractive: %d, %v", code, err)
	}
	calls := d.nodes[1].Calls()
	if !slices.Contains(calls, "create demo-shell-one") || !slices.Contains(calls, "attach demo-shell-one") {
		t.Fatalf("node2, the first that runs group batch, got %v", calls)
	}
	if slices.Contains(calls, "network demo") {
		t.Errorf("node2 made a local network demo, which would hide the overlay: %v", calls)
	}
	if c := d.nodes[0].Calls(); slices.ContainsFunc(c, func(c string) bool { return strings.Contains(c, "demo-shell-one") }) {
		t.Errorf("node1, which does not run group batch, got %v", c)
	}
	if !in.seen {
		t.Fatal("the shell's container was not there while it was attached")
	}
	if in.spec.Network != "demo" || !in.spec.AutoRemove || len(in.spec.Links) > 0 {
		t.Errorf("shell spec: network %q, auto-remove %v, links %v; want the overlay, removed on exit, no legacy links", in.spec.Network, in.spec.AutoRemove, in.spec.Links)
	}
	if env := strings.Join(in.spec.Env, " "); !strings.Contains(env, "DOCKEROPS_LINKS=DB=db") || strings.Contains(env, "DB_CONTAINER_IP") {
		t.Errorf("shell env %q: want DB resolved by name on the overlay", env)
	}
	if _, ok := d.nodes[1].Container("demo-shell-one"); ok {
		t.Error("the shell's container is left after it exited")
	}
}

// The overlay is made on the manager when no service has made it yet; a
// link to an instance that has no service is refused by name.
func TestInteractiveOnSwarmNetworkAndLinks(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	shell := inst("web", "shell")
	shell.Interactive = true
	if _, err := d.o.RunInteractive(context.Background(), shell, orchestrator.Streams{}); err != nil {
		t.Fatal(err)
	}
	if !d.sw.HasNetwork("demo") {
		t.Error("no overlay network for the shell to join")
	}
	shell = inst("web", "shell", "DB=db/one")
	shell.Interactive = true
	_, err := d.o.RunInteractive(context.Background(), shell, orchestrator.Streams{})
	if err == nil || !strings.Contains(err.Error(), "demo-web-shell: link DB needs demo-db-one, which has no service") {
		t.Errorf("err = %v, want the link to a missing service named", err)
	}
}
