package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// keyValue is a valid value for a task key in the testdata/fake project.
func keyValue(t *testing.T, k Key) string {
	switch k.Kind {
	case kindBool:
		return "True"
	case kindNumber:
		return "0.01"
	case kindCount:
		return "2"
	}
	v, ok := map[string]string{
		"conf": "run.conf", "instance": "one", "group": "front", "host": "web1", "hosts": "all",
		"format": "json", "out": "picture.svg", "command": "true", "name": "snap", "instance_type": "published",
		"hostname": "h", "seed_command": "true", "first_start_command": "true", "volumes": "/srv:/srv", "progress": "json", "restart": "on-failure:2", "since": "10m",
	}[k.Name]
	if !ok {
		t.Fatalf("no test value for string key %q: add one", k.Name)
	}
	return v
}

// taskArgs are the arguments each task is tried with.
func taskArgs(task *Task) []string {
	switch {
	case task.Arg == "":
		return []string{""}
	case task.Name == "help":
		return []string{"", "run"}
	case task.Name == "init":
		return []string{"", "sub"}
	case task.Name == "ps":
		return []string{"", "all", "project", "platform", "reallyall", "project,,,True"}
	case task.Name == "clean":
		return []string{"all", "web", "web-*", "nosuch", "reallyall", "web,one"}
	case task.Name == "snapshot":
		return []string{"list", "web1"}
	case slices.Contains(cloudTasks, task.Name):
		return []string{"all", "web1"}
	}
	if len(positionalOrder[task.Name]) > 1 {
		// DockerOps' positional instance.
		return []string{"all", "web", "web-*", "nosuch", "web,one"}
	}
	return []string{"all", "web", "web-*", "nosuch"}
}

// cloudTasks need the DigitalOcean API; they run without a token here.
var cloudTasks = []string{"provision", "inventory", "destroy", "snapshot"}

// TestEveryTaskAndKeyOnFakeEngine runs every task of the registry, alone and
// with each of its keys, against a fake engine in each state: whatever
// happens, dockerops exits 0, 1 or 2, never shows a Go stack, and says on
// stderr what went wrong.
func TestEveryTaskAndKeyOnFakeEngine(t *testing.T) {
	// Without an ssh client, ssh falls back to docker exec and never dials
	// the fake's container addresses.
	t.Setenv("PATH", "")
	for _, task := range tasks {
		variants := []string{""}
		for _, k := range task.Keys {
			variants = append(variants, k.Name+"="+keyValue(t, k))
		}
		for _, arg := range taskArgs(task) {
			for _, kv := range variants {
				word := task.Name
				if arg != "" {
					word += ":" + arg
				}
				if kv != "" {
					word += "," + kv
				}
				for _, state := range engineStates {
					t.Run(word+"/"+state.name, func(t *testing.T) {
						r := &fakeRun{state: state}
						res := r.run(t, word)
						if slices.Contains(cloudTasks, task.Name) {
							checkNoToken(t, word, res)
							return
						}
						checkOutcome(t, word, res)
					})
				}
			}
		}
	}
}

// checkOutcome asserts what every command owes its user.
func checkOutcome(t *testing.T, word string, res fakeResult) {
	t.Helper()
	t.Logf("exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	if m := stackTrace.FindString(res.stdout + res.stderr); m != "" {
		t.Errorf("%s: output shows Go internals (%q):\n%s%s", word, m, res.stdout, res.stderr)
	}
	if res.code != exitOK && res.code != exitFailure && res.code != exitUsage {
		t.Errorf("%s: exit %d, want 0, 1 or 2", word, res.code)
	}
	if res.code == exitOK {
		return
	}
	i := strings.LastIndex(res.stderr, "dockerops: ")
	if i < 0 {
		t.Errorf("%s: exit %d without a dockerops: message on stderr:\n%s", word, res.code, res.stderr)
		return
	}
	msg := strings.TrimSpace(res.stderr[i:])
	if n := strings.Count(msg, "\n") + 1; n > 4 {
		t.Errorf("%s: %d-line error, want a short message:\n%s", word, n, msg)
	}
	if !namesSomething(word, msg) {
		t.Errorf("%s: the error names neither the project, the task, its argument nor a key:\n%s", word, msg)
	}
}

