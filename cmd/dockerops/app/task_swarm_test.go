package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// swarmOfHosts is the fake fixture's two hosts (web1 runs group front, db1
// group back) as one swarm that db1 manages.
type swarmOfHosts struct {
	r         *fakeRun
	sw        *enginetest.Swarm
	db1, web1 *enginetest.Fake
}

func newSwarmOfHosts() *swarmOfHosts {
	db1, web1 := newFakeEngine(engineState{}), newFakeEngine(engineState{})
	sw := enginetest.NewSwarm()
	sw.Project = fakeProjectName
	sw.AddNode("web1", web1)
	sw.AddNode("db1", db1)
	return &swarmOfHosts{
		r:  &fakeRun{hosts: map[string]*enginetest.Fake{"db1": db1, "web1": web1}, swarm: sw, manager: "db1"},
		sw: sw, db1: db1, web1: web1,
	}
}

// writes are every write to the swarm and to the nodes' own engines.
func (s *swarmOfHosts) writes() []string {
	w := s.sw.Writes()
	for _, n := range []struct {
		host string
		f    *enginetest.Fake
	}{{"db1", s.db1}, {"web1", s.web1}} {
		for _, c := range n.f.Writes() {
			w = append(w, n.host+": "+c)
		}
	}
	return w
}

func (s *swarmOfHosts) resetCalls() {
	s.sw.ResetCalls()
	s.db1.ResetCalls()
	s.web1.ResetCalls()
}

// mustRun runs a command that must succeed.
func (s *swarmOfHosts) mustRun(t *testing.T, args ...string) fakeResult {
	t.Helper()
	res := s.r.run(t, args...)
	if res.code != exitOK {
		t.Fatalf("dockerops %s: exit %d\n%s", strings.Join(args, " "), res.code, res.stderr)
	}
	return res
}

func (s *swarmOfHosts) services(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, name := range []string{"demo-db-one", "demo-web-one", "demo-web-two"} {
		if _, ok := s.sw.Spec(name); ok {
			names = append(names, name)
		}
	}
	return names
}

// run:all,hosts=all makes a service per instance on the node that runs its
// group; a second run with nothing changed writes nothing.
func TestSwarmRunThenNothingToDo(t *testing.T) {
	s := newSwarmOfHosts()
	s.mustRun(t, "run:all,hosts=all")
	if got := s.services(t); len(got) != 3 {
		t.Fatalf("services %v, want db-one, web-one and web-two", got)
	}
	for name, node := range map[string]string{"demo-db-one": "db1", "demo-web-one": "web1", "demo-web-two": "web1"} {
		spec, _ := s.sw.Spec(name)
		if want := []string{"node.labels.dockerops.host==" + node}; !slices.Equal(spec.Constraints, want) {
			t.Errorf("%s constraints %v, want %v (its group runs on %s only)", name, spec.Constraints, want, node)
		}
	}
	if !s.sw.HasNetwork(fakeProjectName) {
		t.Error("no overlay network")
	}

	s.resetCalls()
	res := s.mustRun(t, "run:all,hosts=all")
	if w := s.writes(); len(w) > 0 {
		t.Errorf("a second run with nothing changed wrote %v", w)
	}
	if !strings.Contains(res.stderr, "3 service(s) up to date") {
		t.Errorf("stderr does not say the services are up to date:\n%s", res.stderr)
	}
}

