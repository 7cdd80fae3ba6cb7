package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// otherProject adds an instance of another dockerops project to the engine.
func otherProject(r *fakeRun, name string) string {
	full := name + "-app-one"
	r.engine.AddContainer(orchestrator.Observed{Name: full, State: "running", ImageID: "sha256:app",
		Labels: map[string]string{orchestrator.LabelProject: name, orchestrator.LabelContainer: "app", orchestrator.LabelInstance: "one"}})
	return full
}

func (r *fakeRun) has(name string) bool { _, ok := r.engine.Container(name); return ok }

// indexOf is the position of the first write that starts with prefix, -1
// when there is none.
func indexOf(writes []string, prefix string) int {
	return slices.IndexFunc(writes, func(w string) bool { return strings.HasPrefix(w, prefix) })
}

// TestRerunCleansThenRuns: rerun:web,two removes the running instance two
// (and nothing else) and then creates it anew, without asking.
func TestRerunCleansThenRuns(t *testing.T) {
	r := &fakeRun{}
	if res := r.run(t, "run:all"); res.code != exitOK {
		t.Fatalf("run:all: exit %d\n%s", res.code, res.stderr)
	}
	r.engine.ResetCalls()
	before, _ := r.engine.Container("demo-web-two")
	res := r.run(t, "rerun:web,two")
	if res.code != exitOK {
		t.Fatalf("rerun:web,two: exit %d\n%s", res.code, res.stderr)
	}
	w := r.engine.Writes()
	rm, create := indexOf(w, "remove "+before.ID), indexOf(w, "create demo-web-two")
	if rm < 0 || create < 0 || rm > create {
		t.Errorf("rerun did not remove demo-web-two before creating it again: %v", w)
	}
	if after, ok := r.engine.Container("demo-web-two"); !ok || after.State != "running" {
		t.Errorf("demo-web-two after rerun: %+v (found %v), want it running again", after, ok)
	}
	if one, _ := r.engine.Container("demo-web-one"); one.State != "running" || indexOf(w, "create demo-web-one") >= 0 {
		t.Errorf("rerun:web,two touched instance one: %v", w)
	}
}

// TestRerunOfAnAbsentInstanceRuns: nothing to clean is no error.
func TestRerunOfAnAbsentInstanceRuns(t *testing.T) {
	r := &fakeRun{}
	res := r.run(t, "rerun:db,instance=one")
	if res.code != exitOK || !r.has("demo-db-one") || r.has("demo-web-one") {
		t.Errorf("exit %d, db-one %v, web-one %v\n%s", res.code, r.has("demo-db-one"), r.has("demo-web-one"), res.stderr)
	}
}

// TestRerunNeedsAName: a bare rerun, which would remake every instance
// without a question, is a usage error.
func TestRerunNeedsAName(t *testing.T) {
	r := &fakeRun{state: engineStates[2]}
	if res := r.run(t, "rerun"); res.code != exitUsage || !strings.Contains(res.stderr, "rerun needs a container name") || len(r.engine.Writes()) != 0 {
		t.Errorf("rerun: exit %d, writes %v\n%s", res.code, r.engine.Writes(), res.stderr)
	}
}

// TestRerunThatWouldFailCleansNothing: when run would refuse the instance
// (its link target does not run), rerun leaves the running one alone.
func TestRerunThatWouldFailCleansNothing(t *testing.T) {
	r := &fakeRun{state: engineStates[3]}
	res := r.run(t, "rerun:web,two")
	if res.code != exitFailure || !strings.Contains(res.stderr, "nothing cleaned") || !strings.Contains(res.stderr, "demo-db-one") {
		t.Errorf("exit %d, want 1 naming the missing link target\n%s", res.code, res.stderr)
	}
	if w := r.engine.Writes(); len(w) != 0 {
		t.Errorf("rerun that cannot run wrote to the engine: %v", w)
	}
}

// TestCleanGroupOnlyThatGroup: clean:all,group=front removes the instances
// run started in group front and leaves db (group back); clean:group=back
// without an argument means all.
func TestCleanGroupOnlyThatGroup(t *testing.T) {
	r := &fakeRun{}
	if res := r.run(t, "run:all"); res.code != exitOK {
		t.Fatalf("run:all: exit %d\n%s", res.code, res.stderr)
	}
	res := r.run(t, "clean:all,group=front,force")
	if res.code != exitOK {
		t.Fatalf("clean group=front: exit %d\n%s", res.code, res.stderr)
	}
	if r.has("demo-web-one") || r.has("demo-web-two") || !r.has("demo-db-one") {
		t.Errorf("after clean:all,group=front: web-one %v, web-two %v, db-one %v; want only db-one left",
			r.has("demo-web-one"), r.has("demo-web-two"), r.has("demo-db-one"))
	}
	if res := r.run(t, "clean:group=back,force=True"); res.code != exitOK || r.has("demo-db-one") {
		t.Errorf("clean:group=back: exit %d, db-one left %v\n%s", res.code, r.has("demo-db-one"), res.stderr)
	}
}

