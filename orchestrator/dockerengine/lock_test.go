package dockerengine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"

	"github.com/dockerops/dockerops/orchestrator"
)

// The lock tests watch the lock container start and exit: a short delay
// before its start keeps them quick (the child holder of
// TestIntegrationHoldLockKilledHolder is this binary too).
func init() { lockStartDelay = 100 * time.Millisecond }

func lockSpec(name string) orchestrator.ContainerSpec {
	return orchestrator.ContainerSpec{Name: name, Image: baseImage, Entrypoint: []string{"cat"}, Cmd: []string{},
		Labels: map[string]string{orchestrator.LabelLock: "test"}}
}

// exits waits until the container called name is no longer running and
// returns its state.
func exits(ctx context.Context, t *testing.T, e *Engine, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		c, ok, err := e.LockContainer(ctx, name)
		if err != nil || !ok {
			t.Fatalf("lock container %s: found %v, %v", name, ok, err)
		}
		if c.State != "running" {
			return c.State
		}
		select {
		case <-ctx.Done():
			t.Fatalf("lock container %s still running", name)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// started waits while the lock container called name is created but not
// started (HoldLock starts it in the background) and returns it.
func started(ctx context.Context, t *testing.T, e *Engine, name string) (orchestrator.Observed, bool, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		c, ok, err := e.LockContainer(ctx, name)
		if err != nil || !ok || c.State != "created" {
			return c, ok, err
		}
		select {
		case <-ctx.Done():
			return c, ok, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestIntegrationHoldLock(t *testing.T) {
	e, ctx := integration(t)
	name := uniqueName(t)
	t.Cleanup(func() { e.Remove(context.Background(), name) })
	if _, ok, err := e.LockContainer(ctx, name); ok || err != nil {
		t.Fatalf("before: found %v, %v", ok, err)
	}
	id, hold, err := e.HoldLock(ctx, lockSpec(name))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.HoldLock(ctx, lockSpec(name)); !errors.Is(err, orchestrator.ErrLockTaken) {
		t.Fatalf("second HoldLock: %v, want ErrLockTaken", err)
	}
	c, ok, err := started(ctx, t, e, name)
	if err != nil || !ok || c.ID != id || c.State != "running" {
		t.Fatalf("held lock: %+v %v %v", c, ok, err)
	}
	hold.Close()
	if st := exits(ctx, t, e, name); st != "exited" {
		t.Errorf("after the hold closed the lock container is %s, want exited", st)
	}
}

// TestIntegrationHoldLockReleasedBeforeStart releases a lock before its
// start is due: the container never ran and is gone, and the release does
// not wait for the start.
func TestIntegrationHoldLockReleasedBeforeStart(t *testing.T) {
	e, ctx := integration(t)
	delay := lockStartDelay
	lockStartDelay = time.Hour
	t.Cleanup(func() { lockStartDelay = delay })
	name := uniqueName(t)
	t.Cleanup(func() { e.Remove(context.Background(), name) })
	since := time.Now()
	id, hold, err := e.HoldLock(ctx, lockSpec(name))
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := e.ReleaseLock(rctx, id); err != nil {
		t.Fatalf("release: %v", err)
	}
	if c, ok, err := e.LockContainer(ctx, name); ok || err != nil {
		t.Errorf("after the release the lock container is %+v (%v), want gone", c, err)
	}
	if got := containerEvents(ctx, t, e, id, since); !slices.Contains(got, "destroy") || slices.Contains(got, "start") {
		t.Errorf("the lock container's events: %v, want it destroyed, never started", got)
	}
}

// containerEvents are the engine's events of container id from since until
// now.
func containerEvents(ctx context.Context, t *testing.T, e *Engine, id string, since time.Time) []string {
	t.Helper()
	stamp := func(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }
	msgs, errs := e.cli.Events(ctx, events.ListOptions{Since: stamp(since), Until: stamp(time.Now()),
		Filters: filters.NewArgs(filters.Arg("container", id))})
	var got []string
	for {
		select {
		case m := <-msgs:
			got = append(got, string(m.Action))
		case err := <-errs:
			if err != nil && !errors.Is(err, io.EOF) {
				t.Fatalf("events: %v", err)
			}
			return got
		}
	}
}

// TestIntegrationHoldLockKilledHolder kills -9 a process holding a lock:
// the engine closes its connection and the lock container exits.
func TestIntegrationHoldLockKilledHolder(t *testing.T) {
	e, ctx := integration(t)
	name := uniqueName(t)
	t.Cleanup(func() { e.Remove(context.Background(), name) })
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHoldLockChild$")
	cmd.Env = append(os.Environ(), "DOCKEROPS_TEST_LOCK="+name)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "held\n" {
		cmd.Process.Kill()
		t.Fatalf("child: %q %v", line, err)
	}
	if c, ok, err := started(ctx, t, e, name); err != nil || !ok || c.State != "running" {
		cmd.Process.Kill()
		t.Fatalf("lock while its holder lives: %+v %v %v", c, ok, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if st := exits(ctx, t, e, name); st != "exited" {
		t.Errorf("after its holder was killed the lock container is %s, want exited", st)
	}
}

// TestHoldLockChild is the holder TestIntegrationHoldLockKilledHolder
// starts and kills; alone it is skipped.
func TestHoldLockChild(t *testing.T) {
	name := os.Getenv("DOCKEROPS_TEST_LOCK")
	if name == "" {
		t.Skip("the lock holder TestIntegrationHoldLockKilledHolder runs in a child process")
	}
	e, ctx := integration(t)
	if _, _, err := e.HoldLock(ctx, lockSpec(name)); err != nil {
		t.Fatal(err)
	}
	fmt.Println("held")
	<-ctx.Done()
}
