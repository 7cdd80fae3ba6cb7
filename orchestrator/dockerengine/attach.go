package dockerengine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/dockerops/dockerops/orchestrator"
)

// Attach starts a created container wired to streams, as `docker run -it`
// does, and returns its exit code when it ends.
func (e *Engine) Attach(ctx context.Context, id string, s orchestrator.Streams) (int, error) {
	info, err := e.cli.ContainerInspect(ctx, id)
	if err != nil {
		return -1, e.check(err, "attach to %s", id)
	}
	tty := info.Config != nil && info.Config.Tty
	if info.Config == nil || !info.Config.OpenStdin {
		s.In = nil // the container reads no input: leave the terminal alone
	}
	att, err := e.cli.ContainerAttach(ctx, id, container.AttachOptions{
		Stream: true,
		Stdin:  s.In != nil,
		Stdout: true,
		Stderr: true,
	})
	if err != nil {
		return -1, e.check(err, "attach to %s", id)
	}
	defer att.Close()
	// Wait is set up before the start so a quick exit, or the removal of an
	// auto-removed container, cannot be missed.
	cond := container.WaitConditionNextExit
	if info.HostConfig != nil && info.HostConfig.AutoRemove {
		cond = container.WaitConditionRemoved
	}
	waitCtx, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	waitCh, waitErr := e.cli.ContainerWait(waitCtx, id, cond)

	local, err := rawTerminal(s.In, tty)
	if err != nil {
		return -1, err
	}
	defer local.restore()
	if err := e.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return -1, e.check(err, "start container %s", id)
	}
	if local != nil {
		stop := watchResize(func() {
			if h, w, ok := local.size(); ok {
				_ = e.cli.ContainerResize(ctx, id, container.ResizeOptions{Height: h, Width: w})
			}
		})
		defer stop()
	}
	if err := pump(ctx, att, s, tty); err != nil {
		return -1, fmt.Errorf("attach to %s: %w", id, err)
	}
	select {
	case res := <-waitCh:
		if res.Error != nil && res.Error.Message != "" {
			return -1, fmt.Errorf("wait for %s: %s", id, res.Error.Message)
		}
		return int(res.StatusCode), nil
	case err := <-waitErr:
		return -1, e.check(err, "wait for %s", id)
	}
}

// Logs copies a container's output to spec's writers, following it when
// asked, until the container stops or ctx ends.
func (e *Engine) Logs(ctx context.Context, id string, spec orchestrator.LogsSpec) error {
	info, err := e.cli.ContainerInspect(ctx, id)
	if err != nil {
		return e.check(err, "logs of %s", id)
	}
	rc, err := e.cli.ContainerLogs(ctx, id, logsOptions(spec))
	if err != nil {
		return e.check(err, "logs of %s", id)
	}
	defer rc.Close()
	out, errw := orDiscard(spec.Out), orDiscard(spec.Err)
	if info.Config != nil && info.Config.Tty {
		_, err = io.Copy(out, rc)
	} else {
		_, err = stdcopy.StdCopy(out, errw, rc)
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("logs of %s: %w", id, err)
	}
	return nil
}

func logsOptions(spec orchestrator.LogsSpec) container.LogsOptions {
	o := container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: spec.Follow, Timestamps: spec.Timestamps}
	if spec.Tail > 0 {
		o.Tail = strconv.Itoa(spec.Tail)
	}
	if !spec.Since.IsZero() {
		o.Since = fmt.Sprintf("%d.%09d", spec.Since.Unix(), spec.Since.Nanosecond())
	}
	return o
}
