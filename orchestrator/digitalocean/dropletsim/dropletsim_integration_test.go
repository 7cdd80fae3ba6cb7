package dropletsim_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/dropletsim"
	"github.com/dockerops/dockerops/orchestrator/dockerengine"
)

func newSigner(t *testing.T) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorizedKey(s ssh.Signer) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey()))) + " test"
}

func uniqueName(t *testing.T) string {
	b := make([]byte, 3)
	rand.Read(b)
	return "sim-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")) + "-" + hex.EncodeToString(b)
}

// sshRun runs cmd as root on the droplet over real SSH.
func sshRun(ip string, signer ssh.Signer, cmd string) (string, error) {
	c, err := ssh.Dial("tcp", net.JoinHostPort(ip, "22"), &ssh.ClientConfig{
		User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		return "", err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	out, err := s.CombinedOutput(cmd)
	return string(out), err
}

func TestIntegrationDroplet(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	signer := newSigner(t)
	name := uniqueName(t)

	start := time.Now()
	d, err := dropletsim.Start(ctx, name, authorizedKey(signer))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("droplet %s at %s ready in %s", d.Name, d.IP, time.Since(start).Round(time.Millisecond))
	removed := false
	t.Cleanup(func() {
		if !removed {
			_ = d.Remove(context.Background())
		}
	})

	// Root logs in with the authorized key, and only with it.
	if out, err := sshRun(d.IP, signer, "hostname; id -u"); err != nil || out != name+"\n0\n" {
		t.Fatalf("ssh root@%s hostname: %q, %v; want %s and uid 0", d.IP, out, err, name)
	}
	if _, err := sshRun(d.IP, newSigner(t), "true"); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("ssh with a key that is not authorized: err = %v, want an authentication failure", err)
	}

	// The droplet's engine, reached as the product reaches it: ssh:// with the
	// project key, the host key recorded on first contact.
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	e, err := dockerengine.New(ctx, dockerengine.Options{
		Host: "ssh://root@" + d.IP, SSHSigners: []ssh.Signer{signer}, KnownHostsFile: knownHosts,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	info, err := e.Ping(ctx)
	if err != nil {
		t.Fatalf("ping the droplet's engine over ssh: %v", err)
	}
	if !strings.HasPrefix(info.ServerVersion, "20.10") {
		t.Errorf("droplet engine version %q, want Debian's 20.10", info.ServerVersion)
	}
	if id, err := e.ImageID(ctx, dropletsim.BaseImage); err != nil || id == "" {
		t.Fatalf("%s is not preloaded in the droplet: id %q, %v", dropletsim.BaseImage, id, err)
	}

	cname := "probe-" + name
	id, err := e.Create(ctx, orchestrator.ContainerSpec{Name: cname, Image: dropletsim.BaseImage, Cmd: []string{"sleep", "300"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if code, err := e.Exec(ctx, id, orchestrator.ExecSpec{Cmd: []string{"true"}}); err != nil || code != 0 {
		t.Errorf("true in a container of the droplet: exit %d, %v", code, err)
	}
	code, err := e.Exec(ctx, id, orchestrator.ExecSpec{Cmd: []string{"sh", "-c", "cat /etc/debian_version; exit 3"},
		Streams: orchestrator.Streams{Out: &stdout}})
	if err != nil || code != 3 || !strings.HasPrefix(stdout.String(), "12.") {
		t.Errorf("exec in a container of the droplet: exit %d (want 3), output %q, %v", code, stdout.String(), err)
	}
	// The container lives in the droplet's engine, not in the local one.
	if out, err := d.Exec(ctx, nil, "docker", "ps", "--format", "{{.Names}}"); err != nil || strings.TrimSpace(out) != cname {
		t.Errorf("docker ps inside the droplet: %q, %v; want %s", out, err, cname)
	}
	if _, vols, err := dropletsim.Find(ctx, name); err != nil || len(vols) != 1 {
		t.Errorf("the droplet's volume: %v, %v", vols, err)
	}

	e.Close()
	if err := d.Remove(ctx); err != nil {
		t.Fatal(err)
	}
	removed = true
	containers, volumes, err := dropletsim.Find(ctx, name)
	if err != nil || len(containers)+len(volumes) != 0 {
		t.Errorf("after Remove: containers %v, volumes %v, %v", containers, volumes, err)
	}
	// No probe of d.IP: tests of other packages start droplets at the same
	// time, and the engine gives a freed address to the next container.
}

func TestIntegrationStartFailsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	name := uniqueName(t)
	_, err := dropletsim.Start(ctx, name, authorizedKey(newSigner(t)), dropletsim.WithImages("dropletsim-no-such-image:none"))
	if err == nil || !strings.Contains(err.Error(), "dropletsim-no-such-image") {
		t.Fatalf("Start preloading a missing image: err = %v, want it named", err)
	}
	containers, volumes, err := dropletsim.Find(ctx, name)
	if err != nil || len(containers)+len(volumes) != 0 {
		t.Errorf("a failed Start left containers %v, volumes %v (%v)", containers, volumes, err)
	}
}

// The droplet answers cloud-init status as a real one does, and a failed
// install leaves no engine until systemctl starts it.
func TestIntegrationCloudInitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	signer := newSigner(t)
	d, err := dropletsim.Start(ctx, uniqueName(t), authorizedKey(signer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Remove(context.Background()) })

	if out, err := sshRun(d.IP, signer, "cloud-init status --wait"); err != nil || !strings.Contains(out, "status: done") {
		t.Errorf("cloud-init status --wait on a fresh droplet: %q, %v", out, err)
	}
	if err := d.FailInstall(ctx, "E: Unable to locate package docker.io"); err != nil {
		t.Fatal(err)
	}
	out, err := sshRun(d.IP, signer, "cloud-init status --wait")
	var exit *ssh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 || !strings.Contains(out, "status: error") {
		t.Errorf("cloud-init status after a failed install: %q, %v; want status: error and exit 1", out, err)
	}
	if out, err := sshRun(d.IP, signer, "tail -n 1 /var/log/cloud-init-output.log"); err != nil || !strings.Contains(out, "Unable to locate package") {
		t.Errorf("cloud-init-output.log: %q, %v", out, err)
	}
	if _, err := sshRun(d.IP, signer, "docker info"); err == nil {
		t.Error("docker info answers after a failed install")
	}
	if out, err := sshRun(d.IP, signer, "systemctl enable --now docker && docker run --rm "+dropletsim.BaseImage+" true"); err != nil {
		t.Errorf("systemctl enable --now docker, then a container: %q, %v", out, err)
	}
}
