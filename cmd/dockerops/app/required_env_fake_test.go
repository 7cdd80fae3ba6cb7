package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A name of web's required_env_vars.json (DockerOps v0.5+) is required at
// run time: without a terminal the run stops naming it; from the
// environment the instance gets it.
func TestRunRequiredEnvVarsOnFakeEngine(t *testing.T) {
	r := &fakeRun{dir: copyFixture(t, "testdata/fake")}
	req := filepath.Join(r.dir, "apps_containers", "web", "required_env_vars.json")
	if err := os.WriteFile(req, []byte("# the web image needs it\n[\"WEB_SECRET\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, "run:web,instance=two")
	if res.code != exitFailure || !strings.Contains(res.stderr, "WEB_SECRET (needed by demo-web-two)") {
		t.Fatalf("exit %d, want 1 naming WEB_SECRET:\n%s", res.code, res.stderr)
	}
	r.env = map[string]string{"WEB_SECRET": "s3cret", "DB_CONTAINER_IP": "10.0.0.9"}
	if res = r.run(t, "run:web,instance=two"); res.code != 0 {
		t.Fatalf("exit %d with WEB_SECRET set:\n%s", res.code, res.stderr)
	}
	spec, _ := r.engine.Spec("demo-web-two")
	if !strings.Contains(strings.Join(spec.Env, "\n"), "WEB_SECRET=s3cret") {
		t.Errorf("env %v: WEB_SECRET not given to the container", spec.Env)
	}
}
