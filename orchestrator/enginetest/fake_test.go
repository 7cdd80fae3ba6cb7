package enginetest_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

func TestContainerLifecycle(t *testing.T) {
	ctx := context.Background()
	f := enginetest.New()
	if _, err := f.Create(ctx, orchestrator.ContainerSpec{Name: "demo-web-one", Network: "demo"}); err == nil {
		t.Error("create on a missing network succeeded")
	}
	if err := f.EnsureNetwork(ctx, "demo", nil); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{orchestrator.LabelProject: "demo"}
	id, err := f.Create(ctx, orchestrator.ContainerSpec{Name: "demo-web-one", Network: "demo", Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Create(ctx, orchestrator.ContainerSpec{Name: "demo-web-one", Network: "demo"}); err == nil {
		t.Error("a second container with the same name was created")
	}
	if _, err := f.Exec(ctx, id, orchestrator.ExecSpec{Cmd: []string{"true"}}); err == nil {
		t.Error("exec in a created container succeeded")
	}
	if err := f.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	ob, _ := f.Inspect(ctx, id)
	if ob.State != "running" || ob.IP == "" {
		t.Errorf("started container: state %q, IP %q", ob.State, ob.IP)
	}
	list, _ := f.Containers(ctx, "demo")
	list[0].Labels[orchestrator.LabelProject] = "changed"
	if list, _ := f.Containers(ctx, "demo"); len(list) != 1 {
		t.Error("changing the labels Containers returned changed the engine's")
	}
	if err := f.Stop(ctx, id, 0); err != nil {
		t.Fatal(err)
	}
	if ob, _ := f.Inspect(ctx, id); ob.State != "exited" || ob.IP != "" {
		t.Errorf("stopped container: state %q, IP %q", ob.State, ob.IP)
	}
	if err := f.Remove(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Container(id); ok {
		t.Error("removed container is still there")
	}
	want := []string{"create demo-web-one", "network demo", "create demo-web-one", "create demo-web-one", "exec demo-web-one true",
		"start demo-web-one", "stop demo-web-one", "remove demo-web-one"}
	if got := f.Writes(); !slices.Equal(got, want) {
		t.Errorf("writes\n%v\nwant\n%v", got, want)
	}
}

func TestFailAndScripts(t *testing.T) {
	ctx := context.Background()
	f := enginetest.New()
	f.AddContainer(orchestrator.Observed{Name: "a", State: "running"})
	f.AddContainer(orchestrator.Observed{Name: "b", State: "running"})
	boom := errors.New("boom")
	f.Fail("start a", boom)
	if err := f.Start(ctx, "a"); !errors.Is(err, boom) {
		t.Errorf("start a: %v, want boom", err)
	}
	if err := f.Start(ctx, "b"); err != nil {
		t.Errorf("start b failed with a failure scripted for a: %v", err)
	}
	f.Fail("start a", nil)
	if err := f.Start(ctx, "a"); err != nil {
		t.Errorf("cleared failure still fails: %v", err)
	}

	f.SetExec("a", enginetest.Result{Code: 3, Stdout: "out\n", Stderr: "err\n"})
	var out, errb strings.Builder
	code, err := f.Exec(ctx, "a", orchestrator.ExecSpec{Cmd: []string{"x"}, Streams: orchestrator.Streams{Out: &out, Err: &errb}})
	if err != nil || code != 3 || out.String() != "out\n" || errb.String() != "err\n" {
		t.Errorf("scripted exec: %d %v %q %q", code, err, out.String(), errb.String())
	}
	if code, _ := f.Exec(ctx, "b", orchestrator.ExecSpec{}); code != 0 {
		t.Errorf("unscripted exec returned %d", code)
	}
	f.SetLogs("a", "line\n")
	out.Reset()
	if err := f.Logs(ctx, "a", orchestrator.LogsSpec{Follow: true, Out: &out}); err != nil || out.String() != "line\n" {
		t.Errorf("logs: %v %q", err, out.String())
	}
	if err := f.Logs(ctx, "nosuch", orchestrator.LogsSpec{Out: &out}); err == nil {
		t.Error("logs of a missing container succeeded")
	}
}

func TestShipBetweenFakes(t *testing.T) {
	ctx := context.Background()
	local, remote := enginetest.New(), enginetest.New()
	local.AddImage("demo/web", "sha256:w2")
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: remote}, Project: "demo"}
	if err := o.Ship(ctx, local, []string{"demo/web"}); err != nil {
		t.Fatal(err)
	}
	if remote.Image("demo/web") != "sha256:w2" || !slices.Contains(remote.Calls(), "load demo/web") {
		t.Errorf("remote has %q after ship, calls %v", remote.Image("demo/web"), remote.Calls())
	}
}

// TestConcurrentUse is meant for -race: the orchestrator starts and cleans
// in parallel.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	f := enginetest.New()
	f.StartDelay = 5 * time.Millisecond // so that starts overlap
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		f.AddContainer(orchestrator.Observed{Name: "demo-" + n, State: "exited", Labels: map[string]string{orchestrator.LabelProject: "demo"}})
	}
	targets, _ := f.Containers(ctx, "demo")
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: f}, Project: "demo", Parallel: 3}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); f.Calls(); f.Writes() }()
	go func() {
		defer wg.Done()
		if err := o.Apply(ctx, o.PlanStart(targets)); err != nil {
			t.Error(err)
		}
	}()
	wg.Wait()
	if n := f.MaxInflight(); n < 2 || n > 3 {
		t.Errorf("%d starts at once with parallel=3", n)
	}
	if got := len(f.StartOrder()); got != 6 {
		t.Errorf("started %d of 6", got)
	}
	targets, _ = f.Containers(ctx, "demo")
	plan, err := o.PlanClean(ctx, targets, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.Containers(ctx, "demo"); len(left) != 0 {
		t.Errorf("left after clean: %v", left)
	}
	if !slices.Contains(f.Calls(), "rmnetwork demo") {
		t.Error("clean did not remove the network once the last container was gone")
	}
}

