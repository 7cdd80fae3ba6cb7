package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/project"
)

// Every dependant is created only once its link targets have started: the
// targets are slow to start, so a dependant not waiting for them would be
// created while they are still starting.
func TestApplyStartsLinkTargetsFirst(t *testing.T) {
	f := newFake()
	f.startDelays["demo-db-one"] = 40 * time.Millisecond
	f.startDelays["demo-cache-one"] = 40 * time.Millisecond
	o := newOrch(f)
	apply(t, o, demoRun(), PlanOptions{})
	for _, pair := range [][2]string{{"db-one", "web-master"}, {"cache-one", "web-master"}, {"db-one", "worker-one"}} {
		started, _ := f.when("started demo-" + pair[0])
		created, _ := f.when("create demo-" + pair[1])
		if started < 0 || created < 0 || created < started {
			t.Errorf("calls %v: %s must have started before %s is created", f.calls, pair[0], pair[1])
		}
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
	f := newFake()
	f.startDelay = 20 * time.Millisecond
	o := newOrch(f)
	o.Parallel = 3
	apply(t, o, independent(12), PlanOptions{})
	if f.maxInflight > 3 {
		t.Errorf("%d starts in flight at once, parallel=3", f.maxInflight)
	}
	if f.maxInflight < 2 {
		t.Errorf("independent instances never started together (max in flight %d)", f.maxInflight)
	}
	if len(f.startOrder) != 12 {
		t.Errorf("started %d of 12", len(f.startOrder))
	}
}

func TestFirstFailureStopsNewWork(t *testing.T) {
	f := newFake()
	f.startDelay = 5 * time.Millisecond
	o := newOrch(f)
	o.Parallel = 1
	run := independent(6)
	boom := errors.New("port is already allocated")
	f.failStart[run[0].Name] = boom
	f.failStart[run[1].Name] = boom
	plan, err := o.Plan(context.Background(), run, PlanOptions{})
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
	for _, c := range f.calls {
		if strings.HasPrefix(c, "start ") {
			starts = append(starts, strings.TrimPrefix(c, "start "))
		}
	}
	for i, name := range starts {
		if f.failStart[name] != nil && i != len(starts)-1 {
			t.Errorf("starts %v: work went on after %s failed", starts, name)
		}
	}
	for name := range f.failStart {
		if _, left := f.containers[name]; left {
			t.Errorf("%s failed to start but its container was left behind", name)
		}
	}
}

func TestFailureReportsEveryInFlightFailure(t *testing.T) {
	f := newFake()
	f.startDelay = 30 * time.Millisecond
	o := newOrch(f)
	o.Parallel = 4
	run := independent(4)
	for _, in := range run[:2] {
		f.failStart[in.Name] = errors.New("boom")
	}
	plan, _ := o.Plan(context.Background(), run, PlanOptions{})
	err := o.Apply(context.Background(), plan)
	for _, in := range run[:2] {
		if err == nil || !strings.Contains(err.Error(), in.Name) {
			t.Errorf("error %v does not report %s", err, in.Name)
		}
	}
}

func TestDependantsOfFailedInstanceDoNotStart(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	f.failStart["demo-db-one"] = errors.New("boom")
	plan, _ := o.Plan(context.Background(), demoRun(), PlanOptions{})
	if err := o.Apply(context.Background(), plan); err == nil {
		t.Fatal("apply succeeded although db failed")
	}
	for _, name := range []string{"demo-web-master", "demo-worker-one"} {
		if slices.Contains(f.startOrder, name) {
			t.Errorf("%s started although its link target failed", name)
		}
	}
}

// A link target's sleep holds back the instances that link to it: web is
// created no sooner than 0.2 s after db has started.
func TestSleepHoldsDependants(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	db := inst("db", "one")
	db.Sleep = 0.2
	web := inst("web", "master", "DB=db/one")
	apply(t, o, []project.Instance{web, db}, PlanOptions{})
	_, started := f.when("started demo-db-one")
	_, created := f.when("create demo-web-master")
	if gap := created.Sub(started); started.IsZero() || created.IsZero() || gap < 200*time.Millisecond {
		t.Errorf("web was created %v after db started, before db's sleep of 0.2s was over", gap)
	}
}

func TestWaitReportsUnhealthyInstance(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	o.WaitTimeout = 300 * time.Millisecond
	db := inst("db", "one")
	plan, _ := o.Plan(context.Background(), []project.Instance{db}, PlanOptions{Wait: true})
	go func() {
		time.Sleep(50 * time.Millisecond)
		f.mu.Lock()
		if c := f.containers["demo-db-one"]; c != nil {
			c.Health, c.HealthLog = "unhealthy", "pg_isready: no response"
		}
		f.mu.Unlock()
	}()
	f.startDelay = 10 * time.Millisecond
	// A health check that never passes: mark it starting as soon as it exists.
	f.mu.Lock()
	f.healthOnStart = "starting"
	f.mu.Unlock()
	err := o.Apply(context.Background(), plan)
	if err == nil || !strings.Contains(err.Error(), "demo-db-one") || !strings.Contains(err.Error(), "pg_isready: no response") {
		t.Fatalf("err = %v, want the unhealthy instance and its last health output", err)
	}
}
