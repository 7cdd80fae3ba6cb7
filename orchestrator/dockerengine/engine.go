package dockerengine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/client"
	"golang.org/x/crypto/ssh"

	"github.com/dockerops/dockerops/orchestrator"
)

var _ orchestrator.Engine = (*Engine)(nil)

// ErrEngineDown is wrapped by every error that comes from not reaching the
// engine at all, so callers can tell "engine down" from "engine said no".
var ErrEngineDown = errors.New("cannot reach the Docker engine")

// Options say which engine to talk to.
type Options struct {
	// Host is the engine address; "" means DOCKER_HOST, else the default
	// socket. unix://, tcp:// (TLS from DOCKER_TLS_VERIFY and
	// DOCKER_CERT_PATH) and ssh://user@host[:port][/remote/docker.sock]
	// (default socket /var/run/docker.sock) are understood.
	Host string
	// SSHSigners authenticate ssh:// hosts, together with the keys of the
	// agent at SSH_AUTH_SOCK when one is set.
	SSHSigners []ssh.Signer
	// KnownHostsFile holds the ssh host keys; "" means ~/.ssh/known_hosts.
	// An unknown host's key is recorded there on first contact.
	KnownHostsFile string
	// Log receives every engine request at debug level and the warning for
	// a newly recorded ssh host key; nil logs nothing.
	Log *slog.Logger
}

// Engine is a Docker engine reached through the Go SDK.
type Engine struct {
	cli  *client.Client
	host string     // what the user named, for messages
	ssh  *sshDialer // nil unless the host is ssh://
	log  *slog.Logger

	lockStarts sync.Map // lock container ID -> lockStart
}

// New makes an engine client. It does not contact the engine: Ping does.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	host := opts.Host
	if host == "" {
		host = os.Getenv(client.EnvOverrideHost)
	}
	clientOpts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	e := &Engine{host: host, log: opts.Log}
	switch {
	case strings.HasPrefix(host, "ssh://"):
		d, err := newSSHDialer(host, opts)
		if err != nil {
			return nil, fmt.Errorf("docker host %q: %w", host, err)
		}
		e.ssh = d
		// The http host is only a placeholder: every connection goes through
		// the ssh dialer, which ignores the address it is given. The
		// transport is set after the host, so no HTTP proxy applies.
		clientOpts = []client.Opt{client.WithVersionFromEnv(), client.WithAPIVersionNegotiation(),
			client.WithHost("http://docker"), client.WithHTTPClient(&http.Client{Transport: &http.Transport{
				DialContext: d.DialContext, IdleConnTimeout: 30 * time.Second,
			}})}
	case host != "":
		clientOpts = append(clientOpts, client.WithHost(host))
	default:
		e.host = client.DefaultDockerHost
	}
	cli, err := client.NewClientWithOpts(append(clientOpts, keepConnections)...)
	if err != nil {
		if e.ssh != nil {
			_ = e.ssh.Close()
		}
		return nil, fmt.Errorf("docker host %q: %w", host, err)
	}
	logRequests(cli, opts.Log)
	e.cli = cli
	return e, nil
}

// idleConnections is how many connections to the engine stay open between
// requests, so parallel creates and starts reuse theirs (parallel=N or the
// default, no bound, may have more in flight: those beyond it reconnect). With net/http's default of 2 per
// host every request beyond the second made a new connection, which over
// ssh:// is a new channel and a new connection to the remote socket.
const idleConnections = 32

// keepConnections lets the client keep idleConnections open. It is an
// option, after the host's: once the options have run, the SDK wraps its
// *http.Transport in its tracing one, out of reach.
func keepConnections(cli *client.Client) error {
	if t, ok := cli.HTTPClient().Transport.(*http.Transport); ok {
		t.MaxIdleConns, t.MaxIdleConnsPerHost = idleConnections, idleConnections
	}
	return nil
}

// Close releases the client's connections (and the ssh connection).
func (e *Engine) Close() error {
	err := e.cli.Close()
	if e.ssh != nil {
		err = errors.Join(err, e.ssh.Close())
	}
	return err
}

// Ping checks the engine answers and says what it is.
func (e *Engine) Ping(ctx context.Context) (orchestrator.EngineInfo, error) {
	api, err := e.Reach(ctx)
	if err != nil {
		return orchestrator.EngineInfo{}, err
	}
	v, err := e.cli.ServerVersion(ctx)
	if err != nil {
		return orchestrator.EngineInfo{}, e.check(err, "engine version")
	}
	return orchestrator.EngineInfo{
		Host:          e.host,
		ServerVersion: v.Version,
		APIVersion:    api,
		OS:            v.Os + "/" + v.Arch,
	}, nil
}

// Reach checks the engine answers with one ping, which also settles the
// API version the requests after it use (the SDK would otherwise ping again
// before its first versioned request), and returns that version.
func (e *Engine) Reach(ctx context.Context) (string, error) {
	ping, err := e.cli.Ping(ctx)
	if err != nil {
		return "", e.down(err)
	}
	e.cli.NegotiateAPIVersionPing(ping)
	return e.cli.ClientVersion(), nil
}

// check wraps err with what was being done, turning connection failures
// into the one-line ErrEngineDown message.
func (e *Engine) check(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if client.IsErrConnectionFailed(err) {
		return e.down(err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}

// down turns a failure to reach the engine into one line with a hint.
func (e *Engine) down(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if !client.IsErrConnectionFailed(err) {
		return fmt.Errorf("%w at %s: %s", ErrEngineDown, e.host, oneLine(err))
	}
	if e.ssh != nil {
		if cause := e.ssh.lastError(); cause != nil {
			return fmt.Errorf("%w at %s: %w", ErrEngineDown, e.host, oneLineErr{cause})
		}
		return fmt.Errorf("%w at %s (is it running on the remote host? check with \"ssh %s docker info\")",
			ErrEngineDown, e.host, e.ssh.target())
	}
	if strings.Contains(err.Error(), "permission denied") {
		return fmt.Errorf("%w at %s: permission denied (run as root or add your user to the \"docker\" group)",
			ErrEngineDown, e.host)
	}
	if strings.HasPrefix(e.host, "tcp://") {
		return fmt.Errorf("%w at %s (is it running and listening there? check DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH)",
			ErrEngineDown, e.host)
	}
	return fmt.Errorf("%w at %s (is it running? start it with \"sudo systemctl start docker\" or \"sudo dockerd &\", or set DOCKER_HOST)",
		ErrEngineDown, e.host)
}

// oneLine keeps an error message to one line, for users.
func oneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// oneLineErr shows an error on one line but keeps it for errors.Is.
type oneLineErr struct{ err error }

func (o oneLineErr) Error() string { return oneLine(o.err) }
func (o oneLineErr) Unwrap() error { return o.err }

// MachineName is the hostname of the engine's machine, as `docker info`
// names it.
func (e *Engine) MachineName(ctx context.Context) (string, error) {
	info, err := e.cli.Info(ctx)
	if err != nil {
		return "", e.check(err, "engine info")
	}
	return info.Name, nil
}