// A slow Start is seen finishing after the calls made while it ran, and
// before those made once it returned.
func TestStartDelayAndTimes(t *testing.T) {
	ctx := context.Background()
	f := enginetest.New()
	f.AddContainer(orchestrator.Observed{Name: "slow"})
	f.AddContainer(orchestrator.Observed{Name: "quick"})
	f.SetStartDelay("slow", 50*time.Millisecond)
	if n, at := f.StartedAt("slow"); n != -1 || !at.IsZero() {
		t.Errorf("StartedAt before any start: %d %v", n, at)
	}
	begun := time.Now()
	done := make(chan error)
	go func() { done <- f.Start(ctx, "slow") }()
	for i, _ := f.When("start slow"); i < 0; i, _ = f.When("start slow") {
		time.Sleep(time.Millisecond)
	}
	if err := f.Start(ctx, "quick"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := f.Inspect(ctx, "slow"); err != nil {
		t.Fatal(err)
	}
	n, at := f.StartedAt("slow")
	quick, _ := f.When("start quick")
	inspect, inspectAt := f.When("inspect slow")
	if quick >= n || inspect < n {
		t.Errorf("calls %v: slow finished after %d calls, want after start quick (%d) and before inspect slow (%d)", f.Calls(), n, quick, inspect)
	}
	if at.Sub(begun) < 50*time.Millisecond || inspectAt.Before(at) {
		t.Errorf("slow started %v after it was asked, inspected at %v, finished at %v", at.Sub(begun), inspectAt, at)
	}
	if n, _ := f.StartedAt("quick"); n < 0 {
		t.Error("quick's start is not recorded")
	}
	f.ResetCalls()
	if n, _ := f.StartedAt("slow"); n != -1 {
		t.Error("ResetCalls kept when slow started")
	}
}

func TestSetHealthAndPorts(t *testing.T) {
	ctx := context.Background()
	f := enginetest.New()
	f.HealthOnStart = "starting"
	f.AddContainer(orchestrator.Observed{Name: "db"})
	if err := f.Start(ctx, "db"); err != nil {
		t.Fatal(err)
	}
	if ob, _ := f.Inspect(ctx, "db"); ob.Health != "starting" {
		t.Errorf("health after start %q, want starting", ob.Health)
	}
	f.SetHealth("db", "unhealthy", "no response")
	ports := []orchestrator.PortBinding{{Container: 5432, Host: 5432, Protocol: "tcp"}}
	f.SetPorts("db", ports)
	ports[0].Host = 1
	ob, _ := f.Inspect(ctx, "db")
	if ob.Health != "unhealthy" || ob.HealthLog != "no response" {
		t.Errorf("health %q %q, want unhealthy and its output", ob.Health, ob.HealthLog)
	}
	if len(ob.Ports) != 1 || ob.Ports[0].Host != 5432 {
		t.Errorf("ports %v, want 5432 as set", ob.Ports)
	}
}
