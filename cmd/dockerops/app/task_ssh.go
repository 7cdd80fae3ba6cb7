package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// sshWait is how long ssh waits for a just-started container's sshd.
const sshWait = 30 * time.Second

func runSSH(ctx context.Context, s *session, a Args) error {
	a, ob, err := s.runningInstance(ctx, a, "ssh")
	if err != nil {
		return err
	}
	p, err := s.project("")
	if err != nil {
		return err
	}
	key, err := s.projectKey(p)
	if err != nil {
		return err
	}
	command, hasCommand := a.str("command")
	command = fabricSpaces(command)
	client, err := exec.LookPath("ssh")
	if err != nil {
		fmt.Fprintln(s.env.Stderr, "no ssh client installed: using docker exec as user dockerops instead (install openssh-client for agent forwarding)")
		cmd := []string{"bash", "-l"}
		if hasCommand {
			cmd = []string{"bash", "-lc", command}
		}
		return s.exec(ctx, a, ob, orchestrator.ExecSpec{Cmd: cmd, User: "dockerops", TTY: !hasCommand && isTerminal(s.env.Stdin)})
	}
	host := a.strOr("host", "")
	addr, err := s.sshAddress(ctx, a, ob)
	if err != nil {
		return err
	}
	if host == "" {
		if err := waitForSSH(ctx, addr); err != nil {
			return fmt.Errorf("%s: %w", ob.Name, err)
		}
	}
	knownHosts, err := s.containerHostKey(ctx, a, ob, addr)
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(knownHosts))
	agent, err := key.StartAgent()
	if err != nil {
		return fmt.Errorf("ssh agent: %w", err)
	}
	defer agent.Close()
	args := []string{"-F", "/dev/null", "-A",
		"-o", "IdentityAgent=" + agent.Socket, "-o", "IdentitiesOnly=no",
		"-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=yes",
		"-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10"}
	if host != "" {
		// The container's address is private to the droplet: go through it.
		dropletIP, _, err := s.hostAddresses(ctx, p, host)
		if err != nil {
			return err
		}
		args = append(args, "-o", fmt.Sprintf("ProxyCommand=%s -F /dev/null -o IdentityAgent=%s -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes -o LogLevel=ERROR -W %%h:%%p root@%s",
			client, agent.Socket, knownHostsPath(p), dropletIP))
	}
	if !hasCommand && isTerminal(s.env.Stdin) {
		args = append(args, "-t")
	}
	args = append(args, "dockerops@"+addr)
	if hasCommand {
		args = append(args, command)
	}
	s.log.Debug("ssh", "args", args)
	cmd := exec.CommandContext(ctx, client, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.env.Stdin, s.env.Stdout, s.env.Stderr
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK="+agent.Socket)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("ssh to %s exited with status %d", ob.Name, exit.ExitCode())
		}
		return fmt.Errorf("ssh to %s: %w", ob.Name, err)
	}
	return nil
}

// waitForSSH waits until sshd answers with its banner.
func waitForSSH(ctx context.Context, ip string) error {
	if ip == "" {
		return errors.New("no IP address")
	}
	deadline := time.Now().Add(sshWait)
	for {
		d := net.Dialer{Timeout: time.Second}
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(ip, "22"))
		if err == nil {
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			banner, rerr := bufio.NewReader(conn).ReadString('\n')
			conn.Close()
			if rerr == nil && strings.HasPrefix(banner, "SSH-") {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sshd did not answer on %s:22 within %s", ip, sshWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// sshAddress is where ssh reaches an instance from its host: its IP, but for
// a Swarm task its docker_gwbridge address, as a node cannot reach overlay
// addresses.
func (s *session) sshAddress(ctx context.Context, a Args, ob orchestrator.Observed) (string, error) {
	if !ob.IsSwarmTask() {
		return ob.IP, nil
	}
	e, err := s.engineFor(ctx, a)
	if err != nil {
		return "", err
	}
	sw, ok := e.(orchestrator.SwarmNode)
	if !ok {
		return ob.IP, nil
	}
	addr, err := sw.GatewayAddress(ctx, ob.ID)
	if err != nil {
		return "", fmt.Errorf("%s: %w", ob.Name, err)
	}
	if addr == "" {
		return "", fmt.Errorf("%s is a Swarm task with no docker_gwbridge address on host %s, so ssh cannot reach it; try shell:%s,hosts=all",
			ob.Name, a.strOr("host", "(local)"), ob.Labels[orchestrator.LabelContainer])
	}
	return addr, nil
}

// containerHostKey reads the host key the container generated at its first
// start and writes a known_hosts file pinning it for addr, so ssh checks it
// strictly even though container IPs are reused.
func (s *session) containerHostKey(ctx context.Context, a Args, ob orchestrator.Observed, addr string) (string, error) {
	e, err := s.engineFor(ctx, a)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	code, err := e.Exec(ctx, ob.ID, orchestrator.ExecSpec{
		Cmd: []string{"cat", "/etc/ssh/ssh_host_ed25519_key.pub"}, Streams: orchestrator.Streams{Out: &out}})
	if err != nil || code != 0 {
		return "", fmt.Errorf("%s: cannot read its ssh host key (is it a dockerops-base image?)", ob.Name)
	}
	fields := strings.Fields(out.String())
	if len(fields) < 2 {
		return "", fmt.Errorf("%s: malformed ssh host key", ob.Name)
	}
	dir, err := os.MkdirTemp("", "dockerops-ssh-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "known_hosts")
	return path, os.WriteFile(path, []byte(addr+" "+fields[0]+" "+fields[1]+"\n"), 0o600)
}
