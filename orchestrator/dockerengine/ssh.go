package dockerengine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// defaultRemoteSocket is where the engine listens on the far side of ssh://
// unless the URL has a path (ssh://user@host/run/docker.sock).
const defaultRemoteSocket = "/var/run/docker.sock"

// sshDialer opens connections to the remote engine's unix socket through one
// shared ssh connection, made on first use and remade when it drops.
type sshDialer struct {
	addr    string // host:port
	user    string
	socket  string
	signers []ssh.Signer
	keys    *knownHosts

	mu      sync.Mutex
	client  *ssh.Client
	agent   net.Conn
	lastErr error
}

func newSSHDialer(host string, opts Options) (*sshDialer, error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, fmt.Errorf("not an ssh URL: %w", err)
	}
	if u.Hostname() == "" {
		return nil, errors.New("no host name (want ssh://user@host[:port])")
	}
	port := u.Port()
	if port == "" {
		port = "22"
	}
	d := &sshDialer{
		addr:    net.JoinHostPort(u.Hostname(), port),
		user:    u.User.Username(),
		socket:  u.Path,
		signers: opts.SSHSigners,
	}
	if d.socket == "" || d.socket == "/" {
		d.socket = defaultRemoteSocket
	}
	if d.user == "" {
		me, err := user.Current()
		if err != nil {
			return nil, fmt.Errorf("no user in the URL and no current user: %w", err)
		}
		d.user = me.Username
	}
	file := opts.KnownHostsFile
	if file == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("no known_hosts file given and no home directory: %w", err)
		}
		file = filepath.Join(home, ".ssh", "known_hosts")
	}
	d.keys = &knownHosts{path: file, log: opts.Log}
	return d, nil
}

// target is how to reach the host with the OpenSSH client, for hints.
func (d *sshDialer) target() string {
	host, port, _ := net.SplitHostPort(d.addr)
	if port == "22" {
		return d.user + "@" + host
	}
	return fmt.Sprintf("-p %s %s@%s", port, d.user, host)
}

// DialContext opens a stream to the remote engine socket. The docker client
// passes its placeholder address, which is ignored.
func (d *sshDialer) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	conn, err := d.dial(ctx)
	d.mu.Lock()
	d.lastErr = err
	d.mu.Unlock()
	return conn, err
}

func (d *sshDialer) dial(ctx context.Context) (net.Conn, error) {
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := c.DialContext(ctx, "unix", d.socket)
	var refused *ssh.OpenChannelError
	if err != nil && !errors.As(err, &refused) && ctx.Err() == nil {
		// The shared connection may have died since last use: remake it once.
		d.drop(c)
		if c, err = d.connect(ctx); err != nil {
			return nil, err
		}
		conn, err = c.DialContext(ctx, "unix", d.socket)
	}
	if err != nil {
		return nil, fmt.Errorf("ssh %s: cannot open %s there (is the engine running? may %s use it?): %w",
			d.addr, d.socket, d.user, err)
	}
	return conn, nil
}

// connect returns the shared ssh connection, making it when needed.
func (d *sshDialer) connect(ctx context.Context) (*ssh.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.client != nil {
		return d.client, nil
	}
	var nd net.Dialer
	conn, err := nd.DialContext(ctx, "tcp", d.addr)
	if err != nil {
		return nil, fmt.Errorf("ssh %s: %w", d.addr, err)
	}
	// The handshake knows no context: closing the socket interrupts it.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	cfg := &ssh.ClientConfig{
		User:              d.user,
		Auth:              []ssh.AuthMethod{ssh.PublicKeysCallback(d.authSigners)},
		HostKeyCallback:   d.keys.check,
		HostKeyAlgorithms: d.keys.algorithms(d.addr, conn.RemoteAddr()),
		Timeout:           15 * time.Second,
	}
	sc, chans, reqs, err := ssh.NewClientConn(conn, d.addr, cfg)
	if !stop() {
		if err == nil {
			_ = sc.Close()
		}
		return nil, ctx.Err()
	}
	if err != nil {
		_ = conn.Close()
		var changed *hostKeyChangedError
		if errors.As(err, &changed) {
			err = changed // without the "handshake failed" wrapping
		}
		return nil, fmt.Errorf("ssh %s@%s: %w", d.user, d.addr, err)
	}
	c := ssh.NewClient(sc, chans, reqs)
	d.client = c
	go func() {
		_ = c.Wait()
		d.drop(c)
	}()
	return c, nil
}

// drop forgets c if it is still the shared connection, and closes it.
func (d *sshDialer) drop(c *ssh.Client) {
	d.mu.Lock()
	if d.client == c {
		d.client = nil
	}
	d.mu.Unlock()
	_ = c.Close()
}

// authSigners offers the given keys, then the agent's. It runs inside the
// handshake, under d.mu.
func (d *sshDialer) authSigners() ([]ssh.Signer, error) {
	signers := append([]ssh.Signer(nil), d.signers...)
	if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" {
		if d.agent == nil {
			if conn, err := net.Dial("unix", sock); err == nil {
				d.agent = conn
			}
		}
		if d.agent != nil {
			if more, err := agent.NewClient(d.agent).Signers(); err == nil {
				signers = append(signers, more...)
			}
		}
	}
	if len(signers) == 0 {
		return nil, errors.New("no ssh key to offer (start an ssh-agent with your key and set SSH_AUTH_SOCK)")
	}
	return signers, nil
}

// lastError is why the latest dial failed, nil after a success.
func (d *sshDialer) lastError() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lastErr
}

func (d *sshDialer) Close() error {
	d.mu.Lock()
	c, a := d.client, d.agent
	d.client, d.agent = nil, nil
	d.mu.Unlock()
	var err error
	if c != nil {
		err = c.Close()
	}
	if a != nil {
		err = errors.Join(err, a.Close())
	}
	return err
}
