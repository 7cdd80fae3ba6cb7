package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/dropletsim"
)

// hostName is the bench projects' one host in hosts.conf.
const hostName = "h1"

// maxStartups is the sshd MaxStartups of the bench's host. Compose opens
// an SSH connection per engine connection it makes (dozens for one `up -d`
// of 20 services, many at once), and sshd's default 10:30:100 drops some of
// those unauthenticated connections, which fails the command; dockerops
// needs one connection per task.
const maxStartups = "200:30:400"

// remote is a Docker-in-Docker host reached over SSH: a simulated droplet
// (sshd and its own engine in a container of the local engine).
type remote struct {
	droplet *dropletsim.Droplet
	sshDir  string // the ssh wrapper (bin/ssh), its config and known_hosts
}

// startRemote starts the host with images preloaded, authorizing the key
// pair in keyDir (a project's), and makes the system ssh reach it with that
// key.
func startRemote(ctx context.Context, work, keyDir string, images ...string) (*remote, error) {
	pub, err := os.ReadFile(filepath.Join(keyDir, "id_ed25519.pub"))
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("dockerops-bench-%d", os.Getpid())
	d, err := dropletsim.Start(ctx, name, strings.TrimSpace(string(pub)), dropletsim.WithImages(append([]string{dropletsim.BaseImage}, images...)...))
	if err != nil {
		return nil, err
	}
	h := &remote{droplet: d, sshDir: filepath.Join(work, "ssh")}
	realSSH, err := exec.LookPath("ssh")
	if err != nil {
		return nil, h.remove(fmt.Errorf("the remote case needs the OpenSSH client (Compose's ssh:// runs it): %w", err))
	}
	config := fmt.Sprintf("Host %s\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile %s\n  LogLevel ERROR\n",
		d.IP, filepath.Join(keyDir, "id_ed25519"), filepath.Join(h.sshDir, "known_hosts"))
	// Compose runs `ssh`, from PATH, with no way to pass it a key: a wrapper
	// first in PATH hands the system ssh this config.
	if err := writeFiles(h.sshDir, map[string]string{
		"config":  config,
		"bin/ssh": fmt.Sprintf("#!/bin/sh\nexec %s -F %s \"$@\"\n", realSSH, filepath.Join(h.sshDir, "config")),
	}); err != nil {
		return nil, h.remove(err)
	}
	if err := os.Chmod(filepath.Join(h.sshDir, "bin", "ssh"), 0o755); err != nil {
		return nil, h.remove(err)
	}
	if err := h.login(ctx); err != nil {
		return nil, h.remove(err)
	}
	return h, nil
}

