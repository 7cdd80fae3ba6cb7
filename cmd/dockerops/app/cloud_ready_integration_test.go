package app

import (
	"context"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/dropletsim"
)

// A droplet whose cloud-init install of Docker failed stops provision,
// which names the host and shows cloud-init's status and the end of its
// log; the re-run installs and starts Docker over SSH on it instead of
// waiting again, and finishes the job.
func TestIntegrationCloudFailedInstallThenRepaired(t *testing.T) {
	c := newCloudProject(t)
	t.Parallel()
	c.started = func(sim *dropletsim.Droplet) error {
		if !strings.HasSuffix(sim.Name, "-db1") {
			return nil
		}
		return sim.FailInstall(context.Background(), "E: Unable to locate package docker.io", "Cloud-init v. 22.4.2 finished with errors (dropletsim)")
	}

	c.fails("provision", 1, `host "db1": cloud-init failed (exit 1)`, "status: error",
		"/var/log/cloud-init-output.log", "E: Unable to locate package docker.io", "run provision again")
	db1 := c.sim("db1")
	if db1 == nil {
		t.Fatal("no droplet for db1")
	}
	if _, err := db1.Exec(context.Background(), nil, "docker", "info"); err == nil {
		t.Fatal("db1's engine runs after the failed install: the test proves nothing")
	}

	code, _, stderr := c.run("provision")
	if code != 0 {
		t.Fatalf("re-run of provision: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"db1: cloud-init failed (exit 1, status: error): installing Docker over SSH", "db1: a container of debian:bookworm-slim starts", "db1: ready"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the re-run does not say %q:\n%s", want, stderr)
		}
	}
	if out, err := db1.Exec(context.Background(), nil, "docker", "run", "--rm", dropletsim.BaseImage, "true"); err != nil {
		t.Errorf("a container on db1 after the repair: %q, %v", out, err)
	}
	if n := c.fake.Calls("POST", "/v2/droplets"); n != 2 {
		t.Errorf("%d droplets created over both runs, want 2", n)
	}
	c.must("destroy:all,force=True")
}
