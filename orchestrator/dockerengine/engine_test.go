package dockerengine

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// freeLoopbackPort returns a loopback port nothing listens on.
func freeLoopbackPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestPingEngineDownIsOneClearLine(t *testing.T) {
	tcp := "tcp://" + freeLoopbackPort(t)
	tests := []struct {
		name, host, env, want string
	}{
		{"unix socket in options", "unix:///nonexistent.sock", "",
			`cannot reach the Docker engine at unix:///nonexistent.sock (is it running? start it with "sudo systemctl start docker" or "sudo dockerd &", or set DOCKER_HOST)`},
		{"unix socket from DOCKER_HOST", "", "unix:///nonexistent.sock",
			`cannot reach the Docker engine at unix:///nonexistent.sock (is it running? start it with "sudo systemctl start docker" or "sudo dockerd &", or set DOCKER_HOST)`},
		{"tcp", tcp, "",
			`cannot reach the Docker engine at ` + tcp + ` (is it running and listening there? check DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", tt.env)
			t.Setenv("DOCKER_TLS_VERIFY", "")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			e, err := New(ctx, Options{Host: tt.host})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			_, err = e.Ping(ctx)
			if !errors.Is(err, ErrEngineDown) {
				t.Fatalf("Ping error %v does not wrap ErrEngineDown", err)
			}
			if err.Error() != tt.want {
				t.Errorf("Ping error:\n got %s\nwant %s", err, tt.want)
			}
			// Any other call says the same, not a Go transport error.
			_, err = e.Containers(ctx, "demo")
			if !errors.Is(err, ErrEngineDown) || err.Error() != tt.want {
				t.Errorf("Containers error = %v, want the engine-down line", err)
			}
		})
	}
}

func TestNewRejectsBadHost(t *testing.T) {
	for _, host := range []string{"nonsense", "ssh://", "ssh://user@:22"} {
		e, err := New(context.Background(), Options{Host: host})
		if err == nil {
			e.Close()
			t.Errorf("New(%q) accepted it", host)
			continue
		}
		if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), host) {
			t.Errorf("New(%q) error %q should be one line naming the host", host, err)
		}
	}
}
