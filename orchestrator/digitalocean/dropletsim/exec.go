package dropletsim

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"
)

// pollInterval is the pause between two looks at a service that is starting.
const pollInterval = 200 * time.Millisecond

// Exec runs cmd as root in the droplet (not over SSH: through the local
// engine), feeding it stdin when not nil, and returns its standard output. A
// non-zero exit is an error that carries the standard error.
func (d *Droplet) Exec(ctx context.Context, stdin io.Reader, cmd ...string) (string, error) {
	created, err := d.cli.ContainerExecCreate(ctx, d.Container, container.ExecOptions{
		Cmd: cmd, AttachStdin: stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return "", fmt.Errorf("exec %s in %s: %w", strings.Join(cmd, " "), d.Name, err)
	}
	att, err := d.cli.ContainerExecAttach(ctx, created.ID, container.ExecAttachOptions{})
	if err != nil {
		return "", fmt.Errorf("exec %s in %s: %w", strings.Join(cmd, " "), d.Name, err)
	}
	defer att.Close()
	stop := context.AfterFunc(ctx, func() { att.Close() })
	defer stop()
	copied := make(chan error, 1)
	if stdin != nil {
		go func() {
			_, err := io.Copy(att.Conn, stdin)
			copied <- errors.Join(err, att.CloseWrite())
		}()
	} else {
		copied <- nil
	}
	var stdout, stderr bytes.Buffer
	_, readErr := stdcopy.StdCopy(&stdout, &stderr, att.Reader)
	if err := errors.Join(ctx.Err(), readErr, <-copied); err != nil {
		return "", fmt.Errorf("exec %s in %s: %w", strings.Join(cmd, " "), d.Name, err)
	}
	info, err := d.cli.ContainerExecInspect(ctx, created.ID)
	if err != nil {
		return "", fmt.Errorf("exec %s in %s: %w", strings.Join(cmd, " "), d.Name, err)
	}
	if info.ExitCode != 0 {
		return stdout.String(), fmt.Errorf("exec %s in %s: exit %d: %s",
			strings.Join(cmd, " "), d.Name, info.ExitCode, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// Load copies image from the local engine into the droplet's engine, as
// `docker save image | ssh droplet docker load` would.
func (d *Droplet) Load(ctx context.Context, image string) error {
	saved, err := d.cli.ImageSave(ctx, []string{image})
	if err != nil {
		return fmt.Errorf("load %s into %s: save on the local engine: %w", image, d.Name, err)
	}
	defer saved.Close()
	if _, err := d.Exec(ctx, saved, "docker", "load", "-q"); err != nil {
		return fmt.Errorf("load %s: %w", image, err)
	}
	return nil
}

// WaitDocker waits until the droplet's engine answers.
func (d *Droplet) WaitDocker(ctx context.Context) error {
	return poll(ctx, "Docker engine of "+d.Name, func() error {
		_, err := d.Exec(ctx, nil, "docker", "info", "--format", "{{.ServerVersion}}")
		return err
	})
}

// waitSSH waits until sshd greets on port 22.
func (d *Droplet) waitSSH(ctx context.Context) error {
	addr := net.JoinHostPort(d.IP, "22")
	return poll(ctx, "sshd at "+addr, func() error {
		var nd net.Dialer
		conn, err := nd.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		banner, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(banner, "SSH-") {
			return fmt.Errorf("greeting %q is not SSH", strings.TrimSpace(banner))
		}
		return nil
	})
}

// poll calls try until it succeeds or ctx ends; the error then names what
// was awaited and how the last try failed.
func poll(ctx context.Context, what string, try func() error) error {
	for {
		err := try()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s does not answer: %w (last try: %v)", what, ctx.Err(), err)
		case <-time.After(pollInterval):
		}
	}
}
