package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// ship=True sends a droplet the locally built images; after a one-file
// change in the app image's last layer, only that layer goes, and the
// droplet runs the image with the new file.
func TestIntegrationCloudShipSendsOnlyMissingLayers(t *testing.T) {
	c := newCloudProject(t)
	t.Parallel()
	t.Cleanup(func() {
		out, _ := exec.Command("docker", "images", "-q", "--filter", "label=dockerops.project="+c.name).Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			_ = exec.Command("docker", append([]string{"rmi", "-f"}, ids...)...).Run()
		}
	})
	c.must("provision")
	sent := regexp.MustCompile(`sent (\S+ \S+) of (\S+ \S+) \((\d+) of (\d+) layers\) in \S+`)
	ship := func() []string {
		t.Helper()
		c.must("build:all")
		code, _, stderr := c.run("run:all,host=web1,ship=True")
		if code != 0 {
			t.Fatalf("run:all,host=web1,ship=True: exit %d\n%s", code, stderr)
		}
		m := sent.FindStringSubmatch(stderr)
		if m == nil || strings.Contains(stderr, "whole archive") {
			t.Fatalf("the progress says no single \"sent\" line:\n%s", stderr)
		}
		t.Logf("%s", m[0])
		return m[1:]
	}
	// A droplet starts with debian:bookworm-slim, the base's base: its one
	// layer stays, every other goes.
	first := ship()
	if n, of := atoi(t, first[2]), atoi(t, first[3]); n != of-1 || first[0] == first[1] {
		t.Errorf("first ship sent %s of %s, %d of %d layers; want all but the Debian layer the droplet has", first[0], first[1], n, of)
	}

	probe := filepath.Join(c.dir, "apps_containers", "app", "probe.conf")
	conf, err := os.ReadFile(probe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(probe, append(conf, "; changed\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	second := ship()
	if second[2] != "1" || !strings.HasSuffix(second[0], " kB") {
		t.Errorf("re-ship after a one-file change sent %s, %s of %s layers; want the changed layer alone", second[0], second[2], second[3])
	}
	out, err := c.sim("web1").Exec(context.Background(), nil, "docker", "run", "--rm", c.name+"/app", "tail", "-1", "/etc/supervisor/conf.d/probe.conf")
	if err != nil || strings.TrimSpace(out) != "; changed" {
		t.Errorf("web1's %s/app ends probe.conf with %q (%v), want the change", c.name, out, err)
	}
	if got := strings.TrimSpace(c.must("shell:app,host=web1,command=tail -1 /etc/supervisor/conf.d/probe.conf")); got != "; changed" {
		t.Errorf("the instance on web1 has probe.conf ending %q after the re-ship", got)
	}
}
