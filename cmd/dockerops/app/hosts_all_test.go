package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// swarmTask is a Swarm task container of instance web-<instance>, as a
// node's engine lists it.
func swarmTask(instance, task, ip string) orchestrator.Observed {
	service := fakeProjectName + "-web-" + instance
	return orchestrator.Observed{
		Name: service + ".1." + task, State: "running", Status: "Up 2 minutes", IP: ip, ImageID: "sha256:web",
		Labels: map[string]string{orchestrator.LabelProject: fakeProjectName, orchestrator.LabelContainer: "web",
			orchestrator.LabelInstance: instance, orchestrator.LabelInstanceType: "standard",
			orchestrator.LabelSwarmService: service, orchestrator.LabelSwarmTask: task, orchestrator.LabelSwarmNode: "node-" + task},
	}
}

// twoHosts is the fake fixture's hosts (db1 first, web1 second) with
// web-one's task running on web1 only.
func twoHosts() (*fakeRun, *enginetest.Fake, *enginetest.Fake) {
	db1, web1 := newFakeEngine(engineState{}), newFakeEngine(engineState{})
	web1.AddContainer(swarmTask("one", "t1abc", "10.0.1.5"))
	return &fakeRun{hosts: map[string]*enginetest.Fake{"db1": db1, "web1": web1}}, db1, web1
}

const webTask = "demo-web-one.1.t1abc"

// calls are the calls of f that name the container id.
func callsOn(f *enginetest.Fake, id string) []string {
	var out []string
	for _, c := range f.Calls() {
		if strings.Contains(c, id) {
			out = append(out, c)
		}
	}
	return out
}

// With hosts=all, ip, logs, shell and status find the instance on the
// second host and act on that host's engine only.
func TestHostsAllActsOnTheHostThatRunsTheInstance(t *testing.T) {
	tests := []struct {
		word, wantOut, wantCall string
	}{
		{"ip:web,hosts=all", "10.0.1.5\n", ""},
		{"logs:web,hosts=all", "web log line\n", "logs " + webTask},
		{"shell:web,hosts=all,command=hostname", "web-one\n", "exec " + webTask + " bash -lc hostname"},
		{"status:web,hosts=all", "sshd RUNNING\n", "exec " + webTask + " supervisorctl status"},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			r, db1, web1 := twoHosts()
			web1.SetLogs(webTask, "web log line\n")
			out := map[string]string{"shell": "web-one\n", "status": "sshd RUNNING\n"}[strings.Split(tt.word, ":")[0]]
			web1.SetExec(webTask, enginetest.Result{Stdout: out})
			res := r.run(t, tt.word)
			if res.code != exitOK || res.stdout != tt.wantOut {
				t.Fatalf("exit %d, stdout %q, want 0 and %q\n%s", res.code, res.stdout, tt.wantOut, res.stderr)
			}
			if tt.wantCall != "" && !slices.Contains(web1.Calls(), tt.wantCall) {
				t.Errorf("web1's engine got %v, want %q", web1.Calls(), tt.wantCall)
			}
			if w := db1.Writes(); len(w) != 0 || slices.ContainsFunc(db1.Calls(), func(c string) bool { return strings.HasPrefix(c, "logs") }) {
				t.Errorf("db1, which does not run it, got %v", db1.Calls())
			}
		})
	}
}

