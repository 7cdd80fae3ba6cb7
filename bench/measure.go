package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// lifecycle are the phases of the local and the remote case.
var lifecycle = []phase{
	{"cold", "cold start (`run:all` / `up -d`)"},
	{"noop", "no-op re-run (`run:all` / `up -d`)"},
	{"clean", "teardown (`clean:all,force=True` / `down`)"},
}

// measureLocal runs dockerops and Compose on the local engine in
// interleaved rounds: cold start, no-op, teardown.
func (b *bench) measureLocal(ctx context.Context, runs int) (*results, error) {
	// Each tool's steps count the container events of its own project (by
	// label; dockerops's deploy lock container too), so other work on the
	// engine does not count.
	counted := func(labels ...string) func(func() (time.Duration, error)) func() (sample, error) {
		return func(f func() (time.Duration, error)) func() (sample, error) {
			return func() (sample, error) { return eventsDuring(ctx, labels, f) }
		}
	}
	timedStep := counted("dockerops.project="+b.name, "dockerops.lock="+b.name)
	dockerops := side{tool: "dockerops", reset: func() { _, _ = b.dockerops(ctx, "clean:all,force=True,timeout=1") }, steps: []func() (sample, error){
		timedStep(func() (time.Duration, error) {
			return b.checked(localRunning("dockerops.project="+b.name), func() (time.Duration, error) { return b.dockerops(ctx, "run:all") })
		}),
		timedStep(func() (time.Duration, error) { return b.dockerops(ctx, "run:all") }),
		timedStep(func() (time.Duration, error) { return b.dockerops(ctx, "clean:all,force=True") }),
	}}
	timedStep = counted("com.docker.compose.project=" + b.name + "c")
	compose := side{tool: "compose", reset: func() { _, _ = b.composeCmd(ctx, "down", "-t", "1") }, steps: []func() (sample, error){
		timedStep(func() (time.Duration, error) {
			return b.checked(localRunning("com.docker.compose.project="+b.name+"c"), func() (time.Duration, error) { return b.composeCmd(ctx, "up", "-d") })
		}),
		timedStep(func() (time.Duration, error) { return b.composeCmd(ctx, "up", "-d") }),
		timedStep(func() (time.Duration, error) { return b.composeCmd(ctx, "down") }),
	}}
	return interleave(fmt.Sprintf("local N=%d", b.n), runs, lifecycle, [2]side{dockerops, compose})
}

// eventsDuring times f and counts the local engine's container events
// (create, start, kill, destroy, ...: a change each) of containers that carry
// one of labels meanwhile.
func eventsDuring(ctx context.Context, labels []string, f func() (time.Duration, error)) (sample, error) {
	since := time.Now()
	d, err := f()
	if err != nil {
		return sample{}, err
	}
	until := time.Now()
	stamp := func(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }
	s := timeOnly(d)
	s.events = 0
	for _, l := range labels { // one query each: label filters must all match
		out, err := exec.CommandContext(ctx, "docker", "events", "--since", stamp(since), "--until", stamp(until),
			"--filter", "type=container", "--filter", "label="+l, "--format", "{{.Action}}").Output()
		if err != nil {
			return sample{}, fmt.Errorf("docker events: %v", err)
		}
		if lines := strings.TrimSpace(string(out)); lines != "" {
			s.events += int64(strings.Count(lines, "\n") + 1)
		}
	}
	return s, nil
}

// localRunning counts the running containers of the local engine that carry
// label.
func localRunning(label string) func() (int, error) {
	return func() (int, error) {
		out, err := exec.Command("docker", "ps", "-q", "--filter", "status=running", "--filter", "label="+label).Output()
		if err != nil {
			return 0, fmt.Errorf("docker ps: %v", err)
		}
		return len(strings.Fields(string(out))), nil
	}
}

// checked runs a cold start and then makes sure it left the bench's N
// containers running, so every tool is timed on the same work.
func (b *bench) checked(running func() (int, error), start func() (time.Duration, error)) (time.Duration, error) {
	d, err := start()
	if err != nil {
		return d, err
	}
	got, err := running()
	if err != nil {
		return d, err
	}
	if got != b.n {
		return d, fmt.Errorf("after the cold start %d containers run, want %d", got, b.n)
	}
	return d, nil
}
