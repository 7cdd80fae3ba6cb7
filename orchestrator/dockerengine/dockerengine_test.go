package dockerengine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"

	"github.com/dockerops/dockerops/orchestrator"
)

const baseImage = "debian:bookworm-slim"

// integration returns an engine for tests that need the real one, and a
// context bounding the test.
func integration(t *testing.T) (*Engine, context.Context) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	e, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := e.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if id, err := e.ImageID(ctx, baseImage); err != nil || id == "" {
		t.Fatalf("image %s is needed (err %v)", baseImage, err)
	}
	return e, ctx
}

// uniqueName is a name no other test run uses: the test's name and a
// random suffix, in the characters the engine accepts.
func uniqueName(t *testing.T) string {
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := strings.ToLower(regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(t.Name(), "-"))
	if len(name) > 30 {
		name = name[:30]
	}
	return "dockerops-" + strings.Trim(name, "-") + "-" + hex.EncodeToString(b)
}

func TestIntegrationNetworkIsIdempotent(t *testing.T) {
	e, ctx := integration(t)
	name := uniqueName(t)
	labels := map[string]string{orchestrator.LabelProject: name}
	t.Cleanup(func() { _ = e.RemoveNetwork(context.Background(), name) })
	// A network whose name contains ours must not pass for it.
	longer := name + "-other"
	if err := e.EnsureNetwork(ctx, longer, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.RemoveNetwork(context.Background(), longer) })
	for i := 0; i < 2; i++ {
		if err := e.EnsureNetwork(ctx, name, labels); err != nil {
			t.Fatalf("EnsureNetwork #%d: %v", i+1, err)
		}
	}
	list, err := e.cli.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("name", name))})
	if err != nil {
		t.Fatal(err)
	}
	var found []network.Summary
	for _, n := range list {
		if n.Name == name {
			found = append(found, n)
		}
	}
	if len(found) != 1 || found[0].Driver != "bridge" || found[0].Labels[orchestrator.LabelProject] != name {
		t.Fatalf("networks named %s: %+v; want one bridge with the project label", name, found)
	}
	for i := 0; i < 2; i++ {
		if err := e.RemoveNetwork(ctx, name); err != nil {
			t.Fatalf("RemoveNetwork #%d: %v", i+1, err)
		}
	}
}

// freeHostPort is a TCP port free on this host, to publish 1:1.
func freeHostPort(t *testing.T) int {
	t.Helper()
	_, port, _ := net.SplitHostPort(freeLoopbackPort(t))
	p, _ := strconv.Atoi(port)
	return p
}

// sleeper is a command that runs until stopped and stops at once on SIGTERM.
var sleeper = []string{"sh", "-c", "echo started; trap 'exit 0' TERM; sleep 600 & wait"}

