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
	timedStep := func(f func() (time.Duration, error)) func() (sample, error) {
		return func() (sample, error) { d, err := f(); return timeOnly(d), err }
	}
	dockerops := side{tool: "dockerops", reset: func() { _, _ = b.dockerops(ctx, "clean:all,force=True,timeout=1") }, steps: []func() (sample, error){
		timedStep(func() (time.Duration, error) {
			return b.checked(localRunning("dockerops.project="+b.name), func() (time.Duration, error) { return b.dockerops(ctx, "run:all") })
		}),
		timedStep(func() (time.Duration, error) { return b.dockerops(ctx, "run:all") }),
		timedStep(func() (time.Duration, error) { return b.dockerops(ctx, "clean:all,force=True") }),
	}}
	compose := side{tool: "compose", reset: func() { _, _ = b.composeCmd(ctx, "down", "-t", "1") }, steps: []func() (sample, error){
		timedStep(func() (time.Duration, error) {
			return b.checked(localRunning("com.docker.compose.project="+b.name+"c"), func() (time.Duration, error) { return b.composeCmd(ctx, "up", "-d") })
		}),
		timedStep(func() (time.Duration, error) { return b.composeCmd(ctx, "up", "-d") }),
		timedStep(func() (time.Duration, error) { return b.composeCmd(ctx, "down") }),
	}}
	return interleave(fmt.Sprintf("local N=%d", b.n), runs, lifecycle, [2]side{dockerops, compose})
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
