package orchestrator_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// A cancelled run returns ctx.Err(), not success, and starts no new work;
// planning again and applying completes the run without a second container
// for any instance.
func TestCancelledApplyReturnsCtxErrAndResumes(t *testing.T) {
	f := enginetest.New()
	f.AddImage("demo/worker", "sha256:w1")
	f.StartDelay = 20 * time.Millisecond
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: f}, Project: "demo", Parallel: 1}
	var run []project.Instance
	for i := range 5 {
		name := fmt.Sprintf("n%d", i)
		run = append(run, project.Instance{Name: "demo-worker-" + name, Container: "worker", Instance: name,
			Image: "demo/worker", Hostname: "worker-" + name, Env: map[string]string{}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	plan, err := o.Plan(ctx, run, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(30 * time.Millisecond) // during the second start
		cancel()
	}()
	err = o.Apply(ctx, plan)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Apply returned %v, want context.Canceled", err)
	}
	if n := len(f.StartOrder()); n == 0 || n >= 5 {
		t.Errorf("%d of 5 instances started after cancelling during the second: work went on, or the test did not cancel mid-run", n)
	}
	plan, err = o.Plan(context.Background(), run, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(context.Background(), plan); err != nil {
		t.Fatalf("the run after the interrupted one: %v", err)
	}
	list, _ := f.Containers(context.Background(), "demo")
	running := map[string]int{}
	for _, c := range list {
		if c.State == "running" {
			running[c.Name]++
		}
	}
	if len(list) != 5 || len(running) != 5 {
		t.Errorf("after resuming: %d containers, %d running; want each of the 5 instances once, running", len(list), len(running))
	}
}
