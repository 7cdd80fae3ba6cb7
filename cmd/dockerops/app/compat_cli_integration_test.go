package app

import (
	"os/exec"
	"strings"
	"testing"
)

// TestIntegrationDockerOpsCommandLine runs DockerOps' command line on the
// real engine: positional instances for run, getip, ssh and clean, rerun
// (a new container, running), ps:project,onlyrunning, ssh's '+' for a space.
func TestIntegrationDockerOpsCommandLine(t *testing.T) {
	p := newE2EProject(t)
	p.must("build:all")
	p.must("run:db,one")
	p.must("run:web,master")
	db := p.name + "-db-one"
	ps := p.ps()
	if ps[db].Status != "running" || ps[p.name+"-web-master"].Status != "running" {
		t.Fatalf("after run:db,one and run:web,master, ps shows %+v", ps)
	}
	if got := strings.TrimSpace(p.must("getip:db,one")); got != ps[db].IP || got == "" {
		t.Errorf("getip:db,one printed %q, want %s", got, ps[db].IP)
	}

	before := containerID(t, db)
	p.must("rerun:db,one")
	if after := containerID(t, db); after == before || p.ps()[db].Status != "running" {
		t.Errorf("rerun:db,one: container %s before, %s after, status %s; want a new running container", before, after, p.ps()[db].Status)
	}

	if got := strings.TrimSpace(p.must("ssh:web,master,hostname")); got != "web-master" {
		t.Errorf("ssh:web,master,hostname printed %q, want web-master", got)
	}
	if got := strings.TrimSpace(p.must("ssh:web,master,echo+$INSTANCE+ok")); got != "master ok" {
		t.Errorf("ssh:web,master,echo+$INSTANCE+ok printed %q, want \"master ok\" ('+' is a space, as in DockerOps)", got)
	}

	p.must("clean:db,one,,True")
	if _, ok := p.ps()[db]; ok {
		t.Errorf("clean:db,one,,True (positional force) left %s", db)
	}
	code, out, _ := p.run("ps:project,onlyrunning=True")
	if code != 0 || !strings.Contains(out, p.name+"-web-master") || strings.Contains(out, db) {
		t.Errorf("ps:project,onlyrunning=True: exit %d\n%s", code, out)
	}
}

// containerID is the engine's ID of the container called name.
func containerID(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("docker", "inspect", "-f", "{{.Id}}", name).Output()
	if err != nil {
		t.Fatalf("docker inspect %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}
