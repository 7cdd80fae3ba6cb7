package orchestrator_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

func lockEngine() *enginetest.Fake {
	f := enginetest.New()
	f.AddImage("debian:bookworm-slim", "sha256:debian")
	return f
}

// said collects what a lock says.
type said struct {
	mu    sync.Mutex
	lines []string
	on    func(string) // called for each line, outside mu
}

func (s *said) say(line string) {
	s.mu.Lock()
	s.lines = append(s.lines, line)
	s.mu.Unlock()
	if s.on != nil {
		s.on(line)
	}
}

func (s *said) all() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

func lockReq(task string, s *said) orchestrator.LockRequest {
	r := orchestrator.LockRequest{Project: "demo", Images: []string{"debian:bookworm-slim"},
		Holder: orchestrator.LockHolder{User: "alice", Machine: "laptop", Task: task, PID: 4242}}
	if s != nil {
		r.Say = s.say
	}
	return r
}

func take(t *testing.T, f *enginetest.Fake, req orchestrator.LockRequest) *orchestrator.Lock {
	t.Helper()
	l, err := orchestrator.TakeLock(context.Background(), orchestrator.Target{Engine: f}, req)
	if err != nil {
		t.Fatalf("take the lock: %v", err)
	}
	if l == nil {
		t.Fatal("the fake engine holds no lock")
	}
	return l
}

func TestLockHeldFailsNamingTheHolder(t *testing.T) {
	f := lockEngine()
	first := take(t, f, lockReq("run:all", nil))
	second := lockReq("clean:all", nil)
	second.Holder.User = "bob"
	_, err := orchestrator.TakeLock(context.Background(), orchestrator.Target{Host: "web1", Engine: f}, second)
	var locked *orchestrator.LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("second lock: got %v, want a LockedError", err)
	}
	for _, want := range []string{"host web1", "alice@laptop", "pid 4242", "task run:all", "since ", "lock_wait"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not name %q", err, want)
		}
	}
	if locked.Holder.Since.IsZero() || time.Since(locked.Holder.Since) > time.Minute {
		t.Errorf("holder since %v, want about now", locked.Holder.Since)
	}
	// The lock is no instance of any project.
	for _, p := range []string{"demo", ""} {
		if list, _ := f.Containers(context.Background(), p); len(list) != 0 {
			t.Errorf("Containers(%q) lists the lock: %+v", p, list)
		}
	}
	if err := first.Release(context.Background()); err != nil {
		t.Fatal(err)
	}
	take(t, f, second).Release(context.Background())
}

func TestLockReleasedOnCancelledContext(t *testing.T) {
	f := lockEngine()
	ctx, cancel := context.WithCancel(context.Background())
	l, err := orchestrator.TakeLock(ctx, orchestrator.Target{Engine: f}, lockReq("run:all", nil))
	if err != nil {
		t.Fatal(err)
	}
	cancel() // Ctrl-C while the task works
	if err := l.Release(ctx); err != nil {
		t.Fatalf("release after Ctrl-C: %v", err)
	}
	take(t, f, lockReq("run:all", nil))
}

func TestLockOfDeadHolderIsBroken(t *testing.T) {
	for _, tt := range []struct {
		name  string
		state string
		since time.Duration // before now
		want  string
	}{
		{"exited: its connection closed", "exited", time.Second, "was left by a process that died; breaking it"},
		{"created long ago, never started", "created", 5 * time.Minute, "died before it started it; breaking it"},
		{"running past the lock timeout", "running", 2 * time.Hour, "older than the lock timeout (1h0m0s); breaking it"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := lockEngine()
			old := orchestrator.LockHolder{User: "carol", Machine: "ci", Task: "run:all", PID: 7, Since: time.Now().Add(-tt.since)}
			f.AddContainer(orchestrator.Observed{ID: "old-lock-id", Name: orchestrator.LockName("demo"), State: tt.state, Labels: map[string]string{
				orchestrator.LabelLock: "demo", orchestrator.LabelLockUser: old.User, orchestrator.LabelLockMachine: old.Machine,
				orchestrator.LabelLockTask: old.Task, orchestrator.LabelLockPID: "7",
				orchestrator.LabelLockSince: old.Since.UTC().Format(time.RFC3339)}})
			var s said
			l := take(t, f, lockReq("run:all", &s))
			if got := s.all(); !strings.Contains(got, "carol@ci (pid 7), task run:all, since") || !strings.Contains(got, tt.want) {
				t.Errorf("said %q, want the old holder and %q", got, tt.want)
			}
			if _, ok := f.Container("old-lock-id"); ok {
				t.Error("the dead holder's lock container is still there")
			}
			l.Release(context.Background())
		})
	}
}

