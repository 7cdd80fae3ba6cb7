package orchestrator

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/project"
)

var update = flag.Bool("update", false, "rewrite golden files")

func ptr[T any](v T) *T { return &v }

// inst makes a resolved instance of project "demo"; links are "NAME=container/instance"
// (instance "*" = any running instance).
func inst(container, instance string, links ...string) project.Instance {
	in := project.Instance{
		Name: "demo-" + container + "-" + instance, Container: container, Instance: instance,
		Image: "demo/" + container, InstanceType: project.Standard, Hostname: container + "-" + instance,
		Linked: true, Env: map[string]string{"CONTAINER": container, "INSTANCE": instance, "GREETING": "hello"},
	}
	for _, l := range links {
		name, target, _ := strings.Cut(l, "=")
		c, i, _ := strings.Cut(target, "/")
		link := project.Link{Name: name, TargetContainer: c, TargetInstance: i}
		if i != "*" {
			link.Target = ptr("demo-" + c + "-" + i)
		}
		in.Links = append(in.Links, link)
		in.Env[name+"_CONTAINER_IP"] = ""
	}
	return in
}

func newOrch(f *fakeEngine) *Orchestrator {
	for _, c := range []string{"db", "web", "worker", "cache"} {
		if f.images["demo/"+c] == "" {
			f.images["demo/"+c] = "sha256:" + c + "1"
		}
	}
	return &Orchestrator{Target: Target{Engine: f}, Project: "demo", AuthorizedKeys: "ssh-ed25519 AAAA test"}
}

func demoRun() []project.Instance {
	return []project.Instance{
		inst("web", "master", "DB=db/one", "CACHE=cache/*"),
		inst("db", "one"),
		inst("cache", "one"),
		inst("worker", "one", "DB=db/one"),
	}
}

func apply(t *testing.T, o *Orchestrator, run []project.Instance, opts PlanOptions) Plan {
	t.Helper()
	ctx := context.Background()
	plan, err := o.Plan(ctx, run, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	return plan
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "plans", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("plan %s:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func TestPlanGolden(t *testing.T) {
	cases := []struct {
		name   string
		change func(f *fakeEngine, run []project.Instance) []project.Instance
		opts   PlanOptions
	}{
		{"first-run", nil, PlanOptions{}},
		{"nothing-changed", func(_ *fakeEngine, run []project.Instance) []project.Instance { return run }, PlanOptions{}},
		{"env-changed", func(_ *fakeEngine, run []project.Instance) []project.Instance {
			run[3].Env["GREETING"] = "bonjour"
			return run
		}, PlanOptions{}},
		{"image-rebuilt", func(f *fakeEngine, run []project.Instance) []project.Instance {
			f.images["demo/worker"] = "sha256:worker2"
			return run
		}, PlanOptions{}},
		{"link-target-recreated", func(_ *fakeEngine, run []project.Instance) []project.Instance {
			run[1].Env["POSTGRES_PASSWORD"] = "changed"
			return run
		}, PlanOptions{}},
		{"instance-removed-from-conf", func(_ *fakeEngine, run []project.Instance) []project.Instance {
			return run[:3]
		}, PlanOptions{RemoveOrphans: true, Known: map[string]bool{"demo-web-master": true, "demo-db-one": true, "demo-cache-one": true}}},
		{"instance-stopped", func(f *fakeEngine, run []project.Instance) []project.Instance {
			f.containers["demo-worker-one"].State = "exited"
			return run
		}, PlanOptions{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			o := newOrch(f)
			run := demoRun()
			if tc.change != nil {
				apply(t, o, run, PlanOptions{})
				run = tc.change(f, demoRun())
			}
			plan, err := o.Plan(context.Background(), run, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, plan.String())
		})
	}
}

func TestNoOpRunWritesNothing(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	apply(t, o, demoRun(), PlanOptions{})
	f.calls = nil
	plan := apply(t, o, demoRun(), PlanOptions{})
	if plan.Changes() != 0 {
		t.Errorf("second run planned %d changes:\n%s", plan.Changes(), plan)
	}
	if w := f.writes(); len(w) != 0 {
		t.Errorf("no-op run wrote to the engine: %v", w)
	}
	lists := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, "containers") {
			lists++
		}
		if strings.HasPrefix(c, "inspect") {
			t.Errorf("no-op run inspected a container (%s); one list call must do", c)
		}
	}
	if lists != 1 {
		t.Errorf("no-op run listed containers %d times, want 1", lists)
	}
}

func TestOnlyChangedInstanceIsRecreated(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	apply(t, o, demoRun(), PlanOptions{})
	f.calls = nil
	run := demoRun()
	run[0].Env["GREETING"] = "hi" // web-master: nothing links to it
	apply(t, o, run, PlanOptions{})
	var created []string
	for _, w := range f.writes() {
		if strings.HasPrefix(w, "create ") {
			created = append(created, strings.TrimPrefix(w, "create "))
		}
	}
	if len(created) != 1 || created[0] != "demo-web-master" {
		t.Errorf("recreated %v, want only demo-web-master", created)
	}
}

