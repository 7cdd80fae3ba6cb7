package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// addLock puts a deploy lock of the fake project on f, as another process
// that took it at since would have left it, in state.
func addLock(f *enginetest.Fake, state string, since time.Time) {
	f.AddContainer(orchestrator.Observed{ID: "other-lock", Name: orchestrator.LockName(fakeProjectName), State: state,
		Labels: map[string]string{orchestrator.LabelLock: fakeProjectName, orchestrator.LabelLockUser: "bob",
			orchestrator.LabelLockMachine: "ci-runner", orchestrator.LabelLockTask: "run:all", orchestrator.LabelLockPID: "99",
			orchestrator.LabelLockSince: since.UTC().Format(time.RFC3339)}})
}

func hasLock(f *enginetest.Fake) bool {
	_, ok, _ := f.LockContainer(context.Background(), orchestrator.LockName(fakeProjectName))
	return ok
}

func TestChangingTasksFailWhileAnotherHoldsTheLock(t *testing.T) {
	for _, word := range []string{"run:all", "clean:all,force=True", "start:all", "stop:all", "run:web,lock_wait=0"} {
		t.Run(word, func(t *testing.T) {
			r := &fakeRun{state: engineStates[2]}
			r.engine = newFakeEngine(r.state)
			addLock(r.engine, "running", time.Now().Add(-time.Minute))
			res := r.run(t, word)
			if res.code != exitFailure {
				t.Fatalf("%s while locked: exit %d, want 1\n%s", word, res.code, res.stderr)
			}
			for _, want := range []string{"the local engine is being changed by bob@ci-runner (pid 99), task run:all, since", "lock_wait=SECONDS"} {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("%s: stderr does not say %q:\n%s", word, want, res.stderr)
				}
			}
			if w := r.engine.Writes(); len(w) != 0 {
				t.Errorf("%s while locked changed the engine: %v", word, w)
			}
			if c, _ := r.engine.Container("other-lock"); c.State != "running" {
				t.Errorf("the other process's lock is %q, want it left running", c.State)
			}
		})
	}
}

func TestReadOnlyTasksTakeNoLock(t *testing.T) {
	r := &fakeRun{state: engineStates[2]}
	r.engine = newFakeEngine(r.state)
	addLock(r.engine, "running", time.Now())
	for _, word := range []string{"ps", "ps:all", "config:all", "logs:web", "ip:web", "run:all,dry_run=True"} {
		r.engine.ResetCalls()
		if res := r.run(t, word); res.code != exitOK {
			t.Errorf("%s while locked: exit %d\n%s", word, res.code, res.stderr)
		}
		for _, c := range r.engine.Calls() {
			if strings.HasPrefix(c, "lock ") {
				t.Errorf("%s asked for the lock", word)
			}
		}
	}
	if out := r.run(t, "ps").stdout; strings.Contains(out, "lock") {
		t.Errorf("ps lists the lock:\n%s", out)
	}
	for _, word := range []string{"ps,lock_wait=1", "logs:web,lock_wait=1", "config:all,lock_wait=1"} {
		if res := r.run(t, word); res.code != exitUsage || !strings.Contains(res.stderr, `has no key "lock_wait"`) {
			t.Errorf("%s: exit %d, want 2 and no such key\n%s", word, res.code, res.stderr)
		}
	}
}

func TestLockWaitKeyInHelp(t *testing.T) {
	for _, task := range []string{"run", "clean", "start", "stop", "rollback", "provision", "destroy"} {
		if taskByName(task).Lock == nil {
			t.Errorf("%s takes no lock", task)
		}
		if _, out, _ := run(t, "", nil, "help:"+task); !strings.Contains(out, "lock_wait") {
			t.Errorf("help:%s does not list lock_wait:\n%s", task, out)
		}
	}
}

func TestRunTakesAndReleasesTheLock(t *testing.T) {
	r := &fakeRun{}
	if res := r.run(t, "run:all"); res.code != exitOK {
		t.Fatalf("run: exit %d\n%s", res.code, res.stderr)
	}
	calls := r.engine.Calls()
	lock, create, unlock := -1, -1, -1
	for i, c := range calls {
		switch {
		case c == "lock "+orchestrator.LockName(fakeProjectName):
			lock = i
		case c == "create demo-web-one" && create < 0:
			create = i
		case strings.HasPrefix(c, "unlock "):
			unlock = i
		}
	}
	if lock < 0 || create < lock || unlock < create {
		t.Errorf("want lock, then create, then unlock; calls: %v", calls)
	}
	if hasLock(r.engine) {
		t.Error("run left its lock")
	}
}

