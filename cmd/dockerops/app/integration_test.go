package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// e2eProject copies testdata/e2e into a fresh folder with a unique project
// name and a free host port for the web master, and removes everything it
// made when the test ends.
type e2eProject struct {
	t    *testing.T
	dir  string
	name string
	port int
}

func newE2EProject(t *testing.T) *e2eProject {
	return copyProject(t, "testdata/e2e", "e2e")
}

// copyProject copies src into a fresh folder; the project gets a unique name
// so that test runs never collide.
func copyProject(t *testing.T, src, prefix string) *e2eProject {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	p := &e2eProject{t: t, dir: t.TempDir(), name: prefix + randomSuffix(), port: freePort(t)}
	copyTree(t, src, p.dir, func(data []byte) []byte {
		return bytes.ReplaceAll(data, []byte("@PORT@"), []byte(strconv.Itoa(p.port)))
	})
	t.Cleanup(func() {
		p.run("clean:all,force=True,timeout=1")
		out, _ := exec.Command("docker", "images", "-q", "--filter", "label=dockerops.project="+p.name).Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			_ = exec.Command("docker", append([]string{"rmi", "-f"}, ids...)...).Run()
		}
	})
	return p
}

func (p *e2eProject) run(args ...string) (int, string, string) {
	return p.runWithInput("", args...)
}

func (p *e2eProject) runWithInput(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: p.getenv})
	return code, out.String(), errb.String()
}

// getenv is the process environment with the project's folder and name.
func (p *e2eProject) getenv(k string) (string, bool) {
	switch k {
	case "PROJECT_DIR":
		return p.dir, true
	case "PROJECT_NAME":
		return p.name, true
	}
	return os.LookupEnv(k)
}

// must runs a command line that has to succeed and returns its stdout.
func (p *e2eProject) must(args ...string) string {
	p.t.Helper()
	code, out, stderr := p.run(args...)
	if code != 0 {
		p.t.Fatalf("dockerops %v: exit %d\n%s", args, code, stderr)
	}
	return out
}

func (p *e2eProject) ps() map[string]psEntry {
	p.t.Helper()
	var list []psEntry
	if err := json.Unmarshal([]byte(p.must("ps,format=json")), &list); err != nil {
		p.t.Fatal(err)
	}
	m := map[string]psEntry{}
	for _, e := range list {
		m[e.Name] = e
	}
	return m
}