// ssh with hosts=all hops through the host that runs the task, to the
// task's docker_gwbridge address (the node cannot reach the overlay), with
// the project key's agent forwarded.
func TestHostsAllSSHHopsThroughTheNode(t *testing.T) {
	bin := t.TempDir()
	record := filepath.Join(bin, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + record + "\n"
	if err := os.WriteFile(filepath.Join(bin, "ssh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	r, _, web1 := twoHosts()
	web1.SetGateway(webTask, "172.18.0.4")
	web1.SetExec(webTask, enginetest.Result{Stdout: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake host\n"})
	res := r.run(t, "ssh:web,hosts=all,command=true")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	args := string(data)
	for _, want := range []string{"-A", "dockerops@172.18.0.4", "root@192.0.2.2"} { // 192.0.2.2: web1 in inventory.json
		if !strings.Contains(args, want) {
			t.Errorf("ssh args lack %q:\n%s", want, args)
		}
	}
}

// No host running it, several matching (named with their hosts) and a
// hosts= value other than all are each told clearly.
func TestHostsAllErrors(t *testing.T) {
	tests := []struct {
		name, word string
		setup      func(db1, web1 *enginetest.Fake)
		code       int
		want       []string
	}{
		{"none", "ip:nosuch,hosts=all", nil, exitFailure, []string{"no host runs nosuch", "db1, web1"}},
		{"several", "status:web,hosts=all", func(db1, _ *enginetest.Fake) {
			db1.AddContainer(swarmTask("two", "t2def", "10.0.1.6"))
		}, exitFailure, []string{"matches 2", "demo-web-two.1.t2def on db1", webTask + " on web1", "instance=NAME"}},
		{"replicas of one instance", "shell:web,instance=one,hosts=all", func(db1, _ *enginetest.Fake) {
			db1.AddContainer(swarmTask("one", "t3ghi", "10.0.1.7"))
		}, exitFailure, []string{"on db1", "on web1", "host=HOST"}},
		{"other value", "status:web,hosts=web1", nil, exitUsage, []string{"hosts=web1", "only hosts=all"}},
		{"with host", "ip:web,hosts=all,host=web1", nil, exitUsage, []string{"exclude each other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, db1, web1 := twoHosts()
			if tt.setup != nil {
				tt.setup(db1, web1)
			}
			res := r.run(t, tt.word)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", res.code, tt.code, res.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, res.stderr)
				}
			}
			if len(callsOn(web1, "exec")) != 0 {
				t.Errorf("web1 ran something: %v", web1.Calls())
			}
		})
	}
}

// ps:all,hosts=all shows a Swarm task with its service's name, its host,
// state and overlay address, and from the manager's view a service whose
// task runs nowhere, with the reason.
func TestPsHostsAllShowsSwarmTasks(t *testing.T) {
	r, db1, web1 := twoHosts()
	r.swarm, r.manager = enginetest.NewSwarm(), "db1"
	r.swarm.Project = fakeProjectName
	r.swarm.AddNode("db1", db1)
	r.swarm.AddNode("web1", web1)
	labels := func(c, i string) map[string]string {
		return map[string]string{orchestrator.LabelProject: fakeProjectName, orchestrator.LabelContainer: c,
			orchestrator.LabelInstance: i, orchestrator.LabelInstanceType: "standard"}
	}
	r.swarm.AddService(orchestrator.ServiceSpec{Name: "demo-web-one", Labels: labels("web", "one")},
		orchestrator.ServiceTask{ID: "t1abc", Node: "web1", State: "running", DesiredState: "running"})
	r.swarm.AddService(orchestrator.ServiceSpec{Name: "demo-db-one", Labels: labels("db", "one")},
		orchestrator.ServiceTask{ID: "t9xyz", State: "pending", DesiredState: "running",
			Err: "no suitable node (scheduling constraints not satisfied on 2 nodes)"})
	res := r.run(t, "ps,hosts=all,format=json")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	var entries []psEntry
	if err := json.Unmarshal([]byte(res.stdout), &entries); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries, want the web task and the pending db service:\n%s", len(entries), res.stdout)
	}
	web, db := entries[0], entries[1]
	if web.Name != "demo-web-one" || web.Host != "web1" || web.Status != "running" || web.IP != "10.0.1.5" || web.Task != "t1abc" {
		t.Errorf("web task = %+v, want demo-web-one running on web1 at 10.0.1.5", web)
	}
	if db.Name != "demo-db-one" || db.Status != "pending" || !strings.Contains(db.Message, "no suitable node") || db.Host != "" {
		t.Errorf("db service = %+v, want it pending on no host, with the reason", db)
	}

	// ps:all is every project's: the same two here.
	if res := r.run(t, "ps:all,hosts=all,format=json"); res.code != exitOK || strings.Count(res.stdout, `"name"`) != 2 || !strings.Contains(res.stdout, "no suitable node") {
		t.Errorf("ps:all,hosts=all: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	res = r.run(t, "ps,hosts=all")
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "HOST") ||
		!strings.Contains(lines[1], "web1") || !strings.Contains(lines[1], "demo-web-one") || !strings.Contains(lines[1], "10.0.1.5") ||
		!strings.Contains(lines[2], "demo-db-one") || !strings.Contains(lines[2], "not running: pending (no suitable node") {
		t.Errorf("table:\n%s", res.stdout)
	}
}

// A task the Swarm replaced leaves its stopped container on the node: the
// instance is still one, the running task's.
func TestHostsAllIgnoresReplacedTasks(t *testing.T) {
	r, _, web1 := twoHosts()
	old := swarmTask("one", "t0old", "")
	old.State, old.Status = "exited", "Exited (0) 1 minute ago"
	web1.AddContainer(old)
	web1.SetExec(webTask, enginetest.Result{Stdout: "new\n"})
	res := r.run(t, "shell:web,hosts=all,command=true")
	if res.code != exitOK || res.stdout != "new\n" {
		t.Fatalf("exit %d, stdout %q; want the running task's shell\n%s", res.code, res.stdout, res.stderr)
	}
	// With no running task, the stopped ones are what there is: several.
	web1.SetState(webTask, "exited")
	if res := r.run(t, "shell:web,hosts=all,command=true"); res.code != exitFailure || !strings.Contains(res.stderr, "matches 2") {
		t.Errorf("exit %d, stderr %q; want both stopped tasks named", res.code, res.stderr)
	}
}
