package app

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/dropletsim"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

// cloudProject is a cloudAPI whose droplets are simulated droplets (sshd +
// Docker in a local container), so the CLI reaches their engines over SSH.
type cloudProject struct {
	*cloudAPI

	mu   sync.Mutex
	sims map[string]*dropletsim.Droplet // by droplet name
	// started, when set, is called with every simulated droplet once it
	// runs, before the fake answers the create.
	started func(*dropletsim.Droplet) error
	disks   string // the volumes' image files, by volume ID (see attachDisk)
}

func newCloudProject(t *testing.T) *cloudProject {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	c := &cloudProject{sims: map[string]*dropletsim.Droplet{}, disks: t.TempDir()}
	c.cloudAPI = newCloudAPI(t, fakedo.Config{ActivateAfter: 1, OnCreate: c.startDroplet, OnDelete: c.removeDroplet,
		OnAttach: c.attachDisk, OnDetach: c.detachDisk})
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, d := range c.sims {
			if err := d.Remove(context.Background()); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return c
}

// startDroplet backs a droplet the fake creates with a simulated droplet
// that authorizes the account's keys (the project key), and gives its
// address as the droplet's public and private IPv4.
func (c *cloudProject) startDroplet(d *godo.Droplet) (string, string) {
	var keys []string
	for _, k := range c.fake.Keys() {
		keys = append(keys, k.PublicKey)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sim, err := dropletsim.Start(ctx, d.Name, strings.Join(keys, "\n"))
	if err != nil {
		// The fake's own addresses would send the CLI's SSH off this
		// machine: loopback keeps a failing test's traffic here.
		c.t.Errorf("simulate droplet %s: %v", d.Name, err)
		return "127.0.0.1", "127.0.0.1"
	}
	c.mu.Lock()
	c.sims[d.Name] = sim
	c.mu.Unlock()
	if c.started != nil {
		if err := c.started(sim); err != nil {
			c.t.Errorf("simulated droplet %s: %v", d.Name, err)
		}
	}
	return sim.IP, sim.IP
}

func (c *cloudProject) removeDroplet(d *godo.Droplet) {
	c.mu.Lock()
	sim := c.sims[d.Name]
	delete(c.sims, d.Name)
	c.mu.Unlock()
	if sim == nil {
		return
	}
	if err := sim.Remove(context.Background()); err != nil {
		c.t.Errorf("remove simulated droplet %s: %v", d.Name, err)
	}
}

func (c *cloudProject) sim(host string) *dropletsim.Droplet {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sims[c.name+"-"+host]
}

func (c *cloudProject) ps(host string) map[string]psEntry {
	c.t.Helper()
	var list []psEntry
	if err := json.Unmarshal([]byte(c.must("ps,host="+host+",format=json")), &list); err != nil {
		c.t.Fatal(err)
	}
	m := map[string]psEntry{}
	for _, e := range list {
		m[e.Name] = e
	}
	return m
}

// innerContainers lists the containers running in a simulated droplet's
// engine, as `docker ps` on the droplet shows them.
func (c *cloudProject) innerContainers(host string) []string {
	c.t.Helper()
	sim := c.sim(host)
	if sim == nil {
		c.t.Fatalf("host %s has no simulated droplet", host)
	}
	out, err := sim.Exec(context.Background(), nil, "docker", "ps", "--format", "{{.Names}}")
	if err != nil {
		c.t.Fatal(err)
	}
	return strings.Fields(out)
}

func TestIntegrationCloudWholeFlow(t *testing.T) {
	c := newCloudProject(t)
	t.Parallel()

	c.must("provision")
	if d := c.fake.Droplets(); len(d) != 2 {
		t.Fatalf("provision made %d droplets, want 2", len(d))
	}
	web1, db1 := c.sim("web1"), c.sim("db1")
	if web1 == nil || db1 == nil {
		t.Fatalf("droplets %s-web1 and %s-db1 were not created", c.name, c.name)
	}
	for _, d := range c.fake.Droplets() {
		if !slices.Contains(d.Tags, "dockerops-project-"+c.name) {
			t.Errorf("droplet %s has tags %v, without the project tag", d.Name, d.Tags)
		}
	}
	recs := c.records()
	if !slices.Equal(recs["A web1"], []string{web1.IP}) || !slices.Equal(recs["A db1"], []string{db1.IP}) {
		t.Errorf("A records %v, want web1 -> %s and db1 -> %s", recs, web1.IP, db1.IP)
	}
	if len(recs["AAAA web1"]) != 1 || len(recs["AAAA db1"]) != 1 {
		t.Errorf("AAAA records %v, want one per name (ipv6 is on by default)", recs)
	}
	inv := c.inventory()
	for host, sim := range map[string]*dropletsim.Droplet{"web1": web1, "db1": db1} {
		h, ok := inv[host]
		switch {
		case !ok:
			t.Errorf("inventory.json has no host %s: %+v", host, inv)
		case !slices.Equal(h.Names, []string{host + ".example.com"}) || h.Region != "fra1" || h.Size != "s-1vcpu-1gb" ||
			h.Image != "debian-12-x64" || h.Backups == nil || *h.Backups:
			t.Errorf("inventory.json %s = %+v", host, h)
		case h.Public["ipv4"] != sim.IP || h.Private["ipv4"] != sim.IP || h.Public["ipv6"] == "":
			t.Errorf("inventory.json %s addresses: public %v, private %v; want ipv4 %s and an ipv6", host, h.Public, h.Private, sim.IP)
		}
	}

	// The droplets' host keys are pinned in the project's known_hosts.
	known, err := os.ReadFile(filepath.Join(c.dir, "data_"+c.name, ".ssh", "known_hosts"))
	if err != nil || !bytes.Contains(known, []byte(web1.IP+" ssh-ed25519 ")) || !bytes.Contains(known, []byte(db1.IP+" ssh-ed25519 ")) {
		t.Errorf("known_hosts after provision does not pin both droplets (%v):\n%s", err, known)
	}

	// Provisioning again changes nothing.
	before := c.creates()
	c.must("provision")
	if after := c.creates(); !maps.Equal(after, before) {
		t.Errorf("a second provision created more: POSTs before %v, after %v", before, after)
	}
	if d := c.fake.Droplets(); len(d) != 2 {
		t.Errorf("after a second provision there are %d droplets", len(d))
	}

	// Images are built and instances run on each droplet's own engine.
	c.must("build:all,host=db1")
	c.must("run:all,host=db1")
	c.must("run:all,host=web1")
	front, back := c.name+"-app-front", c.name+"-app-back"
	if got := c.innerContainers("web1"); !slices.Equal(got, []string{front}) {
		t.Errorf("containers on web1's engine: %v, want %s", got, front)
	}
	if got := c.innerContainers("db1"); !slices.Equal(got, []string{back}) {
		t.Errorf("containers on db1's engine: %v, want %s", got, back)
	}
	if out, err := exec.Command("docker", "images", "-q", "--filter", "label=dockerops.project="+c.name).Output(); err != nil || len(out) != 0 {
		t.Errorf("images were built on the local engine, not only on the droplets: %q, %v", out, err)
	}
	if ps := c.ps("web1"); ps[front].Status != "running" || len(ps) != 1 {
		t.Errorf("ps,host=web1: %+v, want %s running", ps, front)
	}
	if ps := c.ps("db1"); ps[back].Status != "running" || len(ps) != 1 {
		t.Errorf("ps,host=db1: %+v, want %s running", ps, back)
	}

	// logs:all,hosts=all reads both droplets' engines, each line naming its
	// instance and host.
	logHosts := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(c.must("logs:all,hosts=all,format=json")), "\n") {
		var l logLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("logs:all,hosts=all line %q: %v", line, err)
		}
		logHosts[l.Instance] = l.Host
	}
	if len(logHosts) != 2 || logHosts[front] != "web1" || logHosts[back] != "db1" {
		t.Errorf("logs:all,hosts=all shows instance -> host %v, want %s on web1 and %s on db1", logHosts, front, back)
	}

	// Across hosts: front's link to back is db1's private address, where
	// back's published port answers.
	if got := strings.TrimSpace(c.must("shell:app,host=web1,command=printenv BACK_CONTAINER_IP")); got != db1.IP {
		t.Errorf("BACK_CONTAINER_IP on web1 = %q, want db1's private IPv4 %s", got, db1.IP)
	}
	probe := `exec 3<>/dev/tcp/$BACK_CONTAINER_IP/2222 && head -c 4 <&3`
	if got := c.must("shell:app,host=web1,command=" + probe); got != "SSH-" {
		t.Errorf("back's port 2222 from front across hosts answers %q, want the SSH greeting", got)
	}

	c.dataLivesOnTheHost(db1)

	// SSH into an instance of a droplet, over real SSH through the droplet.
	if got := strings.TrimSpace(c.must("ssh:app,host=web1,command=hostname")); got != "app-front" {
		t.Errorf("ssh:app,host=web1 hostname = %q, want app-front", got)
	}

	// clean on one host leaves the other alone.
	c.must("clean:all,host=web1,force=True")
	if got := c.innerContainers("web1"); len(got) != 0 {
		t.Errorf("clean:all,host=web1 left %v on web1", got)
	}
	if ps := c.ps("web1"); len(ps) != 0 {
		t.Errorf("ps,host=web1 after clean: %+v", ps)
	}
	if got := c.innerContainers("db1"); !slices.Equal(got, []string{back}) {
		t.Errorf("clean:all,host=web1 touched db1: %v", got)
	}

	// destroy removes the droplets, their records and the simulated hosts.
	c.must("destroy:all,force=True")
	if d := c.fake.Droplets(); len(d) != 0 {
		t.Errorf("destroy:all left droplets %v", d)
	}
	if recs := c.records(); len(recs) != 0 {
		t.Errorf("destroy:all left records %v", recs)
	}
	for _, host := range []string{"web1", "db1"} {
		if containers, volumes, err := dropletsim.Find(context.Background(), c.name+"-"+host); err != nil || len(containers)+len(volumes) != 0 {
			t.Errorf("droplet %s is still simulated: %v %v %v", host, containers, volumes, err)
		}
	}
	if inv := c.inventory(); len(inv) != 0 {
		t.Errorf("inventory.json after destroy:all: %+v", inv)
	}
	// Their addresses go to the next droplets: no key of theirs is kept.
	known, err = os.ReadFile(filepath.Join(c.dir, "data_"+c.name, ".ssh", "known_hosts"))
	if err != nil || bytes.Contains(known, []byte(web1.IP+" ")) || bytes.Contains(known, []byte(db1.IP+" ")) {
		t.Errorf("known_hosts after destroy:all still pins the destroyed droplets (%v):\n%s", err, known)
	}
}