func TestIntegrationContainerLifecycle(t *testing.T) {
	e, ctx := integration(t)
	project := uniqueName(t)
	if err := e.EnsureNetwork(ctx, project, map[string]string{orchestrator.LabelProject: project}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.RemoveNetwork(context.Background(), project) })
	shared := t.TempDir()
	writeFiles(t, shared, map[string]string{"hello.txt": "bound from the host"})
	port := freeHostPort(t)
	labels := func(c string) map[string]string {
		return map[string]string{orchestrator.LabelProject: project, orchestrator.LabelContainer: c, orchestrator.LabelInstance: "one"}
	}

	webName := project + "-web-one"
	web, err := e.Create(ctx, orchestrator.ContainerSpec{
		Name: webName, Image: baseImage, Hostname: "web-one",
		Env: []string{"GREETING=hello"}, Labels: labels("web"),
		Network: project, Aliases: []string{"web-one", "webalias"},
		Ports: []orchestrator.PortBinding{{Container: port, Host: port, Protocol: "tcp"}},
		Binds: []string{shared + ":/mnt/host:ro"}, Cmd: sleeper,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Remove(context.Background(), web) })
	for i := 0; i < 2; i++ { // starting a running container is fine
		if err := e.Start(ctx, web); err != nil {
			t.Fatalf("Start #%d: %v", i+1, err)
		}
	}

	list, err := e.Containers(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("Containers(%s) = %+v, want the one container", project, list)
	}
	got := list[0]
	wantPorts := []orchestrator.PortBinding{{Container: port, Host: port, Protocol: "tcp"}}
	if got.Name != webName || got.State != "running" || got.IP == "" || got.Labels[orchestrator.LabelContainer] != "web" ||
		len(got.Ports) != 1 || got.Ports[0] != wantPorts[0] || !strings.HasPrefix(got.Status, "Up") {
		t.Errorf("observed %+v; want %s running with an IP, labels and port %d", got, webName, port)
	}
	if in, err := e.Inspect(ctx, web); err != nil || in.IP != got.IP || in.State != "running" || len(in.Ports) != 1 {
		t.Errorf("Inspect = %+v, %v; want the list's IP %s", in, err, got.IP)
	}
	if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 5*time.Second); err != nil {
		t.Errorf("published port %d does not answer on the host: %v", port, err)
	} else {
		conn.Close()
	}

	// A second container reaches the first by alias and by link name.
	client, err := e.Create(ctx, orchestrator.ContainerSpec{
		Name: project + "-client-one", Image: baseImage, Labels: labels("client"),
		Network: project, Links: []string{webName + ":dblink"}, Cmd: sleeper,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Remove(context.Background(), client) })
	if err := e.Start(ctx, client); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"webalias", "dblink", "web-one", webName} {
		out, code := execOut(t, e, ctx, client, orchestrator.ExecSpec{Cmd: []string{"getent", "hosts", name}})
		if code != 0 || !strings.HasPrefix(out, got.IP+" ") {
			t.Errorf("getent hosts %s in the second container = %q (exit %d), want %s", name, out, code, got.IP)
		}
	}

	// Exec: output, separate stderr, exit code, env, stdin, bind mount.
	var stdout, stderr bytes.Buffer
	code, err := e.Exec(ctx, web, orchestrator.ExecSpec{
		Cmd:     []string{"sh", "-c", "echo $GREETING $EXTRA; echo oops >&2; cat /mnt/host/hello.txt; exit 3"},
		Env:     []string{"EXTRA=world"},
		Streams: orchestrator.Streams{Out: &stdout, Err: &stderr},
	})
	if err != nil || code != 3 {
		t.Errorf("Exec = %d, %v; want exit code 3", code, err)
	}
	if stdout.String() != "hello world\nbound from the host" || stderr.String() != "oops\n" {
		t.Errorf("Exec stdout %q stderr %q", stdout.String(), stderr.String())
	}
	if out, code := execOut(t, e, ctx, web, orchestrator.ExecSpec{Cmd: []string{"tr", "a-z", "A-Z"},
		Streams: orchestrator.Streams{In: strings.NewReader("piped in")}}); out != "PIPED IN" || code != 0 {
		t.Errorf("Exec with stdin = %q (exit %d), want PIPED IN", out, code)
	}
	if out, code := execOut(t, e, ctx, web, orchestrator.ExecSpec{Cmd: []string{"id", "-un"}, User: "nobody"}); out != "nobody\n" || code != 0 {
		t.Errorf("Exec as nobody = %q (exit %d)", out, code)
	}
	if out, _ := execOut(t, e, ctx, web, orchestrator.ExecSpec{Cmd: []string{"hostname"}}); out != "web-one\n" {
		t.Errorf("hostname in the container = %q, want web-one", out)
	}
	var logs bytes.Buffer
	if err := e.Logs(ctx, web, orchestrator.LogsSpec{Out: &logs}); err != nil || logs.String() != "started\n" {
		t.Errorf("Logs = %q, %v; want \"started\\n\"", logs.String(), err)
	}

	// Stop and Remove are idempotent; stopped containers keep their state.
	for i := 0; i < 2; i++ {
		if err := e.Stop(ctx, web, 10*time.Second); err != nil {
			t.Fatalf("Stop #%d: %v", i+1, err)
		}
	}
	if in, err := e.Inspect(ctx, web); err != nil || in.State != "exited" {
		t.Errorf("after Stop: %+v, %v; want exited", in, err)
	}
	for _, id := range []string{web, web, client} {
		if err := e.Remove(ctx, id); err != nil {
			t.Fatalf("Remove: %v", err)
		}
	}
	if err := e.Stop(ctx, web, time.Second); err != nil {
		t.Errorf("Stop of a removed container: %v", err)
	}
	if list, err := e.Containers(ctx, project); err != nil || len(list) != 0 {
		t.Errorf("after Remove: %+v, %v; want none", list, err)
	}
	if _, err := os.Stat(filepath.Join(shared, "hello.txt")); err != nil {
		t.Errorf("removing the container touched the bind-mounted folder: %v", err)
	}
}

func execOut(t *testing.T, e *Engine, ctx context.Context, id string, spec orchestrator.ExecSpec) (string, int) {
	t.Helper()
	var out bytes.Buffer
	spec.Streams.Out, spec.Streams.Err = &out, &out
	code, err := e.Exec(ctx, id, spec)
	if err != nil {
		t.Fatalf("exec %v: %v", spec.Cmd, err)
	}
	return out.String(), code
}

func TestIntegrationCreateErrorIsWrapped(t *testing.T) {
	e, ctx := integration(t)
	_, err := e.Create(ctx, orchestrator.ContainerSpec{Name: uniqueName(t), Image: "dockerops-test/no-such-image:" + uniqueName(t)})
	if err == nil || errors.Is(err, ErrEngineDown) || !strings.Contains(err.Error(), "create container") {
		t.Errorf("Create with a missing image: %v; want a create error, not engine down", err)
	}
}
