package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An old-format project whose bases live outside it (BASE_CONTAINERS_DIR)
// and say FROM dockerops/dockerops-base-ubuntu14.04 builds and runs on
// dockerops' own base, with the start-up contract of every release and the
// old DNS service (testdata/oldimg/README.md tells what each part holds).
func TestIntegrationOldImagesProject(t *testing.T) {
	p := copyProject(t, "testdata/oldimg/project", "oldimg")
	// New script contents, so the build caches no /entrypoints/ layer and the
	// order comes from this run's build. The base's script is the newer file:
	// only the build's time stamps put it first.
	unique := func(data []byte) []byte { return bytes.ReplaceAll(data, []byte("@RUN@"), []byte(p.name)) }
	copyTree(t, p.dir, p.dir, unique)
	install := copyTree(t, "testdata/oldimg/install", t.TempDir(), unique)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(install, "base_containers/mybase/entrypoint-zz-mybase.sh"), later, later); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "dockerops/mybase").Run() })
	env := func(k string) (string, bool) {
		if k == "BASE_CONTAINERS_DIR" {
			return install + "/base_containers", true
		}
		return p.getenv(k)
	}
	must := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Run(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: env}); code != 0 {
			t.Fatalf("dockerops %v: exit %d\n%s", args, code, errb.String())
		}
		return strings.TrimSpace(out.String())
	}
	dashDir := filepath.Join(p.dir, "data_"+p.name, "seeded-two")
	if err := os.MkdirAll(dashDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dashDir, "marker"), []byte("kept by v0.6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	must("build:all")
	must("run:all")
	if _, err := os.Stat(filepath.Join(p.dir, "data_"+p.name, "seeded_two")); err == nil {
		t.Errorf("seeded_two was made beside the existing seeded-two")
	}

	checks := []struct{ target, cmd, want, why string }{
		{"app,instance=one", "cat /data/startup.log", "mybase common,early\napp common,early",
			"/entrypoints/ scripts in build order (the base's, then the child's, though their names sort the other way), after the common set-up, before supervisord"},
		{"app,instance=one", "cat /etc/mybase", "mybase", "app is built FROM the base container outside the project"},
		{"first", "cat /data/startup.log", "first common,early", "a child's own /entrypoint.sh runs after the common set-up"},
		{"first", "test -e /var/run/supervisord.pid && echo supervisord", "supervisord", "the replaced /entrypoint.sh hands over to supervisord"},
		{"seeded,instance=one", "cat /data/seed.out", "seeded as one", "seed_command is the instance's command"},
		{"seeded,instance=one", "test -e /var/run/supervisord.pid || echo none", "none", "seed_command runs instead of supervisord"},
		{"app,instance=one", "printenv DNS_CONTAINER_IP", must("ip:dockerops-dns"), "the dns link"},
		{"seeded,instance=two", "cat /persistent/marker", "kept by v0.6", "the v0.6+ seeded-two folder is the persistent one"},
	}
	// run returns once the containers run; their start-up scripts go on in
	// the background, so each check gets the time a start-up takes.
	shell := func(target, cmd string) string {
		var out, errb bytes.Buffer
		Run(context.Background(), []string{"shell:" + target + ",command=" + cmd}, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: env})
		return strings.TrimSpace(out.String())
	}
	for _, c := range checks {
		got := shell(c.target, c.cmd)
		for deadline := time.Now().Add(30 * time.Second); got != c.want && time.Now().Before(deadline); got = shell(c.target, c.cmd) {
			time.Sleep(200 * time.Millisecond)
		}
		if got != c.want {
			t.Errorf("%s: %s = %q, want %q (%s)", c.target, c.cmd, got, c.want, c.why)
		}
	}

	// Names resolve as the DNS service made them: <name>-<instance> and
	// <name>, bare and in its zone.
	appIPs := map[string]bool{must("ip:app,instance=one"): true, must("ip:app,instance=two"): true}
	for _, name := range []string{"app", "app-two", "app.local.zone", "app-two.local.zone"} {
		got := strings.Fields(must("shell:first,command=getent hosts " + name))
		if len(got) == 0 || !appIPs[got[0]] {
			t.Errorf("from first, %s resolves to %v, want an address of app (%v)", name, got, appIPs)
		}
	}
	if got := must("ip:app,instance=two"); !strings.Contains(must("shell:app,instance=one,command=getent hosts app-two"), got) {
		t.Errorf("app-two does not resolve to %s from app-one", got)
	}

	// ssh hops from one instance to another with the forwarded key.
	if got := must("ssh:app,instance=one,command=ssh -o StrictHostKeyChecking=no app-two cat /etc/hostname"); got != "app-two" {
		t.Errorf("ssh hop app-one -> app-two printed %q, want app-two", got)
	}
}
