package dockerengine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"golang.org/x/crypto/ssh"
)

// RunSSH runs command with the shell of the ssh:// host of opts.Host, with
// opts' keys and known_hosts (the host key is checked as for the engine),
// and returns its standard output and error together, and its exit status.
// err is for a command that could not run (no connection, a changed host
// key, cancelled ctx): a command that runs and fails has a non-zero status.
func RunSSH(ctx context.Context, opts Options, command string) (output string, status int, err error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	d, err := newSSHDialer(opts.Host, opts)
	if err != nil {
		return "", -1, fmt.Errorf("%s: %w", opts.Host, err)
	}
	defer d.Close()
	c, err := d.connect(ctx)
	if err != nil {
		return "", -1, err
	}
	s, err := c.NewSession()
	if err != nil {
		return "", -1, fmt.Errorf("ssh %s: new session: %w", d.addr, err)
	}
	defer s.Close()
	stop := context.AfterFunc(ctx, func() { _ = s.Close() })
	defer stop()
	// CombinedOutput, as its writer takes the two streams' writes in turn.
	out, err := s.CombinedOutput(command)
	if ctx.Err() != nil {
		return string(out), -1, ctx.Err()
	}
	var exit *ssh.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitStatus(), nil
	case err != nil:
		return string(out), -1, fmt.Errorf("ssh %s: %s: %w", d.addr, command, err)
	}
	return string(out), 0, nil
}