func TestIntegrationWholeFlow(t *testing.T) {
	p := newE2EProject(t)
	p.must("build:all")
	p.must("run:all")

	ps := p.ps()
	db, web := ps[p.name+"-db-one"], ps[p.name+"-web-master"]
	if db.Status != "running" || web.Status != "running" || db.IP == "" {
		t.Fatalf("after run:all, ps shows %+v", ps)
	}
	if len(web.Ports) != 1 || web.Ports[0].Host != p.port {
		t.Errorf("web master publishes %v, want port %d", web.Ports, p.port)
	}

	// Links: the link name resolves to the target, and <NAME>_CONTAINER_IP holds its IP.
	if got := strings.TrimSpace(p.must("shell:web,command=printenv DB_CONTAINER_IP")); got != db.IP {
		t.Errorf("DB_CONTAINER_IP = %q, want db's IP %s", got, db.IP)
	}
	if got := p.must("shell:web,command=getent hosts db"); !strings.HasPrefix(got, db.IP+" ") {
		t.Errorf("link name db resolves to %q, want %s", got, db.IP)
	}
	if got := p.must("shell:web,command=getent hosts anydb"); !strings.HasPrefix(got, db.IP+" ") {
		t.Errorf("link to any db instance resolves to %q, want %s", got, db.IP)
	}
	if got := p.must("shell:db,command=getent hosts web-master"); !strings.HasPrefix(got, web.IP+" ") {
		t.Errorf("hostname web-master resolves to %q from db, want %s", got, web.IP)
	}

	// SSH with a command sees the container's environment.
	if got := strings.TrimSpace(p.must("ssh:web,command=printenv GREETING CONTAINER INSTANCE_TYPE")); got != "hello\nweb\nmaster" {
		t.Errorf("ssh printenv = %q, want hello/web/master", got)
	}

	// The published port answers from the host.
	if body := httpGet(t, p.port); body != "hello from web\n" {
		t.Errorf("GET :%d = %q", p.port, body)
	}

	// A second run of running instances changes nothing: not one event on
	// the engine (no create, start, exec, connect, ...).
	if events := engineEvents(t, time.Now().Add(-time.Minute), p.name); len(events) == 0 {
		t.Fatal("engineEvents sees no event of the first run: the no-op check below would prove nothing")
	}
	since := time.Now()
	_, _, stderr := p.run("run:all")
	if !strings.Contains(stderr, "nothing to do") {
		t.Errorf("second run:all did something:\n%s", stderr)
	}
	if events := engineEvents(t, since, p.name); len(events) != 0 {
		t.Errorf("a no-op run:all made engine events: %v", events)
	}
	if again := p.ps(); again[web.Name].IP != web.IP || again[db.Name].IP != db.IP {
		t.Errorf("second run:all changed the instances: %+v", again)
	}
	p.must("run:web,instance=master")

	// Changing one instance's env recreates that one and leaves the other
	// alone: no event at all for db.
	runConf := filepath.Join(p.dir, "apps_containers", "run.conf")
	data, err := os.ReadFile(runConf)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(runConf, bytes.Replace(data, []byte(`"GREETING": "hello"`), []byte(`"GREETING": "hi"`), 1), 0o644)
	since = time.Now()
	_, _, stderr = p.run("run:all")
	if !strings.Contains(stderr, "env GREETING changed") {
		t.Errorf("run:all after changing web's env does not say why it recreates:\n%s", stderr)
	}
	events := engineEvents(t, since, p.name)
	if !slices.Contains(events, "container create "+web.Name) {
		t.Errorf("web was not recreated after its env changed: %v", events)
	}
	for _, e := range events {
		if strings.HasSuffix(e, " "+db.Name) {
			t.Errorf("changing web's env touched db: %v", events)
			break
		}
	}
	if got := strings.TrimSpace(p.must("ssh:web,command=printenv GREETING")); got != "hi" {
		t.Errorf("GREETING after the change = %q, want hi", got)
	}

	// An interactive instance runs a shell instead of supervisord and is
	// removed when the shell exits; safemode skips entrypoint-local.sh.
	code, out, stderr := p.runWithInput("printenv INSTANCE_TYPE; pgrep supervisord || echo no-supervisord; ls /data\nexit\n", "run:db,instance=interactive")
	if code != 0 || !strings.Contains(out, "interactive") || !strings.Contains(out, "no-supervisord") || !strings.Contains(out, "entrypoint.txt") {
		t.Errorf("interactive instance: exit %d, output %q, stderr %q", code, out, stderr)
	}
	code, out, stderr = p.runWithInput("ls /data; echo listed\nexit\n", "run:db,instance=safemode")
	if code != 0 || !strings.Contains(out, "listed") || strings.Contains(out, "entrypoint.txt") {
		t.Errorf("safemode instance ran entrypoint-local.sh or failed: exit %d, output %q, stderr %q", code, out, stderr)
	}
	if ps := p.ps(); len(ps) != 2 {
		t.Errorf("interactive instances were not removed on exit: %v", ps)
	}

	// Persistent data survives clean + run; clean removes containers and network.
	p.must(`shell:web,command=echo kept > /data/www/kept.txt`)
	p.must("clean:all,force=True,timeout=2")
	if left := p.ps(); len(left) != 0 {
		t.Errorf("clean:all left %v", left)
	}
	if out, _ := exec.Command("docker", "network", "ls", "-q", "--filter", "name=^"+p.name+"$").Output(); len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("clean:all left the project network")
	}
	kept := filepath.Join(p.dir, "data_"+p.name, "web_master", "data", "www", "kept.txt")
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("persistent file gone after clean: %v", err)
	}
	p.must("run:all")
	if got := strings.TrimSpace(p.must("shell:web,command=cat /data/www/kept.txt")); got != "kept" {
		t.Errorf("persistent file after clean + run = %q, want kept", got)
	}
}