func TestLinkEnvHoldsTargetIP(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	apply(t, o, demoRun(), PlanOptions{})
	db := f.containers["demo-db-one"]
	web := f.specs["demo-web-master"]
	if !containsString(web.Env, "DB_CONTAINER_IP="+db.IP) {
		t.Errorf("web env %v lacks DB_CONTAINER_IP=%s", web.Env, db.IP)
	}
	if !containsString(web.Links, "demo-db-one:db") || !containsString(web.Links, "demo-cache-one:cache") {
		t.Errorf("web links = %v, want db and cache aliases", web.Links)
	}
}

func TestLinkToAbsentInstanceNeedsAnAddress(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	web := inst("web", "master", "DB=db/one")
	_, err := o.Plan(context.Background(), []project.Instance{web}, PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "DB_CONTAINER_IP") {
		t.Fatalf("err = %v, want an error naming DB_CONTAINER_IP", err)
	}
	web.Env["DB_CONTAINER_IP"] = "192.0.2.10" // another host's address, from host.conf
	apply(t, o, []project.Instance{web}, PlanOptions{})
	if !containsString(f.specs["demo-web-master"].Env, "DB_CONTAINER_IP=192.0.2.10") {
		t.Errorf("env = %v, want the given address", f.specs["demo-web-master"].Env)
	}
}

func TestMissingImageIsNamed(t *testing.T) {
	f := newFake()
	o := &Orchestrator{Target: Target{Engine: f}, Project: "demo"}
	_, err := o.Plan(context.Background(), []project.Instance{inst("db", "one")}, PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "build:db") {
		t.Fatalf("err = %v, want a hint to build db", err)
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Two instances publishing one host port on a target are refused before any
// engine write, naming both and the port.
func TestPlanRefusesTwoInstancesOnOneHostPort(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	web, api := inst("web", "master"), inst("worker", "one")
	web.Ports = []project.Port{{Container: 80, Host: 8080, Protocol: "tcp"}}
	api.Ports = []project.Port{{Container: 8080, Host: 8080, Protocol: "tcp"}}
	_, err := o.Plan(context.Background(), []project.Instance{web, api}, PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "demo-web-master and demo-worker-one") || !strings.Contains(err.Error(), "8080/tcp") {
		t.Fatalf("err = %v, want both instances and 8080/tcp named", err)
	}
	if w := f.writes(); len(w) != 0 {
		t.Errorf("a refused plan wrote to the engine: %v", w)
	}
	// The same port over udp is another port.
	api.Ports[0].Protocol = "udp"
	if _, err := o.Plan(context.Background(), []project.Instance{web, api}, PlanOptions{}); err != nil {
		t.Errorf("tcp and udp on 8080 refused: %v", err)
	}
	// A running container of the project that stays holds its port too.
	apply(t, o, []project.Instance{web}, PlanOptions{})
	f.mu.Lock()
	f.containers["demo-web-master"].Ports = []PortBinding{{Container: 80, Host: 8080, Protocol: "tcp"}}
	f.mu.Unlock()
	api.Ports[0].Protocol = "tcp"
	if _, err := o.Plan(context.Background(), []project.Instance{api}, PlanOptions{}); err == nil || !strings.Contains(err.Error(), "demo-web-master") {
		t.Errorf("err = %v, want the running demo-web-master named", err)
	}
}

// On a remote target a project-relative volume is copied before the
// instances that mount it start, and bound from its copy; one outside the
// project is refused by name.
func TestRemotePlanCopiesProjectVolumes(t *testing.T) {
	f := newFake()
	o := newOrch(f)
	o.Host, o.Files = "web1", HostFiles{Engine: f, Dir: "/var/lib/dockerops/demo", Project: "demo"}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	web := inst("web", "master")
	web.Volumes = []project.Volume{{Source: filepath.Join(dir, "static"), Target: "/srv/static", Relative: "static"}}
	plan, err := o.Plan(context.Background(), []project.Instance{web}, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var sync, create *Step
	for i, s := range plan.Steps {
		switch s.Action {
		case Sync:
			sync = &plan.Steps[i]
		case Create:
			create = &plan.Steps[i]
		}
	}
	if sync == nil || sync.dst != "/var/lib/dockerops/demo/volumes/static" || create == nil || !slices.Contains(create.Deps, sync.Name) {
		t.Fatalf("plan does not copy static to the host before web starts:\n%s", plan)
	}
	spec := o.containerSpec(web, "sha256:web1", nil, nil)
	if !slices.Contains(spec.Binds, "/var/lib/dockerops/demo/volumes/static:/srv/static") {
		t.Errorf("binds %v: the volume is not bound from its copy on the host", spec.Binds)
	}
	web.Volumes[0].Relative, web.Volumes[0].Source = "../outside", filepath.Join(filepath.Dir(dir), "outside")
	if _, err := o.Plan(context.Background(), []project.Instance{web}, PlanOptions{}); err == nil || !strings.Contains(err.Error(), "../outside:/srv/static") {
		t.Errorf("err = %v, want the volume outside the project refused by name", err)
	}
}
