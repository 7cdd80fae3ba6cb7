package dockerengine

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

// On the real engine: a first run of a project whose web links to its db
// makes the network with a subnet of its own, gives both containers their
// addresses at create, and web's DB_CONTAINER_IP is where db runs. A
// second project gets another subnet; a stopped container's address and a
// running one's are not given again.
func TestIntegrationAddressesAtCreate(t *testing.T) {
	e, ctx := integration(t)
	name := uniqueName(t)
	t.Cleanup(func() { removeProject(t, name); removeProject(t, name+"-b") })
	// run is a db and a web that links to it, named after p and db.
	run := func(p, db, web string) []project.Instance {
		in := func(c string) project.Instance {
			return project.Instance{Name: p + "-" + c, Container: c, Instance: "one", Image: baseImage,
				Hostname: c, Env: map[string]string{}, SeedCommand: "sleep 600"}
		}
		w := in(web)
		w.Links = []project.Link{{Name: "DB", TargetContainer: db, TargetInstance: "one", Target: ptr(p + "-" + db)}}
		return []project.Instance{in(db), w}
	}
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: e}, Project: name, StopTimeout: 0}
	applyRun(ctx, t, o, run(name, "db", "web"))
	db, web := inspectOf(ctx, t, e, name+"-db"), inspectOf(ctx, t, e, name+"-web")
	if got := envValue(ctx, t, e, name+"-web", "DB_CONTAINER_IP"); got == "" || got != db.IP {
		t.Errorf("web's DB_CONTAINER_IP=%q, db runs at %q", got, db.IP)
	}
	free, err := e.EnsureAddressedNetwork(ctx, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ip := range []string{db.IP, web.IP} {
		if a, err := netip.ParseAddr(ip); err != nil || !free.Free.Contains(a) || !slices.Contains(free.InUse, a) {
			t.Errorf("address %q: not given by dockerops in %s, or not counted in use (%v)", ip, free.Free, free.InUse)
		}
	}

	// db stopped keeps its address; a new pair gets others.
	if err := e.Stop(ctx, db.ID, 0); err != nil {
		t.Fatal(err)
	}
	applyRun(ctx, t, o, run(name, "db2", "w2"))
	seen := map[string]string{db.IP: "db", web.IP: "web"}
	for _, c := range []string{"db2", "w2"} {
		ip := inspectOf(ctx, t, e, name+"-"+c).IP
		if prev, dup := seen[ip]; dup || ip == "" {
			t.Errorf("%s got %q, which %s has", c, ip, prev)
		}
		seen[ip] = c
	}

	other := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: e}, Project: name + "-b"}
	applyRun(ctx, t, other, run(name+"-b", "db", "web"))
	otherFree, err := e.EnsureAddressedNetwork(ctx, name+"-b", nil)
	if err != nil {
		t.Fatal(err)
	}
	if otherFree.Free.Overlaps(free.Free) {
		t.Errorf("two projects' networks share addresses: %s and %s", free.Free, otherFree.Free)
	}
}

func ptr(s string) *string { return &s }

func applyRun(ctx context.Context, t *testing.T, o *orchestrator.Orchestrator, run []project.Instance) {
	t.Helper()
	plan, err := o.Plan(ctx, run, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.String(), "addresses given at create") {
		t.Fatalf("plan gives no address at create:\n%s", plan)
	}
	if err := o.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
}

func inspectOf(ctx context.Context, t *testing.T, e *Engine, name string) orchestrator.Observed {
	t.Helper()
	ob, err := e.Inspect(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return ob
}

func envValue(ctx context.Context, t *testing.T, e *Engine, name, key string) string {
	t.Helper()
	r, err := e.cli.ContainerInspect(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range r.Config.Env {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v
		}
	}
	return fmt.Sprintf("(no %s)", key)
}
