package orchestrator_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// swarmDemo is a two-node swarm (node1 runs every group, node2 too) with
// the demo images on both nodes.
type swarmDemo struct {
	sw    *enginetest.Swarm
	nodes []*enginetest.Fake
	o     *orchestrator.Orchestrator
}

func newSwarmDemo(t *testing.T, placement orchestrator.Placement) *swarmDemo {
	t.Helper()
	d := &swarmDemo{sw: enginetest.NewSwarm()}
	var targets []orchestrator.Target
	for _, host := range []string{"node1", "node2"} {
		f := enginetest.New()
		for _, c := range []string{"db", "web", "worker", "cache"} {
			f.AddImage("demo/"+c, "sha256:"+c+"1")
		}
		d.sw.AddNode(host, f)
		d.nodes = append(d.nodes, f)
		targets = append(targets, orchestrator.Target{Host: host, Engine: f,
			Files: orchestrator.HostFiles{Engine: f, Dir: "/var/lib/dockerops/demo", Project: "demo"}})
	}
	d.o = &orchestrator.Orchestrator{Target: targets[0], Project: "demo", AuthorizedKeys: "ssh-ed25519 AAAA test",
		Swarm: &orchestrator.Swarm{Manager: d.sw, Nodes: targets, Placement: placement}}
	return d
}

// swarmRun is the demo with db persistent and worker in group batch.
func swarmRun() []project.Instance {
	run := demoRun()
	run[1].PersistentDir = ptr("/laptop/data/db_one")
	run[1].PersistentData = true
	run[3].Group = "batch"
	return run
}

