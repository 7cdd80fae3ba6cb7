package app

import (
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
)

// restart through the CLI: a host's instances default to unless-stopped,
// the local engine's to no; restart= wins; config shows it; a bad value is
// one message listing the valid ones; stop on an "always" instance warns.
func TestRestartThroughTheCLI(t *testing.T) {
	r := &fakeRun{}
	mustRun := func(args string) fakeResult {
		t.Helper()
		res := r.run(t, args)
		if res.code != exitOK {
			t.Fatalf("%s: exit %d\n%s", args, res.code, res.stderr)
		}
		return res
	}
	policy := func(f interface {
		Spec(string) (orchestrator.ContainerSpec, bool)
	}, name string) string {
		t.Helper()
		spec, ok := f.Spec(name)
		if !ok {
			t.Fatalf("%s was not created", name)
		}
		return spec.Restart.Policy
	}
	mustRun("run:all,host=web1")
	if got := policy(r.hosts["web1"], "demo-web-one"); got != "unless-stopped" {
		t.Errorf("run:all,host=web1: demo-web-one restart %q, want unless-stopped", got)
	}
	mustRun("run:db")
	if got := policy(r.engine, "demo-db-one"); got != "no" {
		t.Errorf("run:db locally: restart %q, want no", got)
	}
	mustRun("run:web,instance=two,host=web1,restart=always")
	if got := policy(r.hosts["web1"], "demo-web-two"); got != "always" {
		t.Errorf("restart=always on web1: restart %q", got)
	}
	res := mustRun("stop:web,instance=two,host=web1,progress=plain")
	if !strings.Contains(res.stderr, "restart=always: the engine starts it again when the engine restarts") {
		t.Errorf("stop of an always instance does not warn:\n%s", res.stderr)
	}

	res = mustRun("config:web,restart=on-failure:2")
	if !strings.Contains(res.stdout, "RESTART") || !strings.Contains(res.stdout, "on-failure:2") {
		t.Errorf("config with restart=on-failure:2 does not show it:\n%s", res.stdout)
	}
	if res = mustRun("config:all"); !strings.Contains(res.stdout, " default ") {
		t.Errorf("config without restart does not say the target decides:\n%s", res.stdout)
	}
	res = r.run(t, "run:web,restart=sometimes")
	if res.code == exitOK || !strings.Contains(res.stderr, `invalid restart "sometimes"; valid: no, on-failure, on-failure:N, unless-stopped, always`) {
		t.Errorf("restart=sometimes: exit %d\n%s", res.code, res.stderr)
	}
}
