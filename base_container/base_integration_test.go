package basecontainer

import (
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// A value that needs careful quoting in /env.sh.
const trickyValue = `it's "quoted" $HOME`

func TestIntegrationSSHKeyLoginSeesEnvironment(t *testing.T) {
	img := baseImage(t)
	t.Parallel()
	signer, _, authorized := newKey(t)
	c := startContainer(t, img, map[string]string{
		"CONTAINER":                 trickyValue,
		"DOCKEROPS_AUTHORIZED_KEYS": authorized,
	})
	var hostKeyType string
	client := dialSSH(t, containerIP(t, c), signer, &hostKeyType)

	if hostKeyType != ssh.KeyAlgoED25519 {
		t.Errorf("host key type = %q, want %q", hostKeyType, ssh.KeyAlgoED25519)
	}
	if got := sshOutput(t, client, "printenv CONTAINER"); got != trickyValue+"\n" {
		t.Errorf("ssh printenv CONTAINER = %q, want %q", got, trickyValue+"\n")
	}
	if got := sshOutput(t, client, "id -un; sudo -n id -un"); got != "dockerops\nroot\n" {
		t.Errorf("ssh user and sudo = %q, want dockerops then root", got)
	}
	if _, out := run(t, c, "stat", "-c", "%a %U", "/home/dockerops/.ssh/authorized_keys"); out != "600 dockerops\n" {
		t.Errorf("authorized_keys mode and owner = %q, want 600 dockerops", out)
	}
	if _, out := run(t, c, "sh", "-c", "ls /etc/ssh/ssh_host_*"); out != "/etc/ssh/ssh_host_ed25519_key\n/etc/ssh/ssh_host_ed25519_key.pub\n" {
		t.Errorf("host keys made at start = %q, want one ed25519 pair", out)
	}
}

func TestIntegrationSSHRefusesOtherKeys(t *testing.T) {
	img := baseImage(t)
	t.Parallel()
	signer, _, authorized := newKey(t)
	other, _, _ := newKey(t)
	c := startContainer(t, img, map[string]string{"DOCKEROPS_AUTHORIZED_KEYS": authorized})
	ip := containerIP(t, c)
	dialSSH(t, ip, signer, nil) // sshd answers

	_, err := ssh.Dial("tcp", ip+":22", &ssh.ClientConfig{
		User:            "dockerops",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(other), ssh.Password("")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
	if !isAuthError(err) {
		t.Errorf("login with a key not in DOCKEROPS_AUTHORIZED_KEYS: err = %v, want an authentication failure", err)
	}
}

func TestIntegrationAgentForwardingHop(t *testing.T) {
	img := baseImage(t)
	t.Parallel()
	signer, priv, authorized := newKey(t)
	first := startContainer(t, img, map[string]string{"CONTAINER": "first", "DOCKEROPS_AUTHORIZED_KEYS": authorized})
	second := startContainer(t, img, map[string]string{"CONTAINER": "second", "DOCKEROPS_AUTHORIZED_KEYS": authorized})
	secondIP := containerIP(t, second)
	dialSSH(t, secondIP, signer, nil) // the second sshd answers

	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	client := dialSSH(t, containerIP(t, first), signer, nil)
	if err := agent.ForwardToAgent(client, keyring); err != nil {
		t.Fatal(err)
	}
	got := sshOutput(t, client, "ssh -o BatchMode=yes "+secondIP+" printenv CONTAINER",
		func(s *ssh.Session) error { return agent.RequestAgentForwarding(s) })
	if got != "second\n" {
		t.Errorf("hop through a forwarded agent printed %q, want %q", got, "second\n")
	}
}

func TestIntegrationImageHoldsNoKeys(t *testing.T) {
	img := baseImage(t)
	t.Parallel()
	// Bypass the entrypoint: it makes the host key this test must not find.
	c := startContainer(t, img, nil, func(r *testcontainers.ContainerRequest) {
		r.Entrypoint = []string{"sleep"}
		r.Cmd = []string{"infinity"}
	})
	if code, out := run(t, c, "sh", "-c", "ls /etc/ssh/ssh_host_*"); code == 0 {
		t.Errorf("image holds SSH host keys: %s", out)
	}
	_, out := run(t, c, "sh", "-c", "grep -rlI -e '-----BEGIN .*PRIVATE KEY-----' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null; true")
	if out != "" {
		t.Errorf("image holds private keys:\n%s", out)
	}
}

func TestIntegrationPersistenceSurvivesReplacement(t *testing.T) {
	img := baseImage(t)
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"PERSISTENT_DATA": "True", "PERSISTENT_LOG": "True", "PERSISTENT_OPT": "True"}
	mount := func(r *testcontainers.ContainerRequest) {
		r.HostConfigModifier = func(hc *container.HostConfig) { hc.Binds = append(hc.Binds, dir+":/persistent") }
	}

	first := startContainer(t, img, env, mount)
	waitSupervisord(t, first)
	if code, out := run(t, first, "sh", "-c", "echo kept > /data/kept.txt && echo opt > /opt/dockerops/kept.txt"); code != 0 {
		t.Fatalf("write persistent files: %s", out)
	}
	for path, want := range map[string]string{"/data": "/persistent/data", "/var/log": "/persistent/log", "/opt": "/persistent/opt"} {
		if _, out := run(t, first, "readlink", path); out != want+"\n" {
			t.Errorf("%s links to %q, want %q", path, out, want)
		}
	}
	if _, out := run(t, first, "stat", "-L", "-c", "%U", "/data", "/opt/dockerops", "/var/log/dockerops"); out != "dockerops\ndockerops\ndockerops\n" {
		t.Errorf("owners of /data, /opt/dockerops, /var/log/dockerops = %q, want dockerops", out)
	}

	restart(t, first)
	if _, out := run(t, first, "cat", "/data/kept.txt"); out != "kept\n" {
		t.Errorf("after a restart /data/kept.txt = %q, want %q", out, "kept\n")
	}
	if err := first.Terminate(t.Context()); err != nil {
		t.Fatal(err)
	}

	second := startContainer(t, img, env, mount)
	waitSupervisord(t, second)
	if _, out := run(t, second, "cat", "/data/kept.txt", "/opt/dockerops/kept.txt"); out != "kept\nopt\n" {
		t.Errorf("in a new container the persistent files hold %q, want %q", out, "kept\nopt\n")
	}
	if code, _ := run(t, second, "test", "-s", "/persistent/log/supervisor/supervisord.log"); code != 0 {
		t.Error("supervisord's log is not in /persistent/log")
	}
	// Let a non-root test runner remove what the container wrote.
	run(t, second, "chmod", "-R", "a+rwX", "/persistent")
}

func restart(t *testing.T, c testcontainers.Container) {
	t.Helper()
	timeout := 10 * time.Second
	if err := c.Stop(t.Context(), &timeout); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitSupervisord(t, c)
}

func TestIntegrationEntrypointLocal(t *testing.T) {
	baseImage(t)
	appended := childImage(t, "appended", []string{`RUN echo "touch /started.log" >> /entrypoint-local.sh`}, nil)
	replaced := childImage(t, "replaced", []string{"COPY local.sh /entrypoint-local.sh"},
		map[string]string{"local.sh": "#!/bin/sh\ntouch /started.log\n"}) // not executable

	tests := []struct {
		name, image, safemode string
		wantRun               bool
	}{
		{"appended line runs", appended, "False", true},
		{"replaced script runs", replaced, "False", true},
		{"safemode skips it", appended, "True", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := startContainer(t, tt.image, map[string]string{"SAFEMODE": tt.safemode})
			waitSupervisord(t, c)
			code, _ := run(t, c, "test", "-e", "/started.log")
			if ran := code == 0; ran != tt.wantRun {
				t.Errorf("entrypoint-local.sh ran = %v, want %v", ran, tt.wantRun)
			}
		})
	}
}

func TestIntegrationStopIsPrompt(t *testing.T) {
	img := baseImage(t)
	t.Parallel()
	c := startContainer(t, img, nil)
	waitSupervisord(t, c)
	timeout := 10 * time.Second
	start := time.Now()
	if err := c.Stop(t.Context(), &timeout); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("docker stop took %v, want under 2 s (supervisord must exit on SIGTERM, not at the 10 s grace)", took)
	}
	state, err := c.State(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if state.ExitCode != 0 {
		t.Errorf("exit code after docker stop = %d, want 0 (a clean supervisord shutdown)", state.ExitCode)
	}
}