// dataLivesOnTheHost checks that back's persistent data and its
// project-relative volume are on db1's disk, under the host data root, and
// that a purge there never touches the laptop.
func (c *cloudProject) dataLivesOnTheHost(db1 *dropletsim.Droplet) {
	t := c.t
	t.Helper()
	ctx := context.Background()
	root := "/var/lib/dockerops/" + c.name
	local := filepath.Join(c.dir, "data_"+c.name, "app_back")
	c.must("shell:app,host=db1,command=echo kept > /data/f")
	if got, err := db1.Exec(ctx, nil, "cat", root+"/app_back/data/f"); err != nil || got != "kept\n" {
		t.Errorf("a file written under /data on db1 is not under db1's data root: %q, %v", got, err)
	}
	if _, err := os.Stat(local); !os.IsNotExist(err) {
		t.Errorf("persistent data of an instance on db1 appeared on the laptop at %s (%v)", local, err)
	}
	if got := c.must("shell:app,host=db1,command=cat /srv/static/hello.txt"); got != "hello from the project\n" {
		t.Errorf("the project-relative volume on db1 holds %q, want the project's static/hello.txt", got)
	}
	// A changed file is sent on the next run, and the instance sees it.
	if err := os.WriteFile(filepath.Join(c.dir, "static", "hello.txt"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.must("run:all,host=db1")
	if got := c.must("shell:app,host=db1,command=cat /srv/static/hello.txt"); got != "changed\n" {
		t.Errorf("after changing static/hello.txt and run, the volume on db1 holds %q", got)
	}
	// The data survives clean + run.
	c.must("clean:all,host=db1,force=True")
	c.must("run:all,host=db1")
	if got := c.must("shell:app,host=db1,command=cat /data/f"); got != "kept\n" {
		t.Errorf("after clean + run on db1, /data/f holds %q, want kept", got)
	}
	// purge on db1 removes db1's data and leaves a same-named local folder.
	if err := os.MkdirAll(local, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(local, "mine"), []byte("laptop"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.fails("clean:all,host=db1,purge=True", 1, "host db1", root+"/app_back")
	c.must("clean:all,host=db1,purge=True,force=True")
	if _, err := db1.Exec(ctx, nil, "test", "-e", root+"/app_back"); err == nil {
		t.Errorf("clean,purge=True,host=db1 left %s on db1", root+"/app_back")
	}
	if b, err := os.ReadFile(filepath.Join(local, "mine")); err != nil || string(b) != "laptop" {
		t.Errorf("clean,purge=True,host=db1 touched the laptop's %s: %q, %v", local, b, err)
	}
	c.must("run:all,host=db1")
}