// A changed instance is updated alone, and rollback returns it to the spec
// it had.
func TestSwarmRollback(t *testing.T) {
	s := newSwarmOfHosts()
	s.mustRun(t, "run:all,hosts=all")
	s.resetCalls()
	s.mustRun(t, "run:web,instance=one,hosts=all,hostname=renamed")
	if w := s.sw.Writes(); !slices.Equal(w, []string{"overlay demo", "update demo-web-one"}) {
		t.Errorf("changing web-one's hostname wrote %v, want web-one updated alone", w)
	}
	if spec, _ := s.sw.Spec("demo-web-one"); spec.Hostname != "renamed" {
		t.Fatalf("web-one hostname %q after the update", spec.Hostname)
	}
	s.resetCalls()
	s.mustRun(t, "rollback:web,instance=one,hosts=all")
	if spec, _ := s.sw.Spec("demo-web-one"); spec.Hostname != "web-one" {
		t.Errorf("web-one hostname %q after the rollback, want web-one", spec.Hostname)
	}
	if w := s.sw.Writes(); !slices.Equal(w, []string{"rollback demo-web-one"}) {
		t.Errorf("rollback wrote %v, want web-one rolled back alone", w)
	}
}

// clean:all,hosts=all,force=True removes every service and the network,
// and keeps the data on the nodes.
func TestSwarmClean(t *testing.T) {
	s := newSwarmOfHosts()
	s.mustRun(t, "run:all,hosts=all")
	s.resetCalls()
	// db1's data dir exists: a purge would find it and delete it.
	s.db1.SetExec("", enginetest.Result{Stdout: "/dockerops-root/db_one\n"})
	s.mustRun(t, "clean:all,hosts=all,force=True")
	if got := s.services(t); len(got) > 0 {
		t.Errorf("services left after clean: %v", got)
	}
	if s.sw.HasNetwork(fakeProjectName) {
		t.Error("the overlay network is left after clean")
	}
	for _, c := range append(s.db1.Calls(), s.web1.Calls()...) {
		if strings.Contains(c, "rm -rf") {
			t.Errorf("clean without purge deleted data: %s", c)
		}
	}
}

// dry_run=True prints the plan and writes nothing, to the swarm or to a
// node.
func TestSwarmDryRun(t *testing.T) {
	s := newSwarmOfHosts()
	res := s.mustRun(t, "run:all,hosts=all,dry_run=True")
	for _, want := range []string{"network  demo", "create   demo-db-one                     (on db1)", "create   demo-web-one                    (on web1)"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("dry run stdout lacks %q:\n%s", want, res.stdout)
		}
	}
	if w := s.writes(); len(w) > 0 {
		t.Errorf("a dry run wrote %v", w)
	}
}

// Bad input stops the run before anything is written, with a message that
// says what to fix.
func TestSwarmRunRefuses(t *testing.T) {
	t.Run("group no host runs", func(t *testing.T) {
		s := newSwarmOfHosts()
		s.withRunConf(t, `{"container": "web", "instance": "batch", "group": "batch"}`)
		res := s.r.run(t, "run:all,hosts=all")
		if res.code != exitFailure {
			t.Fatalf("exit %d, want 1\n%s", res.code, res.stderr)
		}
		for _, want := range []string{"demo-web-batch", `group "batch"`} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("stderr does not name %s:\n%s", want, res.stderr)
			}
		}
		if w := s.writes(); len(w) > 0 {
			t.Errorf("a refused run wrote %v", w)
		}
	})
	t.Run("no manager", func(t *testing.T) {
		s := newSwarmOfHosts()
		s.r.swarm = nil // the hosts' engines are in no swarm: provision has not formed it
		res := s.r.run(t, "run:all,hosts=all")
		if res.code != exitFailure {
			t.Fatalf("exit %d, want 1\n%s", res.code, res.stderr)
		}
		if !strings.Contains(res.stderr, "provision") || !strings.Contains(res.stderr, "no manager") {
			t.Errorf("stderr does not say to provision:\n%s", res.stderr)
		}
		if w := s.writes(); len(w) > 0 {
			t.Errorf("a refused run wrote %v", w)
		}
	})
}