func TestRunBreaksTheLockOfADeadHolder(t *testing.T) {
	r := &fakeRun{}
	r.engine = newFakeEngine(engineState{})
	addLock(r.engine, "exited", time.Now().Add(-time.Minute))
	res := r.run(t, "run:all")
	if res.code != exitOK {
		t.Fatalf("run: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "deploy lock on the local engine of bob@ci-runner (pid 99), task run:all, since") ||
		!strings.Contains(res.stderr, "was left by a process that died; breaking it") {
		t.Errorf("stderr does not say the dead holder's lock is broken:\n%s", res.stderr)
	}
	if _, ok := r.engine.Container("demo-web-one"); !ok {
		t.Error("run did not run after breaking the lock")
	}
}

func TestHostAndSwarmLocks(t *testing.T) {
	// host=db1 locks db1's engine only.
	r := &fakeRun{}
	if res := r.run(t, "stop:all,host=db1"); res.code != exitOK {
		t.Fatalf("stop,host=db1: exit %d\n%s", res.code, res.stderr)
	}
	if !calledLock(r.hosts["db1"]) || calledLock(r.engine) {
		t.Errorf("host=db1 locked db1 %v, the local engine %v", calledLock(r.hosts["db1"]), calledLock(r.engine))
	}

	// hosts=all locks the first manager of hosts.conf (web1), whichever
	// manager answers (db1 here).
	s := newSwarmOfHosts()
	addLock(s.web1, "running", time.Now())
	res := s.r.run(t, "run:all,hosts=all")
	if res.code != exitFailure || !strings.Contains(res.stderr, "the swarm (its lock is on host web1) is being changed by bob@ci-runner") {
		t.Errorf("run:all,hosts=all while web1 holds the lock: exit %d\n%s", res.code, res.stderr)
	}
	if w := s.writes(); len(w) != 0 {
		t.Errorf("a locked swarm run wrote %v", w)
	}
}

func calledLock(f *enginetest.Fake) bool {
	if f == nil {
		return false
	}
	for _, c := range f.Calls() {
		if strings.HasPrefix(c, "lock ") {
			return true
		}
	}
	return false
}

// A run with nothing to do makes no lock container, so it costs what it
// did before there was a lock; it still fails naming a process that holds
// the lock (it may be changing what the run found up to date), and takes
// a dead holder's lock for free.
func TestUpToDateRunTakesNoLockButSeesAHeldOne(t *testing.T) {
	r := &fakeRun{state: engineStates[0]}
	r.engine = newFakeEngine(r.state)
	if res := r.run(t, "run:all"); res.code != exitOK {
		t.Fatalf("first run:all: exit %d\n%s", res.code, res.stderr)
	}
	lockCalls := func() (n int) {
		for _, c := range r.engine.Calls() {
			if strings.HasPrefix(c, "lock ") {
				n++
			}
		}
		return n
	}
	r.engine.ResetCalls()
	if res := r.run(t, "run:all"); res.code != exitOK || lockCalls() != 0 || len(r.engine.Writes()) != 0 {
		t.Errorf("run:all with nothing to do: exit %d, %d lock calls, writes %v; want 0, none, none\n%s",
			res.code, lockCalls(), r.engine.Writes(), res.stderr)
	}
	addLock(r.engine, "running", time.Now().Add(-time.Minute))
	res := r.run(t, "run:all")
	if want := "the local engine is being changed by bob@ci-runner (pid 99)"; res.code != exitFailure || !strings.Contains(res.stderr, want) {
		t.Errorf("run:all with nothing to do while bob holds the lock: exit %d, want 1 saying %q\n%s", res.code, want, res.stderr)
	}
	if lockCalls() != 0 {
		t.Errorf("run:all with nothing to do tried to take the lock")
	}
	if err := r.engine.Remove(context.Background(), "other-lock"); err != nil {
		t.Fatal(err)
	}
	addLock(r.engine, "exited", time.Now().Add(-time.Minute))
	if res := r.run(t, "run:all"); res.code != exitOK {
		t.Errorf("run:all with nothing to do after bob's process died: exit %d\n%s", res.code, res.stderr)
	}
}
