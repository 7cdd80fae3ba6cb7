package orchestrator_test

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// A first run gives every container its address when it is created: an
// instance that links to another is created before the other's start is
// over, its <NAME>_CONTAINER_IP is the address the other runs at, and it
// starts only once the other has started.
func TestLinkedInstancesGetAddressesAtCreate(t *testing.T) {
	f := enginetest.New()
	f.SetStartDelay("demo-db-one", 50*time.Millisecond)
	o := newOrch(f)
	apply(t, o, demoRun(), orchestrator.PlanOptions{})

	db, _ := f.Container("demo-db-one")
	for _, name := range []string{"demo-web-master", "demo-worker-one"} {
		if got := envOf(t, f, name)["DB_CONTAINER_IP"]; got == "" || got != db.IP {
			t.Errorf("%s: DB_CONTAINER_IP=%q, want db's address %q", name, got, db.IP)
		}
		if spec, _ := f.Spec(name); spec.IP == "" {
			t.Errorf("%s was created without an address", name)
		}
	}
	created, _ := f.When("create demo-web-master")
	dbStarted, _ := f.StartedAt("demo-db-one")
	if created < 0 || created >= dbStarted {
		t.Errorf("web was created at call %d, after db's start returned (call %d): it waited for db's address", created, dbStarted)
	}
	order := f.StartOrder()
	if i, j := slices.Index(order, "demo-db-one"), slices.Index(order, "demo-web-master"); i < 0 || j < i {
		t.Errorf("start order %v: web started before its link target db", order)
	}
	// Nothing changes on the next run: the addresses are the ones the
	// links were made with.
	if plan, err := o.Plan(context.Background(), demoRun(), orchestrator.PlanOptions{}); err != nil || plan.Changes() != 0 {
		t.Errorf("second plan: %v, %v\n%s", plan.Changes(), err, plan)
	}
}

// A HEALTHCHECK or a run.conf sleep still holds dependants back: they are
// created only once their target is ready, as DockerOps did.
func TestReadyWaitsStillHoldDependantsBack(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*enginetest.Fake)
		sleep float64
	}{
		{"healthcheck", func(f *enginetest.Fake) { f.HealthOnStart = "healthy" }, 0},
		{"sleep", func(*enginetest.Fake) {}, 0.01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := enginetest.New()
			tc.setup(f)
			o := newOrch(f)
			run := demoRun()
			run[1].Sleep = tc.sleep // db
			apply(t, o, run, orchestrator.PlanOptions{})
			created, _ := f.When("create demo-web-master")
			dbStarted, _ := f.StartedAt("demo-db-one")
			if created < dbStarted {
				t.Errorf("web was created at call %d, before db had started (call %d) and was ready", created, dbStarted)
			}
		})
	}
}

// Addresses given at create avoid those in use on the network: a running
// container's, and a stopped one's, which asks for it again when it
// starts. Another project's network is another network.
func TestAddressesAvoidThoseInUse(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	// A container left from before, on the project network.
	f.AddContainer(orchestrator.Observed{Name: "demo-old-one", State: "running", IP: "10.0.128.1",
		Labels: map[string]string{orchestrator.LabelProject: "demo"}})
	run := demoRun()
	apply(t, o, run, orchestrator.PlanOptions{})
	f.SetState("demo-db-one", "exited") // keeps its address for its next start
	dbSpec, _ := f.Spec("demo-db-one")

	other := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: f}, Project: "other"}
	otherRun := demoRun()
	for i := range otherRun {
		otherRun[i].Name = strings.Replace(otherRun[i].Name, "demo-", "other-", 1)
		for j := range otherRun[i].Links {
			if tgt := otherRun[i].Links[j].Target; tgt != nil {
				otherRun[i].Links[j].Target = ptr(strings.Replace(*tgt, "demo-", "other-", 1))
			}
		}
	}
	apply(t, other, otherRun, orchestrator.PlanOptions{})

	more := append(demoRun(), inst("db", "two"), inst("worker", "two", "DB=db/two"), inst("worker", "three", "DB=db/two"))
	apply(t, o, more, orchestrator.PlanOptions{})
	seen := map[string]string{"10.0.128.1": "demo-old-one"}
	for _, in := range more {
		spec, _ := f.Spec(in.Name)
		ip, err := netip.ParseAddr(spec.IP)
		if err != nil {
			t.Errorf("%s: address %q: %v", in.Name, spec.IP, err)
			continue
		}
		if prev, dup := seen[spec.IP]; dup {
			t.Errorf("%s got %s, which %s has", in.Name, ip, prev)
		}
		seen[spec.IP] = in.Name
	}
	if db, _ := f.Container("demo-db-one"); db.State != "running" || db.IP != dbSpec.IP {
		t.Errorf("the stopped db started again as %s at %q, want running at its own %s", db.State, db.IP, dbSpec.IP)
	}
	if otherDB, _ := f.Spec("other-db-one"); otherDB.IP == "" {
		t.Errorf("the other project's db got no address of its own network")
	}
}
