package dockerengine

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/dockerops/dockerops/orchestrator"
)

// Exec runs a command in a running container and returns its exit code.
// Output goes to spec.Streams (discarded when nil); with a TTY and a
// terminal as input, the local terminal is raw while the command runs.
func (e *Engine) Exec(ctx context.Context, id string, spec orchestrator.ExecSpec) (int, error) {
	s := spec.Streams
	created, err := e.cli.ContainerExecCreate(ctx, id, container.ExecOptions{
		User:         spec.User,
		Env:          spec.Env,
		Cmd:          spec.Cmd,
		Tty:          spec.TTY,
		AttachStdin:  s.In != nil,
		AttachStdout: true, // also how we learn the command ended
		AttachStderr: true,
	})
	if err != nil {
		return -1, e.check(err, "exec in %s", id)
	}
	att, err := e.cli.ContainerExecAttach(ctx, created.ID, container.ExecAttachOptions{Tty: spec.TTY})
	if err != nil {
		return -1, e.check(err, "exec in %s", id)
	}
	defer att.Close()
	local, err := rawTerminal(s.In, spec.TTY)
	if err != nil {
		return -1, err
	}
	defer local.restore()
	if local != nil {
		stop := watchResize(func() {
			if h, w, ok := local.size(); ok {
				_ = e.cli.ContainerExecResize(ctx, created.ID, container.ResizeOptions{Height: h, Width: w})
			}
		})
		defer stop()
	}
	if err := pump(ctx, att, s, spec.TTY); err != nil {
		return -1, fmt.Errorf("exec in %s: %w", id, err)
	}
	return e.execExitCode(ctx, created.ID)
}

// execExitCode waits for the engine to record the exit, which can lag a
// moment behind the end of the output stream.
func (e *Engine) execExitCode(ctx context.Context, execID string) (int, error) {
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		info, err := e.cli.ContainerExecInspect(ctx, execID)
		if err != nil {
			return -1, e.check(err, "exec %s", execID)
		}
		if !info.Running {
			return info.ExitCode, nil
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(delay):
		}
	}
}

// pump copies stdin to the hijacked connection and its output to the
// streams, demultiplexed unless there is a TTY, until the output ends.
func pump(ctx context.Context, att types.HijackedResponse, s orchestrator.Streams, tty bool) error {
	out, errOut := orDiscard(s.Out), orDiscard(s.Err)
	if s.In != nil {
		go func() {
			_, _ = io.Copy(att.Conn, s.In)
			if tty {
				// With a TTY the engine ends the whole session, output
				// included, when input closes; a terminal's end of input
				// is Ctrl-D instead.
				_, _ = att.Conn.Write([]byte{4})
				return
			}
			_ = att.CloseWrite()
		}()
	}
	done := make(chan error, 1)
	go func() {
		var err error
		if tty {
			_, err = io.Copy(out, att.Reader)
		} else {
			_, err = stdcopy.StdCopy(out, errOut, att.Reader)
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		att.Close()
		<-done
		return ctx.Err()
	}
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
