package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ReadyImage is the image whose container must start on a host before it is
// ready: Debian's, the base of the project's images.
const ReadyImage = "debian:bookworm-slim"

// ErrNotAnswering is wrapped by a Command's error when the host does not
// answer yet (sshd not up): the wait goes on. Any other error ends it.
var ErrNotAnswering = errors.New("the host does not answer over SSH yet")

// Command runs a shell command on a host over SSH and returns its standard
// output and error together and its exit status; err only when the command
// could not run at all.
type Command func(ctx context.Context, command string) (output string, status int, err error)

// repairScript installs and starts Docker over SSH on a host whose
// cloud-init install failed: what the user data does, without waiting for
// cloud-init again.
const repairScript = `set -e
export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -q -y -o DPkg::Lock::Timeout=300 "$@"; }
apt_get install docker.io apparmor || { apt_get update && apt_get install docker.io apparmor; }
systemctl enable --now docker`

// dockerTries is how many times docker info is asked before the engine
// counts as not running: it may start a moment after cloud-init ends.
const dockerTries = 30

// ready is the wait for one host: cloud-init finished without error, the
// engine answers and a container of ReadyImage starts. With repair (the
// droplet existed before this run, so its install had its chance) a failure
// installs and starts Docker over SSH instead of failing; without it, the
// error shows cloud-init's status and the end of its output log.
type ready struct {
	host   string
	run    Command
	repair bool
	poll   time.Duration
	say    func(format string, args ...any)
}

func (r *ready) wait(ctx context.Context) error {
	out, status, err := r.firstContact(ctx, "cloud-init status --wait")
	if err != nil {
		return err
	}
	switch {
	case cloudInitDone(out, status):
		r.say("%s: cloud-init done", r.host)
	case status == 127:
		r.say("%s: no cloud-init on the host: checking Docker", r.host)
	case r.repair:
		r.say("%s: cloud-init failed (exit %d, %s): installing Docker over SSH", r.host, status, lastLine(out))
		if err := r.doRepair(ctx); err != nil {
			return err
		}
	default:
		return r.failure(ctx, fmt.Sprintf("cloud-init failed (exit %d)", status), "",
			"run provision again: it installs Docker over SSH instead of waiting for cloud-init")
	}
	for {
		err := r.checkDocker(ctx)
		if err == nil || !r.repair {
			return err
		}
		r.say("%s: %v: installing Docker over SSH", r.host, err)
		if err := r.doRepair(ctx); err != nil {
			return err
		}
	}
}

// checkDocker asks docker info until it answers, then starts a container.
func (r *ready) checkDocker(ctx context.Context) error {
	var out string
	var status int
	for try := 1; ; try++ {
		var err error
		if out, status, err = r.run(ctx, "docker info --format '{{.ServerVersion}}'"); err != nil {
			return err
		}
		if status == 0 || try == dockerTries {
			break
		}
		if err := sleep(ctx, r.poll); err != nil {
			return err
		}
	}
	if status != 0 {
		return r.failure(ctx, fmt.Sprintf("docker info fails (exit %d)", status), out, "run provision again to install Docker over SSH")
	}
	r.say("%s: Docker %s answers", r.host, strings.TrimSpace(out))
	out, status, err := r.run(ctx, "docker run --rm "+ReadyImage+" true")
	if err != nil {
		return err
	}
	if status != 0 {
		return r.failure(ctx, fmt.Sprintf("a container of %s does not start (exit %d)", ReadyImage, status), out, "run provision again to install Docker over SSH")
	}
	r.say("%s: a container of %s starts", r.host, ReadyImage)
	return nil
}

func (r *ready) doRepair(ctx context.Context) error {
	out, status, err := r.run(ctx, repairScript)
	if err != nil {
		return err
	}
	if status != 0 {
		return &notReady{fmt.Sprintf("host %q: installing Docker over SSH failed (exit %d):\n%s", r.host, status, indent(tail(out, 20)))}
	}
	r.repair = false
	return nil
}

// firstContact runs command once the host answers over SSH.
func (r *ready) firstContact(ctx context.Context, command string) (string, int, error) {
	for {
		out, status, err := r.run(ctx, command)
		if !errors.Is(err, ErrNotAnswering) {
			return out, status, err
		}
		if serr := sleep(ctx, r.poll); serr != nil {
			return "", 0, fmt.Errorf("%w (last try: %v)", serr, err)
		}
	}
}

// failure is the error of a host that is not ready: what failed and its
// output, cloud-init's status, the end of its output log, and the fix.
func (r *ready) failure(ctx context.Context, what, out, fix string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "host %q: %s", r.host, what)
	if out = strings.TrimSpace(out); out != "" {
		fmt.Fprintf(&b, ":\n%s", indent(tail(out, 20)))
	}
	if status, _, err := r.run(ctx, "cloud-init status"); err == nil {
		fmt.Fprintf(&b, "\n  cloud-init status:\n%s", indent(indent(strings.TrimSpace(status))))
	}
	if log, _, err := r.run(ctx, "tail -n 20 /var/log/cloud-init-output.log"); err == nil {
		fmt.Fprintf(&b, "\n  last lines of /var/log/cloud-init-output.log:\n%s", indent(indent(strings.TrimSpace(log))))
	}
	fmt.Fprintf(&b, "\n  %s", fix)
	return &notReady{b.String()}
}

// notReady is the error of a host that answers but is not ready; it names
// the host and says why.
type notReady struct{ msg string }

func (e *notReady) Error() string { return e.msg }

// cloudInitDone says whether cloud-init status --wait reports a finished
// run: exit 0, or 2 (cloud-init 23.4+: done with recoverable errors, such
// as a deprecated key) with "status: done".
func cloudInitDone(out string, status int) bool {
	return status == 0 || (status == 2 && strings.Contains(out, "status: done"))
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