// TestCleanConfOnlyWhatItLists: with conf=, clean removes the instances
// that conf lists, not the others of the project.
func TestCleanConfOnlyWhatItLists(t *testing.T) {
	r := &fakeRun{dir: copyFixture(t, "testdata/fake")}
	writeFile(t, r.dir+"/apps_containers/db.conf", `[{"container": "db", "instance": "one"}]`)
	if res := r.run(t, "run:all"); res.code != exitOK {
		t.Fatalf("run:all: exit %d\n%s", res.code, res.stderr)
	}
	res := r.run(t, "clean:all,conf=db.conf,force")
	if res.code != exitOK || r.has("demo-db-one") || !r.has("demo-web-one") || !r.has("demo-web-two") {
		t.Errorf("clean:all,conf=db.conf: exit %d; db-one %v web-one %v web-two %v, want only db-one gone\n%s",
			res.code, r.has("demo-db-one"), r.has("demo-web-one"), r.has("demo-web-two"), res.stderr)
	}
	if res := r.run(t, "clean:all,conf=nosuch.conf,force"); res.code != exitFailure || !strings.Contains(res.stderr, "nosuch.conf") {
		t.Errorf("clean with a missing conf: exit %d\n%s", res.code, res.stderr)
	}
}

// TestCleanReallyAllAsksTwice: clean:reallyall removes every dockerops
// project's instances, but only after two yeses on a terminal; force=True
// does not skip them, and without a terminal it refuses.
func TestCleanReallyAllAsksTwice(t *testing.T) {
	for _, answers := range []string{"n\n", "y\nn\n", "y\ny\n"} {
		master, tty := openPTY(t)
		r := &fakeRun{state: engineStates[2], stdin: tty}
		r.engine = newFakeEngine(r.state)
		other := otherProject(r, "shop")
		if _, err := master.WriteString(answers); err != nil {
			t.Fatal(err)
		}
		res := r.run(t, "clean:reallyall,force=True")
		yes := answers == "y\ny\n"
		if !strings.Contains(res.stderr, "Remove all 2 dockerops instance(s) on the local engine, of 2 project(s): demo (1), shop (1)? [y/N]") {
			t.Errorf("%q: the first question is not on stderr:\n%s", answers, res.stderr)
		}
		if answers != "n\n" && !strings.Contains(res.stderr, "also those of projects other than demo: shop?") {
			t.Errorf("%q: the second question does not name the other project:\n%s", answers, res.stderr)
		}
		if gone := !r.has(other) && !r.has("demo-web-one"); gone != yes || (res.code == exitOK) != yes {
			t.Errorf("answers %q: exit %d, removed %v, want removed only after two yeses\n%s", answers, res.code, gone, res.stderr)
		}
		if _, held, _ := r.engine.LockContainer(context.Background(), orchestrator.LockName("shop")); held {
			t.Errorf("answers %q: shop's deploy lock is still held after clean:reallyall", answers)
		}
	}
	r := &fakeRun{state: engineStates[2]}
	r.engine = newFakeEngine(r.state)
	other := otherProject(r, "shop")
	res := r.run(t, "clean:reallyall,force=True")
	if res.code != exitFailure || !r.has(other) || !strings.Contains(res.stderr, "force=True does not skip it") {
		t.Errorf("without a terminal: exit %d, %s left %v\n%s", res.code, other, r.has(other), res.stderr)
	}
	for _, word := range []string{"clean:reallyall,purge=True", "clean:reallyall,hosts=all", "clean:reallyall,group=front"} {
		if res := r.run(t, word); res.code != exitUsage || !r.has(other) || !strings.Contains(res.stderr, "reallyall") {
			t.Errorf("%s: exit %d, want 2 naming reallyall and nothing removed\n%s", word, res.code, res.stderr)
		}
	}
}

// TestPsModes: ps, ps:project and ps:platform list the project's
// instances; ps:reallyall (as ps:all) every project's; onlyrunning=True
// leaves out the stopped ones.
func TestPsModes(t *testing.T) {
	names := func(t *testing.T, r *fakeRun, word string) []string {
		t.Helper()
		res := r.run(t, word+",format=json")
		if res.code != exitOK {
			t.Fatalf("%s: exit %d\n%s", word, res.code, res.stderr)
		}
		var entries []psEntry
		if err := json.Unmarshal([]byte(res.stdout), &entries); err != nil {
			t.Fatalf("%s: %v\n%s", word, err, res.stdout)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name)
		}
		return out
	}
	r := &fakeRun{state: engineState{"mixed", map[string]string{"one": "running", "two": "exited"}}}
	r.engine = newFakeEngine(r.state)
	otherProject(r, "shop")
	project := []string{"demo-web-one", "demo-web-two"}
	cases := map[string][]string{
		"ps":                            project,
		"ps:project":                    project,
		"ps:platform":                   project,
		"ps:reallyall":                  {"demo-web-one", "demo-web-two", "shop-app-one"},
		"ps:all":                        {"demo-web-one", "demo-web-two", "shop-app-one"},
		"ps:project,onlyrunning=True":   {"demo-web-one"},
		"ps:reallyall,onlyrunning=True": {"demo-web-one", "shop-app-one"},
		"ps:project,,,True":             {"demo-web-one"},
	}
	for word, want := range cases {
		if got := names(t, r, word); !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", word, got, want)
		}
	}
	if res := r.run(t, "ps:nosuch"); res.code != exitUsage || !strings.Contains(res.stderr, "project, platform, all or reallyall") {
		t.Errorf("ps:nosuch: exit %d\n%s", res.code, res.stderr)
	}
}

