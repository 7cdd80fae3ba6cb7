package app

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A host's engine restarting (a droplet's reboot) brings its instances
// back: the host default unless-stopped runs keep again and leaves halt,
// stopped with stop:, stopped; forced (always) comes back though stopped,
// as stop warned. On the local engine the default stays no.
func TestIntegrationRestartAfterEngineRestart(t *testing.T) {
	c := newCloudProject(t)
	t.Parallel()
	c.useFixture("testdata/restart")
	keep, halt, forced := c.name+"-svc-keep", c.name+"-svc-halt", c.name+"-svc-forced"
	// The local engine's part: its container and image go when the test ends.
	t.Cleanup(func() {
		c.run("clean:all,force=True,timeout=1")
		out, _ := exec.Command("docker", "images", "-q", "--filter", "label=dockerops.project="+c.name).Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			_ = exec.Command("docker", append([]string{"rmi", "-f"}, ids...)...).Run()
		}
	})

	c.must("provision")
	c.must("build:svc,host=h1")
	c.must("run:all,host=h1")
	c.must("stop:svc,instance=halt,host=h1")
	if _, _, stderr := c.run("stop:svc,instance=forced,host=h1,progress=plain"); !strings.Contains(stderr, "restart=always: the engine starts it again") {
		t.Errorf("stop of an always instance does not warn:\n%s", stderr)
	}
	before := c.ps("h1")
	if before[keep].Status != "running" || before[halt].Status != "exited" || before[forced].Status != "exited" {
		t.Fatalf("before the engine restart: %+v, want keep running, halt and forced exited", before)
	}

	// dockerd stops its containers as it exits, and starts those whose
	// policy says so when it starts again; it answers once they are started.
	restart := `kill "$(pidof dockerd)" && while pidof dockerd >/dev/null; do sleep 0.2; done && /usr/local/sbin/dropletsim-dockerd`
	if out, err := c.sim("h1").Exec(context.Background(), nil, "sh", "-c", restart); err != nil {
		t.Fatalf("restart the engine of h1: %v\n%s", err, out)
	}
	var after map[string]psEntry
	waitFor(t, "keep running again after the engine restart", time.Minute, func() bool {
		after = c.ps("h1")
		return after[keep].Status == "running"
	})
	if after[halt].Status != "exited" {
		t.Errorf("halt, stopped with stop:, is %q after the engine restart, want exited", after[halt].Status)
	}
	if after[forced].Status != "running" {
		t.Errorf("forced (restart always), stopped with stop:, is %q after the engine restart; Docker restarts always containers when it starts", after[forced].Status)
	}

	// The local engine keeps its default: no.
	c.must("build:svc")
	c.must("run:svc,instance=keep")
	out, err := exec.Command("docker", "inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", keep).Output()
	if got := strings.TrimSpace(string(out)); err != nil || got != "no" {
		t.Errorf("local %s restart policy %q (%v), want no", keep, got, err)
	}
}
