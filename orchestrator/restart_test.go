package orchestrator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// withRestart is inst with a run conf restart ("" = not given).
func withRestart(container, instance string, r project.RestartPolicy) project.Instance {
	in := inst(container, instance)
	in.Restart = r
	return in
}

// TestRestartPolicyPerTarget: an instance's container gets the run conf's
// policy, else unless-stopped on a host and no on the local engine; an
// interactive one never restarts (the engine refuses a policy on a
// container removed on exit).
func TestRestartPolicyPerTarget(t *testing.T) {
	shell := inst("worker", "shell")
	shell.Interactive = true
	run := []project.Instance{
		withRestart("db", "one", ""),
		withRestart("web", "one", project.RestartAlways),
		withRestart("worker", "one", "on-failure:3"),
		withRestart("cache", "one", project.RestartNo),
		shell,
	}
	for _, tc := range []struct {
		host string
		want map[string]orchestrator.Restart
	}{
		{"", map[string]orchestrator.Restart{
			"demo-db-one": {Policy: "no"}, "demo-web-one": {Policy: "always"},
			"demo-worker-one": {Policy: "on-failure", MaxRetries: 3}, "demo-cache-one": {Policy: "no"},
			"demo-worker-shell": {Policy: "no"},
		}},
		{"web1", map[string]orchestrator.Restart{
			"demo-db-one": {Policy: "unless-stopped"}, "demo-web-one": {Policy: "always"},
			"demo-worker-one": {Policy: "on-failure", MaxRetries: 3}, "demo-cache-one": {Policy: "no"},
			"demo-worker-shell": {Policy: "no"},
		}},
	} {
		f := enginetest.New()
		o := newOrch(f)
		o.Host = tc.host
		apply(t, o, run, orchestrator.PlanOptions{})
		for name, want := range tc.want {
			spec, ok := f.Spec(name)
			switch {
			case !ok:
				t.Errorf("%s: %s was not created", o.Describe(), name)
			case spec.Restart != want:
				t.Errorf("%s: %s has restart %+v, want %+v", o.Describe(), name, spec.Restart, want)
			}
		}
	}
}

// TestRestartChangeRecreates: a changed policy is a change the plan sees
// and names; the local default (no) is what containers made before restart
// policies have, so they are left alone.
func TestRestartChangeRecreates(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	o.Host = "web1"
	apply(t, o, []project.Instance{withRestart("db", "one", "")}, orchestrator.PlanOptions{})
	same, err := o.Plan(context.Background(), []project.Instance{withRestart("db", "one", project.RestartUnlessStopped)}, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := same.String(); !strings.Contains(got, "leave    demo-db-one") {
		t.Errorf("unless-stopped given where it is the default: plan\n%s\nwant leave", got)
	}
	changed, err := o.Plan(context.Background(), []project.Instance{withRestart("db", "one", project.RestartAlways)}, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := changed.String(); !strings.Contains(got, "recreate demo-db-one") || !strings.Contains(got, "(restart changed)") {
		t.Errorf("restart unless-stopped -> always: plan\n%s\nwant recreate (restart changed)", got)
	}

	local := enginetest.New()
	lo := newOrch(local)
	old := inst("db", "one")
	apply(t, lo, []project.Instance{old}, orchestrator.PlanOptions{})
	// A container from before restart policies: no restart field, no label.
	id := "demo-db-one"
	ob, _ := local.Container(id)
	spec, _ := local.Spec(id)
	if _, has := ob.Labels[orchestrator.LabelSpecFields]; !has || strings.Contains(ob.Labels[orchestrator.LabelSpecFields], `"restart"`) {
		t.Errorf("a local container with the default policy has spec fields %s, want no restart field", ob.Labels[orchestrator.LabelSpecFields])
	}
	if spec.Restart.Policy != "no" {
		t.Errorf("local default restart %+v, want no", spec.Restart)
	}
	again, err := lo.Plan(context.Background(), []project.Instance{withRestart("db", "one", project.RestartNo)}, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := again.String(); !strings.Contains(got, "leave    demo-db-one") {
		t.Errorf("restart no given on the local engine: plan\n%s\nwant leave", got)
	}
}

// TestStopNotes: stopping an "always" instance says it will not stay
// stopped.
func TestStopNotes(t *testing.T) {
	o := newOrch(enginetest.New())
	plan := o.PlanStop([]orchestrator.Observed{
		{ID: "a", Name: "demo-web-one", State: "running", Labels: map[string]string{orchestrator.LabelRestart: "always"}},
		{ID: "b", Name: "demo-db-one", State: "running", Labels: map[string]string{orchestrator.LabelRestart: "unless-stopped"}},
	})
	want := []struct {
		action orchestrator.Action
		reason string
	}{
		{orchestrator.Stop, "restart=always: the engine starts it again when the engine restarts"},
		{orchestrator.Stop, ""},
	}
	for i, s := range plan.Steps {
		if s.Action != want[i].action || !strings.Contains(s.Reason, want[i].reason) || (want[i].reason == "" && s.Reason != "") {
			t.Errorf("step %d: %s %s (%s), want %s (%s)", i, s.Action, s.Name, s.Reason, want[i].action, want[i].reason)
		}
	}
}

// TestServiceRestartCondition: on the swarm, no is none, on-failure keeps
// its count, and unless-stopped (the default) and always are any; only a
// change of condition updates a service.
func TestServiceRestartCondition(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	run := []project.Instance{
		withRestart("db", "one", ""),
		withRestart("web", "one", project.RestartAlways),
		withRestart("worker", "one", "on-failure:2"),
		withRestart("cache", "one", project.RestartNo),
	}
	d.deploy(t, run, orchestrator.ServicePlanOptions{})
	for name, want := range map[string][2]any{
		"demo-db-one": {"any", 0}, "demo-web-one": {"any", 0}, "demo-worker-one": {"on-failure", 2}, "demo-cache-one": {"none", 0},
	} {
		spec, ok := d.sw.Spec(name)
		if !ok {
			t.Errorf("no service %s", name)
			continue
		}
		if got := [2]any{spec.Restart, spec.MaxAttempts}; got != want {
			t.Errorf("service %s restarts %v, want %v", name, got, want)
		}
	}
	run[0].Restart = project.RestartAlways // any still
	run[3].Restart = project.RestartUnlessStopped
	plan := mustPlan(t, d, run)
	for _, s := range plan.Steps {
		switch s.Name {
		case "demo-db-one":
			if s.Action != orchestrator.Leave {
				t.Errorf("db-one unless-stopped -> always (both any on a swarm): %s (%s), want leave", s.Action, s.Reason)
			}
		case "demo-cache-one":
			if s.Action == orchestrator.Leave || !strings.Contains(s.Reason, "restart") {
				t.Errorf("cache-one no -> unless-stopped: %s (%s), want an update naming restart", s.Action, s.Reason)
			}
		}
	}
}