func TestIntegrationBadInput(t *testing.T) {
	p := newE2EProject(t)
	p.must("build:all")

	if code, _, stderr := p.run("run:nosuch"); code != 1 || !strings.Contains(stderr, "nosuch") {
		t.Errorf("run:nosuch: exit %d, stderr %q", code, stderr)
	}

	// A port already taken: the clash is named, the instances that started stay listed.
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(p.port))
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := p.run("run:all")
	ln.Close()
	if code != 1 || !strings.Contains(stderr, "already in use") || !strings.Contains(stderr, "web-master") {
		t.Errorf("run with the port taken: exit %d, stderr:\n%s", code, stderr)
	}
	ps := p.ps()
	if ps[p.name+"-db-one"].Status != "running" {
		t.Errorf("the instance that started is not listed by ps: %+v", ps)
	}
	if _, ok := ps[p.name+"-web-master"]; ok {
		t.Errorf("the instance that failed to start was left behind: %+v", ps)
	}

	// A required env value without a terminal: every missing key is named.
	conf := filepath.Join(p.dir, "apps_containers", "secrets.conf")
	os.WriteFile(conf, []byte(`[{"container": "db", "instance": "two", "env_vars": {"DB_PASSWORD": null, "API_KEY": null}}]`), 0o644)
	code, _, stderr = p.run("run:all,conf=" + conf)
	if code != 1 || !strings.Contains(stderr, "DB_PASSWORD") || !strings.Contains(stderr, "API_KEY") {
		t.Errorf("missing env: exit %d, stderr:\n%s", code, stderr)
	}
	if _, ok := p.ps()[p.name+"-db-two"]; ok {
		t.Error("an instance with missing env values was created")
	}

	// A broken Dockerfile: the failing step's output is shown.
	broken := filepath.Join(p.dir, "apps_containers", "broken")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, "Dockerfile"), []byte("ARG PROJECT\nFROM ${PROJECT}/dockerops-base\nRUN echo the-step-output && false\n"), 0o644)
	code, _, stderr = p.run("build:broken")
	if code != 1 || !strings.Contains(stderr, "the-step-output") {
		t.Errorf("broken build: exit %d, stderr:\n%s", code, stderr)
	}
}

func httpGet(t *testing.T, port int) string {
	t.Helper()
	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/")
	if err != nil {
		t.Fatalf("GET published port: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func randomSuffix() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// An unchanged project written for the original DockerOps: JSON confs with
// comments, a JSON host.conf, `FROM dockerops/dockerops-base` (whatever the
// folder is called), a link to `instance: null`, env_vars with a null value
// and a number, and volumes as "demo:/demo".
func TestIntegrationLegacyProject(t *testing.T) {
	p := copyProject(t, "../../../project/testdata/valid/legacy", "legacy")
	p.must("build:all")
	p.must("run:all")
	checks := map[string]string{
		"printenv HOST_FQDN":                    "devbox", // null in run.conf, from host.conf
		"printenv WORKERS":                      "4",
		"printenv PERSISTENT_LOG SAFEMODE":      "False\nFalse", // standard keeps no logs, as DockerOps's code
		"test -f /started.log && echo appended": "appended",
		"printenv BASE_CONTAINER_IP":            strings.TrimSpace(p.must("ip:dockerops-base")),
		"touch /demo/from-container && echo ok": "ok",
	}
	for cmd, want := range checks {
		if got := strings.TrimSpace(p.must("shell:demo,command=" + cmd)); got != want {
			t.Errorf("%s in demo = %q, want %q", cmd, got, want)
		}
	}
	baseIP := strings.TrimSpace(p.must("ip:dockerops-base"))
	if got := strings.Fields(p.must("shell:demo,command=getent hosts base")); len(got) == 0 || got[0] != baseIP {
		t.Errorf("link name base resolves to %v, want %s", got, baseIP)
	}
	if _, err := os.Stat(filepath.Join(p.dir, "demo", "from-container")); err != nil {
		t.Errorf(`volume "demo:/demo" is not the project's demo folder: %v`, err)
	}
}

// engineEvents lists the engine's events since a time that mention name,
// but for the deploy lock of project name, which is no instance.
func engineEvents(t *testing.T, since time.Time, name string) []string {
	t.Helper()
	until := time.Now().Add(time.Second)
	stamp := func(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }
	out, err := exec.Command("docker", "events", "--since", stamp(since), "--until", stamp(until),
		"--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}").Output()
	if err != nil {
		t.Fatalf("docker events: %v", err)
	}
	var mine []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, name) && !strings.HasSuffix(line, " dockerops-lock-"+name) { // the deploy lock is no instance
			mine = append(mine, line)
		}
	}
	return mine
}
