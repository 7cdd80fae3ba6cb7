package basecontainer

import (
	"crypto/rand"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"
)

// onNetwork attaches a container to nw with a DNS alias, as a Swarm overlay
// gives each service its name.
func onNetwork(nw *testcontainers.DockerNetwork, alias string) func(*testcontainers.ContainerRequest) {
	return func(r *testcontainers.ContainerRequest) {
		r.Networks = []string{nw.Name}
		if alias != "" {
			r.NetworkAliases = map[string][]string{nw.Name: {alias}}
		}
	}
}

func userNetwork(t *testing.T) *testcontainers.DockerNetwork {
	t.Helper()
	nw, err := network.New(t.Context())
	testcontainers.CleanupNetwork(t, nw)
	if err != nil {
		t.Fatalf("network: %v", err)
	}
	return nw
}

// DOCKEROPS_LINKS names link targets by alias (Swarm mode): the entrypoint
// resolves each into <NAME>_CONTAINER_IP for ssh sessions (/env.sh) and for
// supervisord's programs, also when the target starts after the container;
// an address given in the environment is kept.
func TestIntegrationLinksResolveAliases(t *testing.T) {
	baseImage(t)
	probe := childImage(t, "linkprobe", []string{"COPY probe.conf /etc/supervisor/conf.d/probe.conf"}, map[string]string{
		"probe.conf": "[program:probe]\ncommand=/bin/sh -c 'echo \"db=$DB_CONTAINER_IP cache=$CACHE_CONTAINER_IP\" > /tmp/probe.out; exec sleep infinity'\n",
	})
	t.Parallel()
	nw := userNetwork(t)
	suffix := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	dbAlias := "db-" + suffix
	// The linking container starts first: its target comes moments later.
	front := startContainer(t, probe, map[string]string{
		"DOCKEROPS_LINKS":    "DB=" + dbAlias + ", cache=cache-given",
		"CACHE_CONTAINER_IP": "192.0.2.7",
	}, onNetwork(nw, ""))
	time.Sleep(time.Second)
	db := startContainer(t, baseImage(t), nil, onNetwork(nw, dbAlias))
	dbIP := containerIPOn(t, db, nw.Name)
	waitSupervisord(t, front)

	want := "db=" + dbIP + " cache=192.0.2.7\n"
	if got := waitFile(t, front, "/tmp/probe.out"); got != want {
		t.Errorf("supervisor program sees %q, want %q", got, want)
	}
	if _, out := run(t, front, "bash", "-c", "env -i bash -c '. /env.sh; echo \"$DB_CONTAINER_IP $CACHE_CONTAINER_IP\"'"); out != dbIP+" 192.0.2.7\n" {
		t.Errorf("/env.sh gives %q, want %q", out, dbIP+" 192.0.2.7\n")
	}
}

// An alias nothing answers to is a warning after the bounded wait, and the
// container starts anyway with the address left empty.
func TestIntegrationLinksMissingAliasWarns(t *testing.T) {
	img := baseImage(t)
	t.Parallel()
	nw := userNetwork(t)
	start := time.Now()
	c := startContainer(t, img, map[string]string{
		"DOCKEROPS_LINKS":         "DB=nosuch-alias-" + strings.ToLower(rand.Text()[:8]),
		"DOCKEROPS_LINKS_TIMEOUT": "2",
	}, onNetwork(nw, ""))
	waitSupervisord(t, c)
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("start took %v with a 2 s link timeout", took)
	}
	logs := containerLogs(t, c)
	if !strings.Contains(logs, "warning: link nosuch-alias-") || !strings.Contains(logs, "DB_CONTAINER_IP stays empty") {
		t.Errorf("no warning naming the alias and DB_CONTAINER_IP in the logs:\n%s", logs)
	}
	if _, out := run(t, c, "bash", "-c", "env -i bash -c '. /env.sh; echo \"[${DB_CONTAINER_IP:-}]\"'"); out != "[]\n" {
		t.Errorf("/env.sh gives DB_CONTAINER_IP %q, want it empty", out)
	}
}

func containerIPOn(t *testing.T, c testcontainers.Container, network string) string {
	t.Helper()
	info, err := c.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ep := info.NetworkSettings.Networks[network]
	if ep == nil || ep.IPAddress == "" {
		t.Fatalf("container has no address on %s", network)
	}
	return ep.IPAddress
}

// waitFile waits up to 10 s for a file a supervisor program writes.
func waitFile(t *testing.T, c testcontainers.Container, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, out := run(t, c, "cat", path); code == 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within 10 s", path)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func containerLogs(t *testing.T, c testcontainers.Container) string {
	t.Helper()
	r, err := c.Logs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
