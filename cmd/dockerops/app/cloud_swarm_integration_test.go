package app

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// threeHosts has no "manager" key: three hosts make three managers.
const threeHosts = `# three droplets, one without groups (it runs every group)
{
    "web1": {"region": "fra1", "groups": ["front"]},
    "db1": {"region": "fra1", "groups": ["back", "cron"]},
    "misc": {"region": "fra1"}
}
`

// swarmNode is a node as `docker node inspect` on a manager shows it.
type swarmNode struct {
	ID      string
	Version struct{ Index uint64 }
	Spec    struct {
		Role         string
		Availability string
		Labels       map[string]string
	}
	Status struct{ State string }
}

// nodes lists the swarm's nodes by their dockerops.host label, as host's
// engine (a manager) sees them.
func (c *cloudProject) nodes(host string) map[string]swarmNode {
	c.t.Helper()
	out, err := c.sim(host).Exec(context.Background(), nil, "sh", "-c", "docker node inspect $(docker node ls -q)")
	if err != nil {
		c.t.Fatalf("docker node inspect on %s: %v", host, err)
	}
	var list []swarmNode
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		c.t.Fatalf("docker node inspect: %v\n%s", err, out)
	}
	m := map[string]swarmNode{}
	for _, n := range list {
		m[n.Spec.Labels["dockerops.host"]] = n
	}
	return m
}

func (c *cloudProject) swarmState(host string) string {
	c.t.Helper()
	out, err := c.sim(host).Exec(context.Background(), nil, "docker", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.Cluster.ID}}")
	if err != nil {
		// A worker has no cluster: ask for the state alone.
		out, err = c.sim(host).Exec(context.Background(), nil, "docker", "info", "--format", "{{.Swarm.LocalNodeState}}")
	}
	if err != nil {
		c.t.Fatalf("docker info on %s: %v", host, err)
	}
	return strings.TrimSpace(out)
}

func TestIntegrationCloudSwarm(t *testing.T) {
	c := newCloudProject(t)
	t.Parallel()
	if err := os.WriteFile(filepath.Join(c.dir, "hosts.conf"), []byte(threeHosts), 0o644); err != nil {
		t.Fatal(err)
	}
	c.env["LOG_LEVEL"] = "DEBUG"
	ctx := context.Background()

	// The droplets first, then swarm port 2377 of the first manager blocked:
	// the next host cannot join, and says so.
	c.must("provision,wait=False")
	block := []string{"iptables", "-I", "INPUT", "-p", "tcp", "--dport", "2377", "-j", "DROP"}
	if _, err := c.sim("web1").Exec(ctx, nil, block...); err != nil {
		t.Fatalf("block 2377 on web1: %v", err)
	}
	c.fails("provision", 1, "host db1", "join the swarm", ":2377")
	block[1] = "-D"
	if _, err := c.sim("web1").Exec(ctx, nil, block...); err != nil {
		t.Fatalf("unblock 2377 on web1: %v", err)
	}

	code, stdout, stderr := c.run("provision")
	if code != 0 {
		t.Fatalf("provision after unblocking: exit %d\n%s", code, stderr)
	}
	t.Logf("%s", stderr)
	nodes := c.nodes("web1")
	want := map[string]map[string]string{
		"web1": {"dockerops.project": c.name, "dockerops.host": "web1", "dockerops.group.front": "true"},
		"db1":  {"dockerops.project": c.name, "dockerops.host": "db1", "dockerops.group.back": "true", "dockerops.group.cron": "true"},
		"misc": {"dockerops.project": c.name, "dockerops.host": "misc", "dockerops.groups": "all"},
	}
	if len(nodes) != 3 {
		t.Fatalf("the swarm has nodes %v, want web1, db1 and misc", nodes)
	}
	cluster := strings.Fields(c.swarmState("web1"))
	for host, labels := range want {
		n := nodes[host]
		if n.Spec.Role != "manager" || n.Status.State != "ready" || len(n.Spec.Labels) != len(labels) {
			t.Errorf("node of %s: %+v, want a ready manager with labels %v", host, n, labels)
		}
		for k, v := range labels {
			if n.Spec.Labels[k] != v {
				t.Errorf("node of %s: label %s=%q, want %q", host, k, n.Spec.Labels[k], v)
			}
		}
		if got := strings.Fields(c.swarmState(host)); len(got) != 2 || got[0] != "active" || got[1] != cluster[1] {
			t.Errorf("%s's engine: swarm %v, want active in web1's %v", host, got, cluster)
		}
	}

	// The join tokens appear nowhere: not in the output (debug log on),
	// not in the project's files.
	for _, role := range []string{"worker", "manager"} {
		tok, err := c.sim("web1").Exec(ctx, nil, "docker", "swarm", "join-token", "-q", role)
		tok = strings.TrimSpace(tok)
		if err != nil || !strings.HasPrefix(tok, "SWMTKN-") {
			t.Fatalf("join-token %s: %q, %v", role, tok, err)
		}
		if strings.Contains(stdout+stderr, tok) {
			t.Errorf("the %s join token shows in provision's output", role)
		}
		_ = filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, _ := os.ReadFile(path); strings.Contains(string(b), tok) {
					t.Errorf("the %s join token is written in %s", role, path)
				}
			}
			return nil
		})
	}

	// Again: nothing changes.
	_, _, again := c.run("provision")
	for host, n := range c.nodes("web1") {
		if n.ID != nodes[host].ID || n.Version.Index != nodes[host].Version.Index {
			t.Errorf("a second provision changed %s's node: %+v, was %+v\n%s", host, n, nodes[host], again)
		}
	}

	// A host that left the swarm joins it again, and its old node goes.
	if _, err := c.sim("misc").Exec(ctx, nil, "docker", "swarm", "leave", "--force"); err != nil {
		t.Fatal(err)
	}
	c.must("provision")
	after := c.nodes("web1")
	if len(after) != 3 || after["misc"].ID == nodes["misc"].ID || after["misc"].Status.State != "ready" {
		t.Errorf("after misc left and provision: nodes %+v", after)
	}

	// destroy:misc drains it and takes it out; the others stay.
	c.must("destroy:misc,force=True")
	left := c.nodes("db1")
	hosts := make([]string, 0, len(left))
	for h, n := range left {
		hosts = append(hosts, h)
		if n.Status.State != "ready" || n.Spec.Role != "manager" {
			t.Errorf("after destroy:misc, %s's node is %+v", h, n)
		}
	}
	sort.Strings(hosts)
	if strings.Join(hosts, " ") != "db1 web1" {
		t.Errorf("after destroy:misc the swarm has %v, want db1 and web1", hosts)
	}
	if c.sim("misc") != nil {
		t.Error("misc's droplet is still there")
	}
	c.must("destroy:all,force=True")
}