// withRunConf gives s's project one more run.conf entry.
func (s *swarmOfHosts) withRunConf(t *testing.T, entry string) {
	t.Helper()
	s.r.dir = copyFixture(t, "testdata/fake")
	conf := filepath.Join(s.r.dir, "apps_containers", "run.conf")
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "[\n", "[\n    "+entry+",\n", 1))
	if err := os.WriteFile(conf, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// An interactive instance is no service: it runs attached, on the first
// host that runs its group, after the services it links to.
func TestSwarmRunInteractive(t *testing.T) {
	s := newSwarmOfHosts()
	s.withRunConf(t, `{"container": "web", "instance": "shell", "group": "front", "interactive": true,
     "links": [{"name": "DB", "container": "db", "instance": "one"}]}`)
	res := s.mustRun(t, "run:all,hosts=all,dry_run=True")
	if !strings.Contains(res.stdout, "create   demo-web-shell                  (interactive, on web1)") {
		t.Errorf("dry run does not say where the shell runs:\n%s", res.stdout)
	}
	if w := s.writes(); len(w) > 0 {
		t.Errorf("a dry run wrote %v", w)
	}

	s.mustRun(t, "run:all,hosts=all")
	if _, ok := s.sw.Spec("demo-web-shell"); ok {
		t.Error("the interactive instance became a service")
	}
	if got := s.services(t); len(got) != 3 {
		t.Errorf("services %v, want the three detached instances", got)
	}
	if c := s.web1.Calls(); !slices.Contains(c, "attach demo-web-shell") {
		t.Errorf("web1, which runs group front, did not attach the shell: %v", c)
	}
	if c := s.db1.Calls(); slices.ContainsFunc(c, func(c string) bool { return strings.Contains(c, "demo-web-shell") }) {
		t.Errorf("db1 got %v", c)
	}
}

// An interactive instance of a group no host runs is refused before
// anything moves.
func TestSwarmRunInteractiveNoHost(t *testing.T) {
	s := newSwarmOfHosts()
	s.withRunConf(t, `{"container": "web", "instance": "shell", "group": "batch", "interactive": true}`)
	res := s.r.run(t, "run:web,instance=shell,hosts=all")
	if res.code != exitFailure || !strings.Contains(res.stderr, "demo-web-shell") || !strings.Contains(res.stderr, `group "batch"`) {
		t.Fatalf("exit %d, want 1 naming the shell and its group\n%s", res.code, res.stderr)
	}
	if w := s.writes(); len(w) > 0 {
		t.Errorf("a refused run wrote %v", w)
	}
}

// run:all,hosts=all,ship=True sends each node, at once, what it lacks of
// the locally built images, from one save.
func TestSwarmRunShipSendsEachNodeWhatItLacks(t *testing.T) {
	s := newSwarmOfHosts()
	local := newFakeEngine(engineState{})
	for _, c := range []string{"dockerops-base", "db", "web"} {
		id := "sha256:" + c + "2"
		local.AddImage(fakeProjectName+"/"+c, id)
		local.SetLayers(id, "sha256:debian", "sha256:"+c+"2top")
	}
	s.r.engine = local
	// web1 has the images of an earlier build, on the same Debian layer;
	// db1's say nothing of their layers.
	for _, c := range []string{"dockerops-base", "db", "web"} {
		s.web1.SetLayers("sha256:"+c, "sha256:debian", "sha256:"+c+"top")
	}
	res := s.mustRun(t, "run:all,hosts=all,ship=True")
	for host, f := range map[string]*enginetest.Fake{"web1": s.web1, "db1": s.db1} {
		if id := f.Image(fakeProjectName + "/web"); id != "sha256:web2" {
			t.Errorf("%s has %s/web %s, want the local sha256:web2", host, fakeProjectName, id)
		}
	}
	var saves int
	for _, c := range local.Calls() {
		if strings.HasPrefix(c, "save ") {
			saves++
		}
	}
	if saves != 1 || !strings.Contains(res.stderr, "(2 of 3 layers)") || !strings.Contains(res.stderr, "(3 of 3 layers)") {
		t.Errorf("%d save(s); want one, then 2 of 3 layers sent to web1 and 3 of 3 to db1:\n%s", saves, res.stderr)
	}
}
