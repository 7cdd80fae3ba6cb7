package dockerengine

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

func TestSSHTrustOnFirstUseThenRefuseChangedKey(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	socket, requests := fakeEngine(t)
	user, host := newEd25519(t), newEd25519(t)
	srv := startSSHServer(t, user.PublicKey(), socket, host)
	knownHosts := filepath.Join(t.TempDir(), "ssh", "known_hosts") // neither folder nor file exist yet
	opts := Options{SSHSigners: []ssh.Signer{user}, KnownHostsFile: knownHosts}

	// First contact: the request goes through and the key is recorded.
	version, err := pingOverSSH(t, srv, opts)
	if err != nil {
		t.Fatalf("first contact: %v", err)
	}
	if version != "20.10.99-fake" {
		t.Errorf("engine version over ssh = %q, want the fake engine's", version)
	}
	_, port, _ := net.SplitHostPort(srv.addr)
	wantLine := "[127.0.0.1]:" + port + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(host.PublicKey())))
	recorded := readFile(t, knownHosts)
	if recorded != wantLine+"\n" {
		t.Fatalf("known_hosts after first contact:\n%s\nwant:\n%s", recorded, wantLine)
	}

	// Same key again: accepted, nothing more written.
	if _, err := pingOverSSH(t, srv, opts); err != nil {
		t.Fatalf("second contact: %v", err)
	}
	if got := readFile(t, knownHosts); got != recorded {
		t.Errorf("known_hosts changed on a known host:\n%s", got)
	}

	// The host now has a different key: refused before any request is sent.
	before := requests.Load()
	srv.setHostKeys(newEd25519(t))
	_, err = pingOverSSH(t, srv, opts)
	if !errors.Is(err, ErrHostKeyChanged) || !errors.Is(err, ErrEngineDown) {
		t.Fatalf("changed host key: error %v, want ErrHostKeyChanged and ErrEngineDown", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, knownHosts+":1") {
		t.Errorf("changed host key error should be one line naming %s:1, got %q", knownHosts, msg)
	}
	if requests.Load() != before {
		t.Error("a request reached the engine through a host with a changed key")
	}
	if got := readFile(t, knownHosts); got != recorded {
		t.Errorf("known_hosts rewritten after a changed key:\n%s", got)
	}
}

func TestSSHHostWithAnotherKeyTypeIsNotAChangedHost(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	socket, _ := fakeEngine(t)
	user, ed := newEd25519(t), newEd25519(t)
	srv := startSSHServer(t, user.PublicKey(), socket, ed)
	opts := Options{SSHSigners: []ssh.Signer{user}, KnownHostsFile: filepath.Join(t.TempDir(), "known_hosts")}
	if _, err := pingOverSSH(t, srv, opts); err != nil {
		t.Fatal(err)
	}
	// The host gains an ECDSA key, which clients prefer by default; the
	// known ed25519 key must still be the one asked for.
	srv.setHostKeys(newECDSA(t), ed)
	if _, err := pingOverSSH(t, srv, opts); err != nil {
		t.Fatalf("host with an added key type refused: %v", err)
	}
}

func TestSSHAuthenticatesWithAgent(t *testing.T) {
	socket, _ := fakeEngine(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	user, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	agentSock := filepath.Join(filepath.Dir(socket), "agent.sock")
	ln, err := net.Listen("unix", agentSock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { agent.ServeAgent(keyring, c); c.Close() }()
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", agentSock)
	srv := startSSHServer(t, user.PublicKey(), socket, newEd25519(t))
	opts := Options{KnownHostsFile: filepath.Join(t.TempDir(), "known_hosts")}
	if _, err := pingOverSSH(t, srv, opts); err != nil {
		t.Fatalf("ping with the agent's key: %v", err)
	}
}

func TestSSHUnauthorizedKeyIsAClearError(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	socket, _ := fakeEngine(t)
	srv := startSSHServer(t, newEd25519(t).PublicKey(), socket, newEd25519(t))
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	tests := []struct {
		name    string
		signers []ssh.Signer
		want    string
	}{
		{"wrong key", []ssh.Signer{newEd25519(t)}, "unable to authenticate"},
		{"no key at all", nil, "no ssh key to offer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pingOverSSH(t, srv, Options{SSHSigners: tt.signers, KnownHostsFile: knownHosts})
			if !errors.Is(err, ErrEngineDown) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrEngineDown saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestSSHMissingRemoteSocket(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	socket, _ := fakeEngine(t)
	user := newEd25519(t)
	srv := startSSHServer(t, user.PublicKey(), socket, newEd25519(t))
	srv.socket = socket + ".gone" // the server forwards only to a socket that is not there
	_, err := pingOverSSH(t, srv, Options{SSHSigners: []ssh.Signer{user}, KnownHostsFile: filepath.Join(t.TempDir(), "kh")})
	if !errors.Is(err, ErrEngineDown) || !strings.Contains(err.Error(), "cannot open "+socket+".gone") {
		t.Fatalf("error %v, want ErrEngineDown naming the remote socket", err)
	}
}

func TestSSHForgetHostsThenTrustTheNewKey(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	socket, _ := fakeEngine(t)
	user := newEd25519(t)
	srv := startSSHServer(t, user.PublicKey(), socket, newEd25519(t))
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	opts := Options{SSHSigners: []ssh.Signer{user}, KnownHostsFile: knownHosts}
	if _, err := pingOverSSH(t, srv, opts); err != nil {
		t.Fatalf("first contact: %v", err)
	}
	other := "10.1.2.3 " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(newEd25519(t).PublicKey()))) + "\n"
	writeFile(t, knownHosts, "# kept\n"+other+readFile(t, knownHosts))

	// The droplet is destroyed and its address given to a new one.
	if err := ForgetHosts(knownHosts, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, knownHosts); got != "# kept\n"+other {
		t.Fatalf("known_hosts after forgetting 127.0.0.1:\n%s\nwant only the other lines", got)
	}
	srv.setHostKeys(newEd25519(t))
	if _, err := pingOverSSH(t, srv, opts); err != nil {
		t.Errorf("a forgotten address with a new key should be trusted anew: %v", err)
	}
	if err := ForgetHosts(filepath.Join(t.TempDir(), "none"), "127.0.0.1"); err != nil {
		t.Errorf("forgetting in a missing file: %v", err)
	}
}
