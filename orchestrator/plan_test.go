package orchestrator_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
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

func newOrch(f *enginetest.Fake) *orchestrator.Orchestrator {
	for _, c := range []string{"db", "web", "worker", "cache"} {
		if f.Image("demo/"+c) == "" {
			f.AddImage("demo/"+c, "sha256:"+c+"1")
		}
	}
	return &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: f}, Project: "demo", AuthorizedKeys: "ssh-ed25519 AAAA test"}
}

func demoRun() []project.Instance {
	return []project.Instance{
		inst("web", "master", "DB=db/one", "CACHE=cache/*"),
		inst("db", "one"),
		inst("cache", "one"),
		inst("worker", "one", "DB=db/one"),
	}
}

func apply(t *testing.T, o *orchestrator.Orchestrator, run []project.Instance, opts orchestrator.PlanOptions) orchestrator.Plan {
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
		change func(f *enginetest.Fake, run []project.Instance) []project.Instance
		opts   orchestrator.PlanOptions
	}{
		{"first-run", nil, orchestrator.PlanOptions{}},
		{"nothing-changed", func(_ *enginetest.Fake, run []project.Instance) []project.Instance { return run }, orchestrator.PlanOptions{}},
		{"env-changed", func(_ *enginetest.Fake, run []project.Instance) []project.Instance {
			run[3].Env["GREETING"] = "bonjour"
			return run
		}, orchestrator.PlanOptions{}},
		{"image-rebuilt", func(f *enginetest.Fake, run []project.Instance) []project.Instance {
			f.AddImage("demo/worker", "sha256:worker2")
			return run
		}, orchestrator.PlanOptions{}},
		{"link-target-recreated", func(_ *enginetest.Fake, run []project.Instance) []project.Instance {
			run[1].Env["POSTGRES_PASSWORD"] = "changed"
			return run
		}, orchestrator.PlanOptions{}},
		{"instance-removed-from-conf", func(_ *enginetest.Fake, run []project.Instance) []project.Instance {
			return run[:3]
		}, orchestrator.PlanOptions{RemoveOrphans: true, Known: map[string]bool{"demo-web-master": true, "demo-db-one": true, "demo-cache-one": true}}},
		{"instance-stopped", func(f *enginetest.Fake, run []project.Instance) []project.Instance {
			f.SetState("demo-worker-one", "exited")
			return run
		}, orchestrator.PlanOptions{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := enginetest.New()
			o := newOrch(f)
			run := demoRun()
			if tc.change != nil {
				apply(t, o, run, orchestrator.PlanOptions{})
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
	f := enginetest.New()
	o := newOrch(f)
	apply(t, o, demoRun(), orchestrator.PlanOptions{})
	f.ResetCalls()
	plan := apply(t, o, demoRun(), orchestrator.PlanOptions{})
	if plan.Changes() != 0 {
		t.Errorf("second run planned %d changes:\n%s", plan.Changes(), plan)
	}
	if w := writes(f); len(w) != 0 {
		t.Errorf("no-op run wrote to the engine: %v", w)
	}
	lists := 0
	for _, c := range f.Calls() {
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
	f := enginetest.New()
	o := newOrch(f)
	apply(t, o, demoRun(), orchestrator.PlanOptions{})
	f.ResetCalls()
	run := demoRun()
	run[0].Env["GREETING"] = "hi" // web-master: nothing links to it
	apply(t, o, run, orchestrator.PlanOptions{})
	var created []string
	for _, w := range f.Writes() {
		if strings.HasPrefix(w, "create ") {
			created = append(created, strings.TrimPrefix(w, "create "))
		}
	}
	if len(created) != 1 || created[0] != "demo-web-master" {
		t.Errorf("recreated %v, want only demo-web-master", created)
	}
}

func TestLinkEnvHoldsTargetIP(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	apply(t, o, demoRun(), orchestrator.PlanOptions{})
	db, _ := f.Container("demo-db-one")
	web, _ := f.Spec("demo-web-master")
	if !containsString(web.Env, "DB_CONTAINER_IP="+db.IP) {
		t.Errorf("web env %v lacks DB_CONTAINER_IP=%s", web.Env, db.IP)
	}
	if !containsString(web.Links, "demo-db-one:db") || !containsString(web.Links, "demo-cache-one:cache") {
		t.Errorf("web links = %v, want db and cache aliases", web.Links)
	}
}

func TestLinkToAbsentInstanceNeedsAnAddress(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	web := inst("web", "master", "DB=db/one")
	_, err := o.Plan(context.Background(), []project.Instance{web}, orchestrator.PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "DB_CONTAINER_IP") {
		t.Fatalf("err = %v, want an error naming DB_CONTAINER_IP", err)
	}
	web.Env["DB_CONTAINER_IP"] = "192.0.2.10" // another host's address, from host.conf
	apply(t, o, []project.Instance{web}, orchestrator.PlanOptions{})
	if spec, _ := f.Spec("demo-web-master"); !containsString(spec.Env, "DB_CONTAINER_IP=192.0.2.10") {
		t.Errorf("env = %v, want the given address", spec.Env)
	}
}

func TestMissingImageIsNamed(t *testing.T) {
	f := enginetest.New()
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: f}, Project: "demo"}
	_, err := o.Plan(context.Background(), []project.Instance{inst("db", "one")}, orchestrator.PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "build:db") {
		t.Fatalf("err = %v, want a hint to build db", err)
	}
}

// writes is every call but the reads planning makes (ping, containers,
// image, inspect). Unlike f.Writes it counts logs too: neither planning nor
// applying has a reason to read a container's logs.
func writes(f *enginetest.Fake) []string {
	var w []string
	for _, c := range f.Calls() {
		switch verb, _, _ := strings.Cut(c, " "); verb {
		case "ping", "containers", "image", "layers", "inspect":
		default:
			w = append(w, c)
		}
	}
	return w
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
	f := enginetest.New()
	o := newOrch(f)
	web, api := inst("web", "master"), inst("worker", "one")
	web.Ports = []project.Port{{Container: 80, Host: 8080, Protocol: "tcp"}}
	api.Ports = []project.Port{{Container: 8080, Host: 8080, Protocol: "tcp"}}
	_, err := o.Plan(context.Background(), []project.Instance{web, api}, orchestrator.PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "demo-web-master and demo-worker-one") || !strings.Contains(err.Error(), "8080/tcp") {
		t.Fatalf("err = %v, want both instances and 8080/tcp named", err)
	}
	if w := writes(f); len(w) != 0 {
		t.Errorf("a refused plan wrote to the engine: %v", w)
	}
	// The same port over udp is another port.
	api.Ports[0].Protocol = "udp"
	if _, err := o.Plan(context.Background(), []project.Instance{web, api}, orchestrator.PlanOptions{}); err != nil {
		t.Errorf("tcp and udp on 8080 refused: %v", err)
	}
	// A running container of the project that stays holds its port too.
	apply(t, o, []project.Instance{web}, orchestrator.PlanOptions{})
	f.SetPorts("demo-web-master", []orchestrator.PortBinding{{Container: 80, Host: 8080, Protocol: "tcp"}})
	api.Ports[0].Protocol = "tcp"
	if _, err := o.Plan(context.Background(), []project.Instance{api}, orchestrator.PlanOptions{}); err == nil || !strings.Contains(err.Error(), "demo-web-master") {
		t.Errorf("err = %v, want the running demo-web-master named", err)
	}
}

// On a remote target a project-relative volume is copied before the
// instances that mount it start, and bound from its copy; one outside the
// project is refused by name.
func TestRemotePlanCopiesProjectVolumes(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	o.Host, o.Files = "web1", orchestrator.HostFiles{Engine: f, Dir: "/var/lib/dockerops/demo", Project: "demo"}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "static", "index.html"), []byte("<h1>hi</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	web := inst("web", "master")
	web.Volumes = []project.Volume{{Source: filepath.Join(dir, "static"), Target: "/srv/static", Relative: "static"}}
	plan, err := o.Plan(context.Background(), []project.Instance{web}, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var sync, create *orchestrator.Step
	for i, s := range plan.Steps {
		switch s.Action {
		case orchestrator.Sync:
			sync = &plan.Steps[i]
		case orchestrator.Create:
			create = &plan.Steps[i]
		}
	}
	if sync == nil || sync.Reason != "to /var/lib/dockerops/demo/volumes/static" || create == nil || !slices.Contains(create.Deps, sync.Name) {
		t.Fatalf("plan does not copy static to the host before web starts:\n%s", plan)
	}
	if err := o.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	// The helper container sees the data root at /dockerops-root.
	copied, created := -1, -1
	for i, c := range f.Calls() {
		switch {
		case strings.HasPrefix(c, "copy ") && strings.HasSuffix(c, " /dockerops-root/volumes/static index.html"):
			copied = i
		case c == "create demo-web-master":
			created = i
		}
	}
	if got := f.Copied("/dockerops-root/volumes/static/index.html"); got != "<h1>hi</h1>" || copied < 0 || created < copied {
		t.Errorf("calls %v: static/index.html (%q on the host) is not copied to the data root's volumes/static before web is created", f.Calls(), got)
	}
	spec, _ := f.Spec("demo-web-master")
	if !slices.Contains(spec.Binds, "/var/lib/dockerops/demo/volumes/static:/srv/static") {
		t.Errorf("binds %v: the volume is not bound from its copy on the host", spec.Binds)
	}
	web.Volumes[0].Relative, web.Volumes[0].Source = "../outside", filepath.Join(filepath.Dir(dir), "outside")
	if _, err := o.Plan(context.Background(), []project.Instance{web}, orchestrator.PlanOptions{}); err == nil || !strings.Contains(err.Error(), "../outside:/srv/static") {
		t.Errorf("err = %v, want the volume outside the project refused by name", err)
	}
}
