package orchestrator_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// Every dependant is created only once its link targets have started: the
// targets are slow to start, so a dependant not waiting for them would be
// created while they are still starting.
func TestApplyStartsLinkTargetsFirst(t *testing.T) {
	f := enginetest.New()
	f.SetStartDelay("demo-db-one", 40*time.Millisecond)
	f.SetStartDelay("demo-cache-one", 40*time.Millisecond)
	withNetwork(t, f)
	o := newOrch(f)
	apply(t, o, demoRun(), orchestrator.PlanOptions{})
	for _, pair := range [][2]string{{"db-one", "web-master"}, {"cache-one", "web-master"}, {"db-one", "worker-one"}} {
		// started is how many calls had been made when the target's Start
		// returned: a create at that position or later came after it.
		started, _ := f.StartedAt("demo-" + pair[0])
		created, _ := f.When("create demo-" + pair[1])
		if started < 0 || created < 0 || created < started {
			t.Errorf("calls %v: %s must have started before %s is created", f.Calls(), pair[0], pair[1])
		}
	}
}

// withNetwork makes the project network exist before a plan is applied, so
// that a container created too early is caught by the order a test asserts,
// not by a missing network.
func withNetwork(t *testing.T, f *enginetest.Fake) {
	t.Helper()
	if err := f.EnsureNetwork(context.Background(), "demo", nil); err != nil {
		t.Fatal(err)
	}
}

func independent(n int) []project.Instance {
	var run []project.Instance
	for i := range n {
		run = append(run, inst("worker", fmt.Sprintf("n%02d", i)))
	}
	return run
}

func TestApplyIsBoundedByParallel(t *testing.T) {
	f := enginetest.New()
	f.StartDelay = 20 * time.Millisecond
	o := newOrch(f)
	o.Parallel = 3
	apply(t, o, independent(12), orchestrator.PlanOptions{})
	if n := f.MaxInflight(); n > 3 {
		t.Errorf("%d starts in flight at once, parallel=3", n)
	}
	if n := f.MaxInflight(); n < 2 {
		t.Errorf("independent instances never started together (max in flight %d)", n)
	}
	if n := len(f.StartOrder()); n != 12 {
		t.Errorf("started %d of 12", n)
	}
}

func TestFirstFailureStopsNewWork(t *testing.T) {
	f := enginetest.New()
	f.StartDelay = 5 * time.Millisecond
	o := newOrch(f)
	o.Parallel = 1
	run := independent(6)
	boom := errors.New("port is already allocated")
	failing := map[string]bool{run[0].Name: true, run[1].Name: true}
	for name := range failing {
		f.Fail("start "+name, boom)
	}
	plan, err := o.Plan(context.Background(), run, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = o.Apply(context.Background(), plan)
	if err == nil {
		t.Fatal("apply succeeded although a start failed")
	}
	if !strings.Contains(err.Error(), "already in use") {
		t.Errorf("error %q does not explain the port clash", err)
	}
	// With one slot there is no work in flight: after the first failed start
	// no other start may be attempted.
	var starts []string
	for _, c := range f.Calls() {
		if strings.HasPrefix(c, "start ") {
			starts = append(starts, strings.TrimPrefix(c, "start "))
		}
	}
	for i, name := range starts {
		if failing[name] && i != len(starts)-1 {
			t.Errorf("starts %v: work went on after %s failed", starts, name)
		}
	}
	for name := range failing {
		if _, left := f.Container(name); left {
			t.Errorf("%s failed to start but its container was left behind", name)
		}
	}
}

func TestFailureReportsEveryInFlightFailure(t *testing.T) {
	f := enginetest.New()
	f.StartDelay = 30 * time.Millisecond
	o := newOrch(f)
	o.Parallel = 4
	run := independent(4)
	for _, in := range run[:2] {
		f.Fail("start "+in.Name, errors.New("boom"))
	}
	plan, _ := o.Plan(context.Background(), run, orchestrator.PlanOptions{})
	err := o.Apply(context.Background(), plan)
	for _, in := range run[:2] {
		if err == nil || !strings.Contains(err.Error(), in.Name) {
			t.Errorf("error %v does not report %s", err, in.Name)
		}
	}
}

func TestDependantsOfFailedInstanceDoNotStart(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	f.Fail("start demo-db-one", errors.New("boom"))
	plan, _ := o.Plan(context.Background(), demoRun(), orchestrator.PlanOptions{})
	if err := o.Apply(context.Background(), plan); err == nil {
		t.Fatal("apply succeeded although db failed")
	}
	for _, name := range []string{"demo-web-master", "demo-worker-one"} {
		if slices.Contains(f.StartOrder(), name) {
			t.Errorf("%s started although its link target failed", name)
		}
	}
}

// A link target's sleep holds back the instances that link to it: web is
// created no sooner than 0.2 s after db has started.
func TestSleepHoldsDependants(t *testing.T) {
	f := enginetest.New()
	withNetwork(t, f)
	o := newOrch(f)
	db := inst("db", "one")
	db.Sleep = 0.2
	web := inst("web", "master", "DB=db/one")
	apply(t, o, []project.Instance{web, db}, orchestrator.PlanOptions{})
	_, started := f.StartedAt("demo-db-one")
	_, created := f.When("create demo-web-master")
	if gap := created.Sub(started); started.IsZero() || created.IsZero() || gap < 200*time.Millisecond {
		t.Errorf("web was created %v after db started, before db's sleep of 0.2s was over", gap)
	}
}

func TestWaitReportsUnhealthyInstance(t *testing.T) {
	f := enginetest.New()
	f.StartDelay = 10 * time.Millisecond
	// A health check that never passes: mark it starting as soon as it exists.
	f.HealthOnStart = "starting"
	o := newOrch(f)
	o.WaitTimeout = 300 * time.Millisecond
	db := inst("db", "one")
	plan, _ := o.Plan(context.Background(), []project.Instance{db}, orchestrator.PlanOptions{Wait: true})
	go func() {
		time.Sleep(50 * time.Millisecond)
		f.SetHealth("demo-db-one", "unhealthy", "pg_isready: no response")
	}()
	err := o.Apply(context.Background(), plan)
	if err == nil || !strings.Contains(err.Error(), "demo-db-one") || !strings.Contains(err.Error(), "pg_isready: no response") {
		t.Fatalf("err = %v, want the unhealthy instance and its last health output", err)
	}
}