// checkNoToken asserts that a cloud task run without a DigitalOcean token
// says which variable to set, and touches no engine.
func checkNoToken(t *testing.T, word string, res fakeResult) {
	t.Helper()
	if res.code != exitFailure || !strings.Contains(res.stderr, "DIGITALOCEAN_ACCESS_TOKEN") || stackTrace.MatchString(res.stderr) {
		t.Errorf("%s without a token: exit %d, want 1 and a message naming DIGITALOCEAN_ACCESS_TOKEN:\n%s", word, res.code, res.stderr)
	}
}

// namesSomething reports whether msg names the object the command was about.
func namesSomething(word, msg string) bool {
	c, err := ParseCall(word)
	if err != nil {
		return false
	}
	names := []string{fakeProjectName, c.Task}
	if c.Arg != "" {
		names = append(names, strings.TrimSuffix(c.Arg, "*"))
	}
	for k, v := range c.Keys {
		names = append(names, k, v)
	}
	for _, n := range names {
		if strings.Contains(msg, n) {
			return true
		}
	}
	return false
}

// TestFakeFixtureReachesHosts guards the fixture: run on web1 must find
// db1's private address in inventory.json for web's link to db, rather
// than stop at a missing token.
func TestFakeFixtureReachesHosts(t *testing.T) {
	r := &fakeRun{}
	res := r.run(t, "run:all,host=web1")
	if res.code != exitOK {
		t.Fatalf("run:all,host=web1: exit %d\n%s", res.code, res.stderr)
	}
	spec, ok := r.hosts["web1"].Spec("demo-web-one")
	if !ok || !slices.Contains(spec.Env, "DB_CONTAINER_IP=10.110.0.3") {
		t.Errorf("demo-web-one on web1 (created %v) does not link to db1's private address: %v", ok, spec.Env)
	}
}

// run on one host refuses a link to an instance of another host that
// publishes no port there, naming both and pointing at hosts=all, and
// touches no engine's containers.
func TestRunOnHostRefusesUnpublishedLinkElsewhere(t *testing.T) {
	r := &fakeRun{dir: copyFixture(t, "testdata/fake")}
	conf := filepath.Join(r.dir, "apps_containers", "run.conf")
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte(strings.Replace(string(data), `, "publish_ports": true`, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, "run:all,host=web1")
	if res.code != exitFailure {
		t.Fatalf("exit %d, want 1\n%s", res.code, res.stderr)
	}
	for _, want := range []string{"demo-web-one on host web1", "demo-db-one on host db1", "hosts=all"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
		}
	}
	if w := r.hosts["web1"].Writes(); len(w) != 0 {
		t.Errorf("web1's engine was written to: %v", w)
	}
}

// run on one host refuses a link to a published instance of a host in
// another VPC: its private address leads nowhere from there. The message
// names both instances and both hosts and says how to join them.
func TestRunOnHostRefusesLinkAcrossVPCs(t *testing.T) {
	r := &fakeRun{dir: copyFixture(t, "testdata/fake")}
	inv := filepath.Join(r.dir, "inventory.json")
	data, err := os.ReadFile(inv)
	if err != nil {
		t.Fatal(err)
	}
	db1 := `"db1": {"names": ["db1.example.com"], "region": "fra1", "size": "", "image": "", "backups": false, "vpc_uuid": "2f7a1c3e-0d4b-4e5f-8a9b-1c2d3e4f5a6b"`
	other := strings.Replace(string(data), db1, strings.NewReplacer("fra1", "nyc1", "2f7a1c3e", "9e8d7c6b").Replace(db1), 1)
	if other == string(data) {
		t.Fatalf("inventory.json no longer has %s", db1)
	}
	if err := os.WriteFile(inv, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, "run:all,host=web1")
	if res.code != exitFailure {
		t.Fatalf("exit %d, want 1\n%s", res.code, res.stderr)
	}
	for _, want := range []string{"demo-web-one on host web1", "demo-db-one on host db1", "different VPCs", "same region", "vpc_uuid in hosts.conf"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
		}
	}
	if w := r.hosts["web1"].Writes(); len(w) != 0 {
		t.Errorf("web1's engine was written to: %v", w)
	}
}
