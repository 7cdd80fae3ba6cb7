package orchestrator_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

// staticFolder is a project folder with static/index.html in it.
func staticFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "static", "index.html"), []byte("<h1>hi</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// On a swarm, an instance with a project-relative volume is pinned, even
// where every node runs its group; the folder is copied to that node's data
// root before its service is created, and the service binds the copy. An
// absolute volume is bound as it is.
func TestServiceVolumeCopiedToItsNode(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	dir := staticFolder(t)
	run := swarmRun()
	run[0].Volumes = []project.Volume{
		{Source: filepath.Join(dir, "static"), Target: "/srv/static", Relative: "static", ReadOnly: true},
		{Source: "/srv/shared", Target: "/shared"},
	}
	plan := mustPlan(t, d, run)
	golden(t, "swarm-volume", plan.String())
	var create *orchestrator.Step
	for i, s := range plan.Steps {
		if s.Name == "demo-web-master" {
			create = &plan.Steps[i]
		}
	}
	if create == nil || !slices.Contains(create.Deps, "volume:static on node2") {
		t.Fatalf("web's service is not created after its volume is copied:\n%s", plan)
	}
	if err := d.o.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if got := d.nodes[1].Copied("/dockerops-root/volumes/static/index.html"); got != "<h1>hi</h1>" {
		t.Errorf("static/index.html on node2 = %q, want the project's file; node2 calls %v", got, d.nodes[1].Calls())
	}
	if slices.ContainsFunc(d.nodes[0].Calls(), func(c string) bool { return strings.HasPrefix(c, "copy ") }) {
		t.Errorf("the volume was copied to node1 too, which does not run web: %v", d.nodes[0].Calls())
	}
	web, _ := d.sw.Spec("demo-web-master")
	want := []string{"/var/lib/dockerops/demo/volumes/static:/srv/static:ro", "/srv/shared:/shared"}
	if !slices.Equal(web.Binds, want) {
		t.Errorf("web binds %v, want %v", web.Binds, want)
	}
	if !slices.Equal(web.Constraints, []string{"node.labels.dockerops.host==node2"}) {
		t.Errorf("web constraints %v: it is not pinned to the node that has its volume", web.Constraints)
	}

	// A second run leaves the service alone and still copies what changed.
	d.sw.ResetCalls()
	plan = mustPlan(t, d, run)
	if err := d.o.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if w := d.sw.Writes(); len(w) > 0 {
		t.Errorf("a second run wrote %v to the swarm", w)
	}
	if !slices.ContainsFunc(plan.Steps, func(s orchestrator.Step) bool { return s.Name == "volume:static on node2" }) {
		t.Errorf("a second run does not copy the volume again:\n%s", plan)
	}
}

// A volume outside the project folder is refused by name, before anything
// is written.
func TestServiceVolumeOutsideProjectRefused(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	dir := staticFolder(t)
	run := swarmRun()
	run[0].Volumes = []project.Volume{{Source: filepath.Join(filepath.Dir(dir), "outside"), Target: "/srv/static", Relative: "../outside"}}
	_, err := d.o.PlanServices(context.Background(), run, orchestrator.ServicePlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "demo-web-master: volume ../outside:/srv/static is not a folder inside the project") {
		t.Fatalf("err = %v, want the volume outside the project refused by name", err)
	}
	if w := d.sw.Writes(); len(w) > 0 {
		t.Errorf("a refused plan wrote %v", w)
	}
}
