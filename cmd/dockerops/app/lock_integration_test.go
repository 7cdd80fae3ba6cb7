package app

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// lockState is the state of the project's lock container on the local
// engine, "" when there is none.
func lockState(name string) string {
	out, err := exec.Command("docker", "inspect", "-f", "{{.State.Status}}", "dockerops-lock-"+name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// awaitLock waits until a process holds the project's lock.
func awaitLock(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Held from its create: its start comes only if the task lasts.
	for lockState(name) == "" {
		select {
		case <-ctx.Done():
			t.Fatal("no process took the deploy lock")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestIntegrationConcurrentRuns runs a second run:all while a first holds
// the local engine: without lock_wait it fails at once naming the first;
// with it, it waits its turn and finds nothing to do. ps is not held up.
// No container is created twice and there is one project network.
func TestIntegrationConcurrentRuns(t *testing.T) {
	p := newE2EProject(t)
	p.must("build:all")
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", "dockerops-lock-"+p.name).Run() })
	since := time.Now()
	// sleep=5 holds the first run (db, 5 s, then web, which links to it)
	// long enough for the others to meet its lock.
	word := "run:all,sleep=5"
	first := make(chan string, 1)
	go func() {
		code, _, stderr := p.run(word)
		first <- fmt.Sprintf("exit %d\n%s", code, stderr)
	}()
	awaitLock(t, p.name)

	code, out, stderr := p.run("ps")
	if code != 0 || strings.Contains(out, "lock") {
		t.Errorf("ps while a run holds the lock: exit %d\n%s%s", code, out, stderr)
	}

	host, _ := os.Hostname()
	code, _, stderr = p.run(word)
	holder := fmt.Sprintf("the local engine is being changed by %s@%s (pid %d), task run:all, since ", currentUser(), host, os.Getpid())
	if code != 1 || !strings.Contains(stderr, holder) {
		t.Errorf("a second run:all while the first holds the lock: exit %d, want 1 and %q\n%s", code, holder, stderr)
	}

	code, _, stderr = p.run(word + ",lock_wait=120")
	if code != 0 || !strings.Contains(stderr, "waiting for the deploy lock on the local engine, held by") ||
		!strings.Contains(stderr, "(lock_wait=120)") || !strings.Contains(stderr, "nothing to do") {
		t.Errorf("run:all,lock_wait=120 after the first: exit %d, want 0, waiting then nothing to do\n%s", code, stderr)
	}
	if res := <-first; !strings.HasPrefix(res, "exit 0\n") {
		t.Fatalf("the first run:all: %s", res)
	}

	creates := map[string]int{}
	for _, e := range engineEvents(t, since, p.name) {
		if name, ok := strings.CutPrefix(e, "container create "); ok && !strings.HasPrefix(name, "dockerops-lock-") {
			creates[name]++
		}
	}
	if len(creates) != 2 || creates[p.name+"-db-one"] != 1 || creates[p.name+"-web-master"] != 1 {
		t.Errorf("containers created %v, want db and web once each", creates)
	}
	nets, err := exec.Command("docker", "network", "ls", "-q", "--filter", "name=^"+p.name+"$").Output()
	if err != nil || len(strings.Fields(string(nets))) != 1 {
		t.Errorf("networks named %s: %q (%v), want one", p.name, nets, err)
	}
	if st := lockState(p.name); st != "" {
		t.Errorf("the lock is left behind (%s)", st)
	}
}

// TestIntegrationDeadHoldersLockIsBroken: a lock whose holder died (the
// engine closed its input, so its container exited) is broken, saying so.
func TestIntegrationDeadHoldersLockIsBroken(t *testing.T) {
	p := newE2EProject(t)
	p.must("build:all")
	lock := "dockerops-lock-" + p.name
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", lock).Run() })
	since := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	// As HoldLock makes it; its holder is gone at once: stdin is empty.
	out, err := exec.Command("docker", "run", "-i", "--name", lock, "--network", "none",
		"--label", "dockerops.lock="+p.name, "--label", "dockerops.lock.user=ghost", "--label", "dockerops.lock.machine=gone",
		"--label", "dockerops.lock.task=run:all", "--label", "dockerops.lock.pid=1", "--label", "dockerops.lock.since="+since,
		"--entrypoint", "cat", "debian:bookworm-slim").CombinedOutput()
	if err != nil || lockState(p.name) != "exited" {
		t.Fatalf("leave a dead lock: %v %s (state %q)", err, out, lockState(p.name))
	}
	code, _, stderr := p.run("run:all")
	if code != 0 || !strings.Contains(stderr, "deploy lock on the local engine of ghost@gone (pid 1), task run:all, since ") ||
		!strings.Contains(stderr, "was left by a process that died; breaking it") {
		t.Errorf("run:all over a dead holder's lock: exit %d\n%s", code, stderr)
	}
	if ps := p.ps(); len(ps) != 2 {
		t.Errorf("after breaking the lock, ps shows %v", ps)
	}
	if st := lockState(p.name); st != "" {
		t.Errorf("the lock is left behind (%s)", st)
	}
}
