package orchestrator_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/dropletsim"
	"github.com/dockerops/dockerops/orchestrator/dockerengine"
	"github.com/dockerops/dockerops/project"
)

// swarmApp is the test image: it resolves DOCKEROPS_LINKS as the base
// image's entrypoint does, links /data into the persistent dir, and is
// unhealthy when FAIL=1.
var swarmApp = map[string]string{
	"Dockerfile": `FROM debian:bookworm-slim
COPY start.sh /start.sh
HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD test "$FAIL" != 1
CMD ["sh", "/start.sh"]
`,
	"start.sh": `mkdir -p /persistent/data && ln -sfn /persistent/data /data
IFS=,
for l in $DOCKEROPS_LINKS; do
  ip=$(getent hosts "${l#*=}" | awk '{print $1}')
  echo "${l%%=*}_CONTAINER_IP=$ip" >> /links.env
done
exec sleep infinity
`,
}

// oneNodeSwarm starts a droplet, makes it a one-node swarm labelled
// dockerops.host=node1 and returns its engine, reached over SSH.
func oneNodeSwarm(t *testing.T, ctx context.Context) (*dropletsim.Droplet, *dockerengine.Engine) {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	b := make([]byte, 3)
	rand.Read(b)
	d, err := dropletsim.Start(ctx, "swarmdeploy-"+hex.EncodeToString(b), key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Remove(context.Background()) })
	for _, cmd := range []string{
		"docker swarm init --advertise-addr 127.0.0.1",
		"docker node update --label-add " + orchestrator.LabelHost + "=node1 $(docker node ls -q)",
	} {
		if out, err := d.Exec(ctx, nil, "sh", "-c", cmd); err != nil {
			t.Fatalf("%s: %v %s", cmd, err, out)
		}
	}
	e, err := dockerengine.New(ctx, dockerengine.Options{Host: "ssh://root@" + d.IP, SSHSigners: []ssh.Signer{signer},
		KnownHostsFile: filepath.Join(t.TempDir(), "known_hosts")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return d, e
}

func TestIntegrationSwarmDeploy(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	_, e := oneNodeSwarm(t, ctx)
	if ok, err := e.ControlAvailable(ctx); err != nil || !ok {
		t.Fatalf("the droplet is no manager: %v, %v", ok, err)
	}
	dir := t.TempDir()
	for name, content := range swarmApp {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Build(ctx, orchestrator.BuildSpec{Tag: "swd/app", ContextDir: dir}, nil); err != nil {
		t.Fatal(err)
	}
	const proj = "swd"
	node := orchestrator.Target{Host: "node1", Engine: e,
		Files: orchestrator.HostFiles{Engine: e, Dir: "/var/lib/dockerops/" + proj, Project: proj}}
	o := &orchestrator.Orchestrator{Target: node, Project: proj, WaitTimeout: 90 * time.Second,
		Swarm: &orchestrator.Swarm{Manager: e, Nodes: []orchestrator.Target{node}}}
	mk := func(container string, env map[string]string, links ...project.Link) project.Instance {
		return project.Instance{Name: proj + "-" + container + "-one", Container: container, Instance: "one",
			Image: "swd/app", InstanceType: project.Standard, Hostname: container + "-one", Env: env, Links: links}
	}
	run := func(dbEnv, webEnv map[string]string) []project.Instance {
		db := mk("db", dbEnv)
		db.PersistentDir = ptr("/unused-on-a-swarm")
		return []project.Instance{mk("web", webEnv, project.Link{Name: "DB", Target: ptr(proj + "-db-one"), TargetContainer: "db"}), db}
	}
	opts := orchestrator.ServicePlanOptions{Monitor: 3 * time.Second}
	deploy := func(in []project.Instance) (orchestrator.Plan, time.Duration, error) {
		start := time.Now()
		plan, err := o.PlanServices(ctx, in, opts)
		if err != nil {
			t.Fatal(err)
		}
		err = o.Apply(ctx, plan)
		return plan, time.Since(start), err
	}
	versions := func() map[string]uint64 {
		list, err := e.Services(ctx, proj)
		if err != nil {
			t.Fatal(err)
		}
		v := map[string]uint64{}
		for _, s := range list {
			v[s.Name] = s.Version
		}
		return v
	}
	task := func(name string) string {
		list, err := e.Containers(ctx, proj)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if c.Labels[orchestrator.LabelSwarmService] == name && c.State == "running" {
				return c.ID
			}
		}
		t.Fatalf("no running task container of %s", name)
		return ""
	}
	sh := func(id, script string) string {
		var out, errOut bytes.Buffer
		code, err := e.Exec(ctx, id, orchestrator.ExecSpec{Cmd: []string{"sh", "-c", script}, Streams: orchestrator.Streams{Out: &out, Err: &errOut}})
		if err != nil || code != 0 {
			t.Fatalf("%s in %s: exit %d, %v %s", script, id, code, err, errOut.String())
		}
		return strings.TrimSpace(out.String())
	}

	plan, cold, err := deploy(run(map[string]string{"ROLE": "db"}, map[string]string{"ROLE": "web"}))
	if err != nil {
		t.Fatalf("first deploy: %v\n%s", err, plan)
	}
	t.Logf("cold deploy in %s:\n%s", cold.Round(time.Millisecond), plan)
	web := task(proj + "-web-one")
	if got := sh(web, "cat /links.env; getent hosts db"); !strings.Contains(got, "DB_CONTAINER_IP=1") || !strings.Contains(got, " db") {
		t.Errorf("web resolves db by its link name: %q", got)
	}

	before := versions()
	plan, noop, err := deploy(run(map[string]string{"ROLE": "db"}, map[string]string{"ROLE": "web"}))
	if err != nil || plan.Changes() != 0 {
		t.Fatalf("second deploy: %d changes, %v\n%s", plan.Changes(), err, plan)
	}
	t.Logf("no-op deploy in %s", noop.Round(time.Millisecond))
	if after := versions(); !mapsEqual(before, after) {
		t.Errorf("a no-op deploy changed service versions: %v -> %v", before, after)
	}

	db := task(proj + "-db-one")
	sh(db, "echo kept > /data/f")
	before = versions()
	plan, took, err := deploy(run(map[string]string{"ROLE": "db2"}, map[string]string{"ROLE": "web"}))
	if err != nil {
		t.Fatalf("env change: %v", err)
	}
	t.Logf("env change on db in %s:\n%s", took.Round(time.Millisecond), plan)
	after := versions()
	if after[proj+"-web-one"] != before[proj+"-web-one"] || after[proj+"-db-one"] == before[proj+"-db-one"] {
		t.Errorf("an env change of db: versions %v -> %v, want only db's to move", before, after)
	}
	db2 := task(proj + "-db-one")
	if db2 == db {
		t.Error("db's task was not replaced")
	}
	if got := sh(db2, "echo $ROLE; cat /data/f"); got != "db2\nkept" {
		t.Errorf("new db task: %q, want ROLE db2 and the file the old one wrote", got)
	}

	plan, took, err = deploy(run(map[string]string{"ROLE": "db2"}, map[string]string{"ROLE": "web", "FAIL": "1"}))
	if err == nil || !strings.Contains(err.Error(), "rolled it back") {
		t.Fatalf("an update whose task fails its HEALTHCHECK: err = %v, want a rollback\n%s", err, plan)
	}
	t.Logf("failed update rolled back in %s: %v", took.Round(time.Millisecond), err)
	if now := task(proj + "-web-one"); now != web {
		t.Errorf("web's old task %s no longer serves (now %s)", web, now)
	}
	if got := sh(web, "getent hosts db"); got == "" {
		t.Error("the old web task no longer resolves db")
	}

	list, _ := e.Services(ctx, proj)
	var dbSvc []orchestrator.ObservedService
	for _, s := range list {
		if s.Name == proj+"-db-one" {
			dbSvc = append(dbSvc, s)
		}
	}
	if err := o.Apply(ctx, o.PlanRollback(dbSvc)); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if got := sh(task(proj+"-db-one"), "echo $ROLE; cat /data/f"); got != "db\nkept" {
		t.Errorf("after rollback db: %q, want ROLE db and its data", got)
	}

	list, _ = e.Services(ctx, proj)
	clean, err := o.PlanServiceClean(ctx, list, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(ctx, clean); err != nil {
		t.Fatalf("clean: %v", err)
	}
	if left, _ := e.Services(ctx, proj); len(left) > 0 {
		t.Errorf("after clean: %d services", len(left))
	}
	if found, _ := node.Files.Existing(ctx, "swd/app", []string{"/var/lib/dockerops/swd/db_one"}); !slices.Equal(found, []string{"/var/lib/dockerops/swd/db_one"}) {
		t.Errorf("clean without purge removed db's data dir: %v", found)
	}
}

func mapsEqual(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
