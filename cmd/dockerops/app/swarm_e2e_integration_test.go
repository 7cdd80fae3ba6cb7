package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// useFixture replaces the cloud project's files with those of src.
func (c *cloudProject) useFixture(src string) {
	c.t.Helper()
	for _, name := range []string{"apps_containers", "hosts.conf", "static"} {
		if err := os.RemoveAll(filepath.Join(c.dir, name)); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := os.CopyFS(c.dir, os.DirFS(src)); err != nil {
		c.t.Fatal(err)
	}
}

// timed runs a command line that must succeed and says how long it took.
func (c *cloudProject) timed(args string) (string, time.Duration) {
	c.t.Helper()
	start := time.Now()
	out := c.must(args)
	return out, time.Since(start)
}

// swarmPs is ps,hosts=all,format=json by instance name.
func (c *cloudProject) swarmPs() map[string]psEntry {
	c.t.Helper()
	var list []psEntry
	if err := json.Unmarshal([]byte(c.must("ps,hosts=all,format=json")), &list); err != nil {
		c.t.Fatal(err)
	}
	m := map[string]psEntry{}
	for _, e := range list {
		m[e.Name] = e
	}
	return m
}

// service is what a manager says of one service: its version index and
// the ID of its running task's container.
func (c *cloudProject) serviceVersion(manager, name string) string {
	c.t.Helper()
	out, err := c.sim(manager).Exec(context.Background(), nil, "docker", "service", "inspect", "-f", "{{.Version.Index}}", name)
	if err != nil {
		c.t.Fatalf("service inspect %s: %v", name, err)
	}
	return strings.TrimSpace(out)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(time.Second) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
	}
}

