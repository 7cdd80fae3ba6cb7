package orchestrator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// seedCalls are the first_start_command execs a node's engine got.
func seedCalls(f *enginetest.Fake) []string {
	var out []string
	for _, c := range f.Calls() {
		if strings.HasPrefix(c, "exec ") && strings.HasSuffix(c, "bash -lc make seed") {
			out = append(out, c)
		}
	}
	return out
}

// A new service's first_start_command runs once, in its first task's container on
// the node that runs it (not the manager's); an update does not run it
// again.
func TestServiceSeedCommandOnce(t *testing.T) {
	batchOnNode2 := orchestrator.Placement{Hosts: []orchestrator.PlacedHost{{Name: "node1", Groups: []string{""}}, {Name: "node2"}}}
	d := newSwarmDemo(t, batchOnNode2) // node1 manages
	run := swarmRun()
	run[3].FirstStart = "make seed" // worker-one, of group batch: on node2
	d.deploy(t, run, orchestrator.ServicePlanOptions{})
	got := seedCalls(d.nodes[1])
	if len(got) != 1 || !strings.HasPrefix(got[0], "exec demo-worker-one.1.task") {
		t.Fatalf("node2 seed execs %v, want one in worker-one's task container", got)
	}
	if other := seedCalls(d.nodes[0]); len(other) > 0 {
		t.Errorf("node1, which does not run worker-one, got %v", other)
	}

	run = swarmRun()
	run[3].FirstStart = "make seed"
	run[3].Env["GREETING"] = "bonjour"
	plan := d.deploy(t, run, orchestrator.ServicePlanOptions{})
	if !strings.Contains(plan.String(), "update   demo-worker-one") {
		t.Fatalf("worker-one is not updated:\n%s", plan)
	}
	if got := seedCalls(d.nodes[1]); len(got) != 1 {
		t.Errorf("after an update, seed execs %v: the update seeded again", got)
	}
}

// A first_start_command that fails fails the run, naming the instance and the
// command's output; a floating instance is seeded on the node the Swarm
// chose.
func TestServiceSeedCommandFails(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	d.nodes[0].SetExec("", enginetest.Result{Code: 2, Stderr: "no such table\n"})
	cache := inst("cache", "one")
	cache.FirstStart = "make seed"
	err := d.o.Apply(context.Background(), mustPlan(t, d, []project.Instance{cache}))
	if err == nil || !strings.Contains(err.Error(), `demo-cache-one: first_start_command "make seed" exited with 2`) || !strings.Contains(err.Error(), "no such table") {
		t.Fatalf("err = %v, want the failing first_start_command named with its output", err)
	}
}
