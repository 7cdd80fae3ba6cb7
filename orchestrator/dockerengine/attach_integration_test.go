package dockerengine

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/dockerops/dockerops/orchestrator"
)

// run creates, starts and waits for a one-shot container, returning its
// output and exit code.
func run(t *testing.T, e *Engine, ctx context.Context, spec orchestrator.ContainerSpec, in string) (string, int) {
	t.Helper()
	if spec.Name == "" {
		spec.Name = uniqueName(t)
	}
	spec.AutoRemove = true
	spec.OpenStdin = in != ""
	id, err := e.Create(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Remove(context.Background(), id) })
	var out bytes.Buffer
	s := orchestrator.Streams{Out: &out, Err: &out}
	if in != "" {
		s.In = strings.NewReader(in)
	}
	code, err := e.Attach(ctx, id, s)
	if err != nil {
		t.Fatalf("attach %s: %v", spec.Name, err)
	}
	return out.String(), code
}

func TestIntegrationAttachInteractive(t *testing.T) {
	e, ctx := integration(t)
	out, code := run(t, e, ctx, orchestrator.ContainerSpec{
		Image: baseImage, TTY: true,
		Cmd: []string{"sh", "-c", "read answer; echo got-$answer; exit 7"},
	}, "forty-two\n")
	if code != 7 || !strings.Contains(out, "got-forty-two") {
		t.Errorf("interactive container: exit %d output %q; want 7 and got-forty-two", code, out)
	}
	// The end of piped input reaches a TTY session as Ctrl-D.
	out, code = run(t, e, ctx, orchestrator.ContainerSpec{
		Image: baseImage, TTY: true, Cmd: []string{"sh", "-c", "wc -l; echo done"},
	}, "a\nb\n")
	if code != 0 || !strings.Contains(out, "2\r\ndone") {
		t.Errorf("TTY container reading to the end of input: exit %d output %q", code, out)
	}
	out, code = run(t, e, ctx, orchestrator.ContainerSpec{
		Image: baseImage, Cmd: []string{"sh", "-c", "echo to-stdout; echo to-stderr >&2"},
	}, "")
	if code != 0 || !strings.Contains(out, "to-stdout") || !strings.Contains(out, "to-stderr") {
		t.Errorf("attached container without TTY: exit %d output %q", code, out)
	}
}

// TestIntegrationOverSSH drives the real engine through the pure-Go ssh
// dialer (an in-process ssh server forwarding to the local socket),
// including the hijacked connections of attach and exec.
func TestIntegrationOverSSH(t *testing.T) {
	local, ctx := integration(t)
	t.Setenv("SSH_AUTH_SOCK", "")
	user := newEd25519(t)
	const socket = "/var/run/docker.sock"
	srv := startSSHServer(t, user.PublicKey(), socket, newEd25519(t))
	e, err := New(ctx, Options{
		Host:           "ssh://" + srv.user + "@" + srv.addr + socket,
		SSHSigners:     []ssh.Signer{user},
		KnownHostsFile: filepath.Join(t.TempDir(), "known_hosts"),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	remote, err := e.Ping(ctx)
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := local.Ping(ctx)
	if remote.ServerVersion != direct.ServerVersion || remote.APIVersion != direct.APIVersion {
		t.Errorf("over ssh %+v, directly %+v", remote, direct)
	}
	out, code := run(t, e, ctx, orchestrator.ContainerSpec{Image: baseImage,
		Cmd: []string{"sh", "-c", "tr a-z A-Z; exit 4"}}, "through ssh\n")
	if out != "THROUGH SSH\n" || code != 4 {
		t.Errorf("attached over ssh: %q exit %d; want THROUGH SSH and 4", out, code)
	}
	c, err := e.Create(ctx, orchestrator.ContainerSpec{Name: uniqueName(t), Image: baseImage, Cmd: sleeper})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Remove(context.Background(), c) })
	if err := e.Start(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, code := execOut(t, e, ctx, c, orchestrator.ExecSpec{Cmd: []string{"cat"},
		Streams: orchestrator.Streams{In: strings.NewReader("exec over ssh")}}); got != "exec over ssh" || code != 0 {
		t.Errorf("exec over ssh: %q exit %d", got, code)
	}
}