func TestLockClosedHoldIsBroken(t *testing.T) {
	f := lockEngine()
	dead := lockReq("run:all", nil)
	dead.Holder.User = "dave"
	first := take(t, f, dead)
	// Its process dies: the engine closes the connection and the container exits.
	if list := f.Calls(); !strings.HasPrefix(list[len(list)-1], "lock ") {
		t.Fatalf("calls %v", list)
	}
	closeHold(t, f, first)
	var s said
	take(t, f, lockReq("run:all", &s)).Release(context.Background())
	if !strings.Contains(s.all(), "dave@laptop") || !strings.Contains(s.all(), "died") {
		t.Errorf("said %q, want the dead holder named", s.all())
	}
}

// closeHold makes the container of a lock exit as when its holder dies.
func closeHold(t *testing.T, f *enginetest.Fake, l *orchestrator.Lock) {
	t.Helper()
	c, ok, err := f.LockContainer(context.Background(), orchestrator.LockName("demo"))
	if err != nil || !ok {
		t.Fatalf("lock container: %v %v", ok, err)
	}
	f.SetState(c.ID, "exited")
}

func TestLockStartingIsHeld(t *testing.T) {
	f := lockEngine()
	f.AddContainer(orchestrator.Observed{ID: "x", Name: orchestrator.LockName("demo"), State: "created", Labels: map[string]string{
		orchestrator.LabelLockUser: "erin", orchestrator.LabelLockSince: time.Now().UTC().Format(time.RFC3339)}})
	_, err := orchestrator.TakeLock(context.Background(), orchestrator.Target{Engine: f}, lockReq("run:all", nil))
	var locked *orchestrator.LockedError
	if !errors.As(err, &locked) || locked.Holder.User != "erin" {
		t.Fatalf("a lock being started: got %v, want held by erin", err)
	}
}

func TestLockWaitsUntilReleased(t *testing.T) {
	f := lockEngine()
	first := take(t, f, lockReq("run:all", nil))
	var s said
	s.on = func(line string) {
		if strings.HasPrefix(line, "waiting") {
			go first.Release(context.Background())
		}
	}
	req := lockReq("run:web", &s)
	req.Wait = time.Minute
	l := take(t, f, req)
	defer l.Release(context.Background())
	if got := s.all(); strings.Count(got, "waiting for the deploy lock on the local engine, held by alice@laptop") != 1 || !strings.Contains(got, "(lock_wait=60)") {
		t.Errorf("said %q, want one waiting line naming the holder and lock_wait", got)
	}
}

func TestLockWaitRunsOut(t *testing.T) {
	f := lockEngine()
	take(t, f, lockReq("run:all", nil))
	req := lockReq("run:all", nil)
	req.Wait = 300 * time.Millisecond
	_, err := orchestrator.TakeLock(context.Background(), orchestrator.Target{Engine: f}, req)
	var locked *orchestrator.LockedError
	if !errors.As(err, &locked) || locked.Waited != req.Wait || !strings.Contains(err.Error(), "still locked after waiting") {
		t.Fatalf("got %v, want still locked after waiting", err)
	}
}

func TestLockWaitInterrupted(t *testing.T) {
	f := lockEngine()
	take(t, f, lockReq("run:all", nil))
	ctx, cancel := context.WithCancel(context.Background())
	var s said
	s.on = func(string) { cancel() }
	req := lockReq("run:all", &s)
	req.Wait = time.Hour
	if _, err := orchestrator.TakeLock(ctx, orchestrator.Target{Engine: f}, req); !errors.Is(err, context.Canceled) {
		t.Fatalf("Ctrl-C while waiting: got %v, want context.Canceled", err)
	}
}

func TestLockNeedsAnImage(t *testing.T) {
	_, err := orchestrator.TakeLock(context.Background(), orchestrator.Target{Engine: enginetest.New()}, lockReq("run:all", nil))
	if !errors.Is(err, orchestrator.ErrNoLockImage) || !strings.Contains(err.Error(), "debian:bookworm-slim") {
		t.Fatalf("got %v, want ErrNoLockImage naming the images looked for", err)
	}
}
