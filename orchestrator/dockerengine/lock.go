package dockerengine

import (
	"context"
	"fmt"
	"io"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"

	"github.com/dockerops/dockerops/orchestrator"
)

var _ orchestrator.Locker = (*Engine)(nil)

// lockStartDelay is how long a held lock container stays created before
// HoldLock starts it: well under the start grace others give it
// (orchestrator's startGrace, a minute). A variable for tests.
var lockStartDelay = 10 * time.Second

// lockStart is the background start of one held lock container.
type lockStart struct {
	started chan struct{} // closed once the start is over, or will not happen
	release chan struct{} // closed by ReleaseLock: do not start it any more
}

// HoldLock creates the lock container with its standard input open for one
// client (StdinOnce), attaches to it and starts it (in the background,
// after lockStartDelay, see below; ReleaseLock cancels or waits for that
// start). Its command reads that input, so it runs while this connection is
// open; when it closes (Close, or this process dies, even across an SSH
// tunnel) the engine closes the container's input and the container exits.
// No network, no restart.
func (e *Engine) HoldLock(ctx context.Context, spec orchestrator.ContainerSpec) (string, io.Closer, error) {
	cfg := &container.Config{
		Image:       spec.Image,
		Labels:      spec.Labels,
		Entrypoint:  spec.Entrypoint,
		Cmd:         spec.Cmd,
		OpenStdin:   true,
		StdinOnce:   true,
		AttachStdin: true,
	}
	host := &container.HostConfig{NetworkMode: "none", RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyDisabled}}
	resp, err := e.cli.ContainerCreate(ctx, cfg, host, nil, nil, spec.Name)
	if cerrdefs.IsConflict(err) {
		return "", nil, fmt.Errorf("%w: %s", orchestrator.ErrLockTaken, spec.Name)
	}
	if err != nil {
		return "", nil, e.check(err, "create container %s", spec.Name)
	}
	undo := func() { _ = e.Remove(context.WithoutCancel(ctx), resp.ID) }
	att, err := e.cli.ContainerAttach(ctx, resp.ID, container.AttachOptions{Stream: true, Stdin: true})
	if err != nil {
		undo()
		return "", nil, e.check(err, "attach to %s", spec.Name)
	}
	// The create is the test-and-set, and the attached input what ends the
	// container with this process: the lock is held from here. Its start,
	// a full container start (a fifth of a second of the engine's work on a
	// small machine, more when it competes with the task's own starts),
	// only lets others see its holder alive, and until then they count a
	// created lock younger than its start grace as held too. So it waits
	// lockStartDelay: a task done by then (a clean, a cold run of a few
	// dozen instances) releases a lock that never started. A holder killed
	// before then leaves a created lock, broken once the grace is over.
	started := make(chan struct{})
	release := make(chan struct{})
	e.lockStarts.Store(resp.ID, lockStart{started: started, release: release})
	go func() {
		defer close(started)
		select {
		case <-time.After(lockStartDelay):
		case <-release:
			return
		}
		err := e.cli.ContainerStart(context.WithoutCancel(ctx), resp.ID, container.StartOptions{})
		if err != nil {
			e.log.Warn("deploy lock container did not start; others take it for held for a minute, then break it",
				"container", spec.Name, "error", err)
		}
	}()
	return resp.ID, hijacked{att.Close}, nil
}

type hijacked struct{ close func() }

func (h hijacked) Close() error { h.close(); return nil }

// LockContainer inspects the container called name.
func (e *Engine) LockContainer(ctx context.Context, name string) (orchestrator.Observed, bool, error) {
	r, err := e.cli.ContainerInspect(ctx, name)
	if cerrdefs.IsNotFound(err) {
		return orchestrator.Observed{}, false, nil
	}
	if err != nil {
		return orchestrator.Observed{}, false, e.check(err, "inspect container %s", name)
	}
	return fromInspect(r), true, nil
}

// ReleaseLock removes the lock container, as Remove does, once its start,
// if it began, is over.
func (e *Engine) ReleaseLock(ctx context.Context, id string) error {
	if v, ok := e.lockStarts.LoadAndDelete(id); ok {
		s := v.(lockStart)
		close(s.release)
		select {
		case <-s.started:
		case <-ctx.Done():
		}
	}
	return e.Remove(ctx, id)
}