// login waits until the system ssh logs in to the host.
func (h *remote) login(ctx context.Context) error {
	for i := 0; ; i++ {
		err := exec.CommandContext(ctx, "ssh", "-F", filepath.Join(h.sshDir, "config"), "root@"+h.droplet.IP, "true").Run()
		if err == nil {
			return nil
		}
		if i == 50 {
			return fmt.Errorf("ssh root@%s: %v", h.droplet.IP, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// raiseMaxStartups sets the host's sshd MaxStartups to maxStartups and
// waits until sshd, restarted, lets the bench in again.
func (h *remote) raiseMaxStartups(ctx context.Context) error {
	script := fmt.Sprintf("echo 'MaxStartups %s' > /etc/ssh/sshd_config.d/bench.conf && kill -HUP 1", maxStartups)
	if _, err := h.droplet.Exec(ctx, nil, "sh", "-c", script); err != nil {
		return err
	}
	return h.login(ctx)
}

func (h *remote) remove(err error) error {
	if rerr := h.droplet.Remove(context.Background()); rerr != nil {
		return fmt.Errorf("%v (and removing the host: %v)", err, rerr)
	}
	return err
}

// env is the environment of commands that reach the host with the system
// ssh: the wrapper first in PATH.
func (h *remote) env() []string {
	return []string{"PATH=" + filepath.Join(h.sshDir, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")}
}

// pointAt makes dir's project reach the host as hostName: hosts.conf names
// it and inventory.json holds its address (as after `provision`), so no
// cloud account is asked.
func (h *remote) pointAt(dir string) error {
	if err := writeFiles(dir, map[string]string{"hosts.conf": fmt.Sprintf(`{%q: {"region": "bench"}}`, hostName)}); err != nil {
		return err
	}
	ip := digitalocean.Interfaces{IPv4: h.droplet.IP}
	return digitalocean.WriteInventory(filepath.Join(dir, "inventory.json"),
		digitalocean.Inventory{hostName: {Names: []string{}, Region: "bench", Public: ip, Private: ip}})
}

// counted runs f and counts the bytes the host received (its eth0) and the
// SSH connections it accepted meanwhile.
func (h *remote) counted(ctx context.Context, f func() (time.Duration, error)) (sample, error) {
	rx0, c0, err := h.counters(ctx)
	if err != nil {
		return sample{}, err
	}
	d, err := f()
	if err != nil {
		return sample{}, err
	}
	rx1, c1, err := h.counters(ctx)
	return sample{d: d, bytes: rx1 - rx0, conns: c1 - c0, events: -1}, err
}

// counters reads the host's received bytes and how many SSH logins its
// sshd has logged, through the local engine (which adds to neither).
func (h *remote) counters(ctx context.Context) (rx, logins int64, err error) {
	out, err := h.droplet.Exec(ctx, nil, "cat", "/sys/class/net/eth0/statistics/rx_bytes")
	if err != nil {
		return 0, 0, err
	}
	if rx, err = strconv.ParseInt(strings.TrimSpace(out), 10, 64); err != nil {
		return 0, 0, fmt.Errorf("rx_bytes of the host: %w", err)
	}
	logs, err := exec.CommandContext(ctx, "docker", "logs", h.droplet.Container).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("sshd log of the host: %v", err)
	}
	return rx, int64(strings.Count(string(logs), "Accepted publickey")), nil
}

// running counts the host's running containers that carry label.
func (h *remote) running(ctx context.Context, label string) func() (int, error) {
	return func() (int, error) {
		out, err := h.droplet.Exec(ctx, nil, "docker", "ps", "-q", "--filter", "status=running", "--filter", "label="+label)
		return len(strings.Fields(out)), err
	}
}

// engine describes the host's engine for the report.
func (h *remote) engine(ctx context.Context) string {
	out, err := h.droplet.Exec(ctx, nil, "docker", "info", "--format", "Docker {{.ServerVersion}}, {{.Driver}}")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(out)
}

// onRemote points the project, and its compose file, at the host: dockerops
// with host=, Compose with DOCKER_HOST=ssh://.
func (b *bench) onRemote(h *remote) error {
	b.composeEnv = append(h.env(), "DOCKER_HOST=ssh://root@"+h.droplet.IP)
	if err := b.writeCompose("docker-compose.yml", "/var/lib/dockerops-bench/"+b.name); err != nil {
		return err
	}
	return h.pointAt(b.dir)
}

// composeDefaultSSHD is how one `up -d` on the host ends while its sshd has
// the default MaxStartups: "ok", or the end of Compose's error.
func (b *bench) composeDefaultSSHD(ctx context.Context) string {
	_, err := b.composeCmd(ctx, "up", "-d")
	if err == nil {
		return "ok"
	}
	// The end of the message is what ssh said: the line sshd dropped.
	msg := strings.TrimSpace(err.Error())
	if i := strings.LastIndex(msg, "stderr="); i >= 0 {
		msg = msg[i+len("stderr="):]
	}
	lines := strings.Split(msg, "\n")
	return "failed (" + strings.TrimSpace(lines[len(lines)-1]) + ")"
}

// measureRemote runs the bench project's lifecycle on the host (see
// onRemote).
func (b *bench) measureRemote(ctx context.Context, h *remote, runs int) (*results, error) {
	on := ",host=" + hostName
	step := func(f func() (time.Duration, error)) func() (sample, error) {
		return func() (sample, error) { return h.counted(ctx, f) }
	}
	dockerops := side{tool: "dockerops", reset: func() { _, _ = b.dockerops(ctx, "clean:all,force=True,timeout=1"+on) }, steps: []func() (sample, error){
		step(func() (time.Duration, error) {
			return b.checked(h.running(ctx, "dockerops.project="+b.name), func() (time.Duration, error) { return b.dockerops(ctx, "run:all"+on) })
		}),
		step(func() (time.Duration, error) { return b.dockerops(ctx, "run:all"+on) }),
		step(func() (time.Duration, error) { return b.dockerops(ctx, "clean:all,force=True"+on) }),
	}}
	compose := side{tool: "compose", reset: func() { _, _ = b.composeCmd(ctx, "down", "-t", "1") }, steps: []func() (sample, error){
		step(func() (time.Duration, error) {
			return b.checked(h.running(ctx, "com.docker.compose.project="+b.name+"c"), func() (time.Duration, error) { return b.composeCmd(ctx, "up", "-d") })
		}),
		step(func() (time.Duration, error) { return b.composeCmd(ctx, "up", "-d") }),
		step(func() (time.Duration, error) { return b.composeCmd(ctx, "down") }),
	}}
	return interleave(fmt.Sprintf("remote N=%d", b.n), runs, lifecycle, [2]side{dockerops, compose})
}