// TestDebugKeyLogsDebug: run,debug=True shows the debug logs LOG_LEVEL=DEBUG
// shows, for that task only.
func TestDebugKeyLogsDebug(t *testing.T) {
	r := &fakeRun{}
	res := r.run(t, "run:db,one,debug=True", "ps")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "level=DEBUG msg=\"running task\" task=run") {
		t.Errorf("run,debug=True logged no debug line:\n%s", res.stderr)
	}
	if strings.Contains(res.stderr, "task=ps") {
		t.Errorf("debug=True of run leaked into the next task:\n%s", res.stderr)
	}
	if res := (&fakeRun{}).run(t, "run:db,one"); strings.Contains(res.stderr, "level=DEBUG") {
		t.Errorf("run without debug logged debug lines:\n%s", res.stderr)
	}
}

// TestGetipIsIp: getip and get_ip print what ip prints.
func TestGetipIsIp(t *testing.T) {
	r := &fakeRun{state: engineStates[3]}
	want := r.run(t, "ip:web,two")
	for _, word := range []string{"getip:web,two", "get_ip:web,instance=two"} {
		if got := r.run(t, word); got.code != exitOK || got.stdout != want.stdout || want.stdout == "" {
			t.Errorf("%s: exit %d, %q; ip:web,two printed %q", word, got.code, got.stdout, want.stdout)
		}
	}
}

// TestSSHPositionalInstance: ssh:web,two picks instance two.
func TestSSHPositionalInstance(t *testing.T) {
	t.Setenv("PATH", "") // no ssh client: ssh falls back to docker exec
	r := &fakeRun{state: engineStates[3]}
	res := r.run(t, "ssh:web,two,hostname")
	two, _ := r.engine.Container("demo-web-two")
	if res.code != exitOK || indexOf(r.engine.Calls(), "exec "+two.ID) < 0 {
		t.Errorf("ssh:web,two,hostname: exit %d, calls %v\n%s", res.code, r.engine.Calls(), res.stderr)
	}
}

// TestSSHCommandPlusIsSpace: DockerOps' `+` for a space in ssh's command,
// unless the command has spaces of its own.
func TestSSHCommandPlusIsSpace(t *testing.T) {
	for in, want := range map[string]string{"ls+-l+/data": "ls -l /data", "hostname": "hostname", "date +%s": "date +%s"} {
		if got := fabricSpaces(in); got != want {
			t.Errorf("fabricSpaces(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCleanReallyAllRespectsOtherProjectsLocks: while another project is
// being deployed (its lock is held), clean:reallyall removes nothing, not
// even this project's instances, and says whose lock stopped it.
func TestCleanReallyAllRespectsOtherProjectsLocks(t *testing.T) {
	master, tty := openPTY(t)
	r := &fakeRun{state: engineStates[2], stdin: tty}
	r.engine = newFakeEngine(r.state)
	other := otherProject(r, "shop")
	r.engine.AddContainer(orchestrator.Observed{ID: "shop-lock", Name: orchestrator.LockName("shop"), State: "running",
		Labels: map[string]string{orchestrator.LabelLock: "shop", orchestrator.LabelLockUser: "carol",
			orchestrator.LabelLockMachine: "ci", orchestrator.LabelLockTask: "run:all", orchestrator.LabelLockPID: "7",
			orchestrator.LabelLockSince: time.Now().UTC().Format(time.RFC3339)}})
	if _, err := master.WriteString("y\ny\n"); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, "clean:reallyall")
	if res.code != exitFailure || !strings.Contains(res.stderr, "project shop") || !strings.Contains(res.stderr, "carol@ci") ||
		!strings.Contains(res.stderr, "nothing removed") {
		t.Errorf("exit %d, want 1 naming shop's lock holder\n%s", res.code, res.stderr)
	}
	if !r.has(other) || !r.has("demo-web-one") {
		t.Errorf("instances removed while shop's lock was held: shop %v, demo %v", r.has(other), r.has("demo-web-one"))
	}
}
