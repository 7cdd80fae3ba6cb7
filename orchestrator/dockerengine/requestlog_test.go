package dockerengine

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func debugLog() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

// wantRequests checks that out has a debug line per Ping request.
func wantRequests(t *testing.T, out string) {
	t.Helper()
	for _, re := range []string{
		`level=DEBUG msg="Docker engine" method=(GET|HEAD) path=/_ping status=200 duration=\S+`,
		`level=DEBUG msg="Docker engine" method=GET path=/v1.41/version status=200 duration=\S+`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no debug line matching %s:\n%s", re, out)
		}
	}
}

func TestDebugLogShowsEngineRequests(t *testing.T) {
	socket, _ := fakeEngine(t)
	log, buf := debugLog()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e, err := New(ctx, Options{Host: "unix://" + socket, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, buf.String())
}

func TestDebugLogOverSSHAndHostKeyWarning(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	socket, _ := fakeEngine(t)
	user, host := newEd25519(t), newEd25519(t)
	srv := startSSHServer(t, user.PublicKey(), socket, host)
	log, buf := debugLog()
	opts := Options{SSHSigners: []ssh.Signer{user}, KnownHostsFile: filepath.Join(t.TempDir(), "known_hosts"), Log: log}
	if _, err := pingOverSSH(t, srv, opts); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	wantRequests(t, out)
	if !strings.Contains(out, `level=WARN msg="ssh: recorded the host key of a new host" host=`) ||
		!strings.Contains(out, ssh.FingerprintSHA256(host.PublicKey())) {
		t.Errorf("the first-use host key warning is not in the log:\n%s", out)
	}
}
