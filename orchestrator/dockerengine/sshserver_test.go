package dockerengine

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// fakeEngine serves the two calls Ping makes on a unix socket, standing in
// for the engine on the far side of ssh.
func fakeEngine(t *testing.T) (socket string, requests *atomic.Int32) {
	t.Helper()
	dir, err := os.MkdirTemp("", "de-ssh-") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	socket = filepath.Join(dir, "docker.sock")
	ln, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	requests = new(atomic.Int32)
	mux := http.NewServeMux()
	mux.HandleFunc("/_ping", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Api-Version", "1.41")
		w.Header().Set("Ostype", "linux")
		fmt.Fprint(w, "OK")
	})
	mux.HandleFunc("/v1.41/version", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		fmt.Fprint(w, `{"Version":"20.10.99-fake","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}`)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return socket, requests
}

// sshServer is an in-process ssh server on 127.0.0.1 that forwards
// direct-streamlocal channels (what Client.Dial("unix", ...) opens) to one
// local socket. Its host keys can be swapped between connections.
type sshServer struct {
	addr       string
	user       string
	authorized ssh.PublicKey
	socket     string

	mu       sync.Mutex
	hostKeys []ssh.Signer

	// handshakes counts the ssh connections authenticated, channels the
	// socket streams opened on them.
	handshakes, channels atomic.Int32
}

func startSSHServer(t *testing.T, authorized ssh.PublicKey, socket string, hostKeys ...ssh.Signer) *sshServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sshServer{addr: ln.Addr().String(), user: "tester", authorized: authorized, socket: socket, hostKeys: hostKeys}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *sshServer) setHostKeys(keys ...ssh.Signer) {
	s.mu.Lock()
	s.hostKeys = keys
	s.mu.Unlock()
}

func (s *sshServer) serve(conn net.Conn) {
	defer conn.Close()
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		if meta.User() == s.user && bytes.Equal(key.Marshal(), s.authorized.Marshal()) {
			return nil, nil
		}
		return nil, errors.New("not authorized")
	}}
	s.mu.Lock()
	for _, k := range s.hostKeys {
		cfg.AddHostKey(k)
	}
	s.mu.Unlock()
	sc, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	defer sc.Close()
	s.handshakes.Add(1)
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		var msg struct {
			SocketPath, Reserved0 string
			Reserved1             uint32
		}
		if nc.ChannelType() != "direct-streamlocal@openssh.com" {
			nc.Reject(ssh.UnknownChannelType, "only unix socket forwarding here")
			continue
		}
		if err := ssh.Unmarshal(nc.ExtraData(), &msg); err != nil || msg.SocketPath != s.socket {
			nc.Reject(ssh.Prohibited, "no such socket")
			continue
		}
		local, err := net.Dial("unix", msg.SocketPath)
		if err != nil {
			nc.Reject(ssh.ConnectionFailed, err.Error())
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			local.Close()
			continue
		}
		s.channels.Add(1)
		go ssh.DiscardRequests(chReqs)
		go func() {
			io.Copy(ch, local)
			ch.CloseWrite()
		}()
		go func() {
			io.Copy(local, ch)
			local.(*net.UnixConn).CloseWrite()
		}()
	}
}

func newEd25519(t *testing.T) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	return signerOf(t, priv, err)
}

func newECDSA(t *testing.T) ssh.Signer {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return signerOf(t, priv, err)
}

// signerOf turns a freshly generated private key into an ssh.Signer.
func signerOf(t *testing.T, priv any, err error) ssh.Signer {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pingOverSSH makes a fresh engine for the server and pings it.
func pingOverSSH(t *testing.T, s *sshServer, opts Options) (string, error) {
	t.Helper()
	opts.Host = "ssh://" + s.user + "@" + s.addr + s.socket
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e, err := New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	info, err := e.Ping(ctx)
	return info.ServerVersion, err
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