func (d *swarmDemo) deploy(t *testing.T, run []project.Instance, opts orchestrator.ServicePlanOptions) orchestrator.Plan {
	t.Helper()
	plan, err := d.o.PlanServices(context.Background(), run, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.o.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestServicePlanGolden(t *testing.T) {
	batchOnNode2 := orchestrator.Placement{Hosts: []orchestrator.PlacedHost{{Name: "node1", Groups: []string{""}}, {Name: "node2"}}}
	cases := []struct {
		name      string
		placement orchestrator.Placement
		change    func(d *swarmDemo, run []project.Instance) []project.Instance
	}{
		{"swarm-first-deploy", batchOnNode2, nil},
		{"swarm-nothing-changed", batchOnNode2, func(_ *swarmDemo, run []project.Instance) []project.Instance { return run }},
		{"swarm-env-changed", batchOnNode2, func(_ *swarmDemo, run []project.Instance) []project.Instance {
			run[1].Env["GREETING"] = "bonjour"
			return run
		}},
		{"swarm-pinned-stays-pinned", orchestrator.Placement{}, func(d *swarmDemo, run []project.Instance) []project.Instance {
			// With the nodes listed the other way round, a fresh choice
			// would put db-one on node2; it stays where its data is, and a
			// second persistent instance goes to the less loaded node.
			slices.Reverse(d.o.Swarm.Nodes)
			two := inst("db", "two")
			two.PersistentDir = ptr("/laptop/data/db_two")
			return append(run, two)
		}},
		{"swarm-image-rebuilt", batchOnNode2, func(d *swarmDemo, run []project.Instance) []project.Instance {
			for _, n := range d.nodes {
				n.AddImage("demo/web", "sha256:web2")
			}
			return run
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := newSwarmDemo(t, tc.placement)
			run := swarmRun()
			if tc.change != nil {
				d.deploy(t, run, orchestrator.ServicePlanOptions{})
				run = tc.change(d, swarmRun())
			}
			plan, err := d.o.PlanServices(context.Background(), run, orchestrator.ServicePlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, plan.String())
		})
	}
}

func TestServicePlanLinkNameConflict(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	run := append(swarmRun(), inst("api", "one", "DB=cache/one"))
	_, err := d.o.PlanServices(context.Background(), run, orchestrator.ServicePlanOptions{})
	if err == nil {
		t.Fatal("two targets under link name DB: no error")
	}
	golden(t, "swarm-link-name-conflict", err.Error()+"\n")
	if w := d.sw.Writes(); len(w) > 0 {
		t.Errorf("a refused plan wrote %v", w)
	}
}

func TestServiceDeploy(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{Hosts: []orchestrator.PlacedHost{{Name: "node1", Groups: []string{""}}, {Name: "node2"}}})
	d.deploy(t, swarmRun(), orchestrator.ServicePlanOptions{})

	web, _ := d.sw.Spec("demo-web-master")
	if env := strings.Join(web.Env, " "); !strings.Contains(env, "DOCKEROPS_LINKS=DB=db,CACHE=cache") || strings.Contains(env, "_CONTAINER_IP") {
		t.Errorf("web env %q: want DOCKEROPS_LINKS and no link IP", env)
	}
	if len(web.Constraints) != 0 || web.StopFirst {
		t.Errorf("web floats and starts first: constraints %v, stop first %v", web.Constraints, web.StopFirst)
	}
	db, _ := d.sw.Spec("demo-db-one")
	if !slices.Equal(db.Aliases, []string{"db-one", "db"}) {
		t.Errorf("db aliases %v, want its hostname and the link name web uses", db.Aliases)
	}
	if !slices.Equal(db.Binds, []string{"/var/lib/dockerops/demo/db_one:/persistent"}) || !db.StopFirst {
		t.Errorf("db binds %v (want the node's data dir), stop first %v", db.Binds, db.StopFirst)
	}
	if db.Labels[orchestrator.LabelNode] != "node1" || !slices.Equal(db.Constraints, []string{"node.labels.dockerops.host==node1"}) {
		t.Errorf("db pin: label %q, constraints %v", db.Labels[orchestrator.LabelNode], db.Constraints)
	}
	worker, _ := d.sw.Spec("demo-worker-one")
	if worker.Labels[orchestrator.LabelNode] != "node2" {
		t.Errorf("worker of group batch, which only node2 runs: pinned to %q", worker.Labels[orchestrator.LabelNode])
	}
	// The data dir was made on db's node before its service.
	if !slices.ContainsFunc(d.nodes[0].Calls(), func(c string) bool { return strings.Contains(c, "mkdir") }) {
		t.Errorf("no mkdir on node1: %v", d.nodes[0].Calls())
	}
	// Task containers carry the project labels on their node, and the
	// single-engine planner leaves them alone.
	local := &orchestrator.Orchestrator{Target: orchestrator.Target{Host: "node1", Engine: d.nodes[0]}, Project: "demo"}
	plan, err := local.Plan(context.Background(), nil, orchestrator.PlanOptions{RemoveOrphans: true})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Changes() != 0 {
		t.Errorf("the local planner on a node would touch swarm tasks:\n%s", plan)
	}
	obs, _ := d.nodes[0].Containers(context.Background(), "demo")
	if len(obs) == 0 {
		t.Error("no task container with the project label on node1")
	}

	d.sw.ResetCalls()
	if plan := d.deploy(t, swarmRun(), orchestrator.ServicePlanOptions{}); plan.Changes() != 0 {
		t.Errorf("second deploy changes %d steps", plan.Changes())
	}
	if w := d.sw.Writes(); len(w) > 0 {
		t.Errorf("second deploy wrote %v", w)
	}
}

func TestServiceUpdateRolledBack(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	d.deploy(t, swarmRun(), orchestrator.ServicePlanOptions{})
	d.sw.Unhealthy = func(s orchestrator.ServiceSpec) bool { return slices.Contains(s.Env, "GREETING=broken") }
	run := swarmRun()
	run[0].Env["GREETING"] = "broken"
	plan, err := d.o.PlanServices(context.Background(), run, orchestrator.ServicePlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = d.o.Apply(context.Background(), plan)
	if err == nil || !strings.Contains(err.Error(), "rolled it back") {
		t.Fatalf("an update whose task fails: err = %v, want it rolled back", err)
	}
	if web, _ := d.sw.Spec("demo-web-master"); !slices.Contains(web.Env, "GREETING=hello") {
		t.Errorf("after the rollback web runs env %v", web.Env)
	}
}

func TestServiceRollbackTask(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	d.deploy(t, swarmRun(), orchestrator.ServicePlanOptions{})
	run := swarmRun()
	run[1].Env["GREETING"] = "bonjour"
	d.deploy(t, run, orchestrator.ServicePlanOptions{})
	services, err := d.sw.Services(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	plan := d.o.PlanRollback(services)
	golden(t, "swarm-rollback", plan.String())
	if err := d.o.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if db, _ := d.sw.Spec("demo-db-one"); !slices.Contains(db.Env, "GREETING=hello") {
		t.Errorf("after rollback db env %v", db.Env)
	}
}

func TestServiceCreateWithoutImageFails(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	d.nodes[0].AddImage("demo/db", "")
	d.o.WaitTimeout = time.Second // a task that will never start fails at once, not after the wait
	err := d.o.Apply(context.Background(), mustPlan(t, d, swarmRun()))
	if err == nil || !strings.Contains(err.Error(), "cannot start: No such image") {
		t.Fatalf("db's node lacks its image: err = %v, want it said at once", err)
	}
}

func mustPlan(t *testing.T, d *swarmDemo, run []project.Instance) orchestrator.Plan {
	t.Helper()
	plan, err := d.o.PlanServices(context.Background(), run, orchestrator.ServicePlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestServiceCleanKeepsData(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	d.deploy(t, swarmRun(), orchestrator.ServicePlanOptions{})
	services, _ := d.sw.Services(context.Background(), "demo")
	plan, err := d.o.PlanServiceClean(context.Background(), services, false)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "swarm-clean", plan.String())
	if err := d.o.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if left, _ := d.sw.Services(context.Background(), "demo"); len(left) > 0 || d.sw.HasNetwork("demo") {
		t.Errorf("after clean: services %v, network %v", left, d.sw.HasNetwork("demo"))
	}
	if slices.ContainsFunc(d.nodes[0].Calls(), func(c string) bool { return strings.Contains(c, "rm -rf") }) {
		t.Error("clean without purge deleted data")
	}
}