// The multi-host platform end to end: three droplets form a swarm, web
// (front) reaches db (back, persistent) by name across nodes without any
// published port, updates are change-aware and health-gated with automatic
// rollback, a killed task comes back, rollback restores the previous spec,
// and clean keeps the data.
func TestIntegrationSwarmPlatform(t *testing.T) {
	c := newCloudProject(t)
	t.Parallel()
	c.useFixture("testdata/swarm")
	ctx := context.Background()
	c.must("provision")
	web, db := c.name+"-app-web", c.name+"-app-db"

	_, cold := c.timed("run:all,hosts=all")
	ps := c.swarmPs()
	if ps[web].Status != "running" || ps[db].Status != "running" {
		t.Fatalf("after run:all,hosts=all: %+v, want web and db running", ps)
	}
	if ps[web].Host != "web1" && ps[web].Host != "misc" {
		t.Errorf("web runs on %q, which does not run group front", ps[web].Host)
	}
	dbHost := ps[db].Host
	if dbHost != "db1" && dbHost != "misc" {
		t.Errorf("db runs on %q, which does not run group back", dbHost)
	}
	_, noop := c.timed("run:all,hosts=all")
	t.Logf("cold run:all,hosts=all %s, no-op %s", cold.Round(time.Millisecond), noop.Round(time.Millisecond))

	// From web, db answers by its link name across nodes, and its address
	// is in DB_CONTAINER_IP; db's port answers on no node's address.
	probe := `exec 3<>/dev/tcp/db/2222 && head -c 4 <&3`
	if got := c.must("shell:app,instance=web,hosts=all,command=" + probe); got != "SSH-" {
		t.Errorf("db's port 2222 by name from web answers %q, want the SSH greeting", got)
	}
	if got := strings.TrimSpace(c.must("shell:app,instance=web,hosts=all,command=printenv DB_CONTAINER_IP")); got != ps[db].IP || got == "" {
		t.Errorf("DB_CONTAINER_IP in web = %q, want db's overlay address %q", got, ps[db].IP)
	}
	for _, host := range []string{"web1", "db1", "misc"} {
		if conn, err := net.DialTimeout("tcp", net.JoinHostPort(c.sim(host).IP, "2222"), 2*time.Second); err == nil {
			conn.Close()
			t.Errorf("db's port 2222 answers on node %s's address: a link opened a port", host)
		}
	}

	// An interactive instance runs as a one-off container on a node that
	// runs its group, on the overlay: db answers it by name; it is removed
	// when its shell ends.
	code, out, stderr := c.runWithInput(probe+"\n", "run:app,instance=tty,instance_type=interactive,hosts=all")
	if code != 0 || !strings.Contains(out, "SSH-") {
		t.Errorf("interactive instance on the swarm: exit %d, output %q, want db's greeting by name\n%s", code, out, stderr)
	}
	if ps := c.swarmPs(); len(ps) != 2 {
		t.Errorf("after the interactive shell ended, ps shows %d instances, want web and db only: %+v", len(ps), ps)
	}

	// A file db writes survives an env change of db, which updates db alone.
	c.must("shell:app,instance=db,hosts=all,command=echo kept > /data/f")
	webVersion := c.serviceVersion("web1", web)
	c.env["MODE"] = "b"
	c.must("run:all,hosts=all")
	delete(c.env, "MODE")
	if got := strings.TrimSpace(c.must("shell:app,instance=db,hosts=all,command=printenv MODE; cat /data/f")); got != "b\nkept" {
		t.Errorf("after an env change of db: MODE and /data/f are %q, want b and kept", got)
	}
	if v := c.serviceVersion("web1", web); v != webVersion {
		t.Errorf("an env change of db updated web too (version %s -> %s)", webVersion, v)
	}
	dbVersion := c.serviceVersion("web1", db)
	c.env["MODE"] = "b"
	c.must("run:all,hosts=all")
	if v := c.serviceVersion("web1", db); v != dbVersion || c.serviceVersion("web1", web) != webVersion {
		t.Error("a run with nothing changed updated a service")
	}

	// An update whose new container fails its health check is rolled back;
	// the old web still serves.
	c.env["BROKEN"] = "1"
	code, _, stderr = c.run("run:all,hosts=all")
	delete(c.env, "BROKEN")
	t.Logf("the broken update said:\n%s", stderr)
	if code != 1 || !strings.Contains(stderr, web) || !strings.Contains(stderr, "roll") {
		t.Errorf("a broken update of web: exit %d, want 1 naming %s and the rollback:\n%s", code, web, stderr)
	}
	waitFor(t, "web serving again on its working spec after the rollback", 2*time.Minute, func() bool {
		_, out, _ := c.run("shell:app,instance=web,hosts=all,command=printenv BROKEN; " + probe)
		return out == "0\nSSH-"
	})
	if got, err := c.sim("web1").Exec(ctx, nil, "docker", "service", "inspect", "-f", "{{.UpdateStatus.State}}", web); err != nil || !strings.HasPrefix(strings.TrimSpace(got), "rollback_") {
		t.Errorf("web's update status is %q (%v), want the Swarm's rollback", got, err)
	}

	// Killing db's container brings db back, with its data.
	if _, err := c.sim(dbHost).Exec(ctx, nil, "sh", "-c", "docker kill $(docker ps -q --filter label=com.docker.swarm.service.name="+db+")"); err != nil {
		t.Fatalf("kill db's container on %s: %v", dbHost, err)
	}
	waitFor(t, "db running again after its container was killed", 2*time.Minute, func() bool {
		_, out, _ := c.run("shell:app,instance=db,hosts=all,command=cat /data/f")
		return out == "kept\n"
	})

	// rollback:app,instance=web,hosts=all returns web to its previous spec.
	c.env["GREETING"] = "bonjour"
	c.must("run:all,hosts=all")
	delete(c.env, "GREETING")
	c.must("rollback:app,instance=web,hosts=all")
	if got := strings.TrimSpace(c.must("shell:app,instance=web,hosts=all,command=printenv GREETING")); got != "hello" {
		t.Errorf("after rollback:web, GREETING = %q, want hello", got)
	}

	// clean leaves no service and keeps the data on db's node.
	c.must("clean:all,hosts=all,force=True")
	if out, err := c.sim("web1").Exec(ctx, nil, "docker", "service", "ls", "-q"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("clean:all,hosts=all left services %q (%v)", out, err)
	}
	data := fmt.Sprintf("/var/lib/dockerops/%s/app_db/data/f", c.name)
	if got, err := c.sim(dbHost).Exec(ctx, nil, "cat", data); err != nil || got != "kept\n" {
		t.Errorf("clean:all,hosts=all did not keep db's data at %s on %s: %q, %v", data, dbHost, got, err)
	}
	c.must("destroy:all,force=True")
}
