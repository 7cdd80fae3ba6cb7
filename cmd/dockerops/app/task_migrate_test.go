package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// migrate round-trips the old-format test projects through the command
// line: config:all,format=json and the run plan are the same before and
// after, config reports the constructs before and none after, and each
// original is kept as .orig.
func TestMigrateRoundTripCLI(t *testing.T) {
	for _, tc := range []struct{ project, conf string }{
		{"later_links", "apps_containers/run.conf"},
		{"services_layout", "default.conf"},
	} {
		t.Run(tc.project, func(t *testing.T) {
			r := &fakeRun{engine: newFakeEngine(engineState{})}
			for _, c := range []string{"db", "db-server", "cache", "web"} {
				r.engine.AddImage(fakeProjectName+"/"+c, "sha256:"+c)
			}
			r.dir = copyFixture(t, filepath.Join("..", "..", "..", "project", "testdata", "valid", tc.project))
			conf := filepath.Join(r.dir, filepath.FromSlash(tc.conf))
			original, err := os.ReadFile(conf)
			if err != nil {
				t.Fatal(err)
			}
			config := r.run(t, "config:all,format=json")
			plan := r.run(t, "run:all,dry_run=True")
			if config.code != exitOK || plan.code != exitOK {
				t.Fatalf("before: config exit %d, run exit %d\n%s%s", config.code, plan.code, config.stderr, plan.stderr)
			}
			if !strings.Contains(plan.stdout, "create") {
				t.Fatalf("the dry run plans nothing, so comparing it proves nothing:\n%s", plan.stdout)
			}
			reported := strings.Count(config.stderr, " — modern form: ")
			if reported < 3 || !strings.Contains(config.stderr, tc.conf+":") {
				t.Errorf("config reports %d constructs:\n%s", reported, config.stderr)
			}
			m := r.run(t, "migrate")
			if m.code != exitOK || !strings.Contains(m.stdout, "original kept as "+tc.conf+".orig") {
				t.Fatalf("migrate: exit %d\n%s%s", m.code, m.stdout, m.stderr)
			}
			if orig, _ := os.ReadFile(conf + ".orig"); string(orig) != string(original) {
				t.Errorf(".orig is not the original:\n%s", orig)
			}
			if now, _ := os.ReadFile(conf); string(now) == string(original) {
				t.Errorf("migrate did not rewrite %s", tc.conf)
			}
			config2 := r.run(t, "config:all,format=json")
			plan2 := r.run(t, "run:all,dry_run=True")
			if config2.stdout != config.stdout {
				t.Errorf("config:all,format=json changed:\n--- before\n%s--- after\n%s", config.stdout, config2.stdout)
			}
			if plan2.stdout != plan.stdout {
				t.Errorf("the plan changed:\n--- before\n%s--- after\n%s", plan.stdout, plan2.stdout)
			}
			if strings.Contains(config2.stderr, "modern form") {
				t.Errorf("config still reports after migrate:\n%s", config2.stderr)
			}
			if again := r.run(t, "migrate"); again.code != exitOK || !strings.Contains(again.stdout, "nothing to migrate") {
				t.Errorf("second migrate: exit %d\n%s%s", again.code, again.stdout, again.stderr)
			}
		})
	}
}

// A migrate that cannot keep its original writes nothing and says why.
func TestMigrateKeepsAnEarlierOrig(t *testing.T) {
	r := &fakeRun{}
	r.dir = copyFixture(t, filepath.Join("..", "..", "..", "project", "testdata", "valid", "later_links"))
	conf := filepath.Join(r.dir, "apps_containers", "run.conf")
	writeFile(t, conf+".orig", "precious")
	before, _ := os.ReadFile(conf)
	res := r.run(t, "migrate")
	if res.code != exitFailure || !strings.Contains(res.stderr, "run.conf.orig exists") {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
	if now, _ := os.ReadFile(conf); string(now) != string(before) {
		t.Error("migrate changed run.conf although it refused")
	}
	if orig, _ := os.ReadFile(conf + ".orig"); string(orig) != "precious" {
		t.Error("migrate overwrote an earlier .orig")
	}
}

// run records its conf= in host.conf's last_conf; a later run (and config)
// without conf= uses it; a dry run records nothing.
func TestRunRecordsLastConf(t *testing.T) {
	r := &fakeRun{}
	r.dir = copyFixture(t, filepath.Join("..", "..", "..", "project", "testdata", "valid", "last_conf"))
	hostConf := filepath.Join(r.dir, "host.conf")
	if res := r.run(t, "run:all,conf=apps_containers/run.conf,dry_run=True"); res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if data, _ := os.ReadFile(hostConf); !strings.Contains(string(data), `"last_conf": "prod.conf"`) {
		t.Errorf("a dry run changed last_conf:\n%s", data)
	}
	if res := r.run(t, "config:all"); !strings.Contains(res.stdout, "demo-web-prod") || strings.Contains(res.stdout, "demo-web-one") ||
		!strings.Contains(res.stderr, "run conf prod.conf: last_conf of host.conf") {
		t.Errorf("config without conf= does not use (and say it uses) last_conf prod.conf:\n%s%s", res.stdout, res.stderr)
	}
	if res := r.run(t, "run:all,conf=apps_containers/run.conf"); res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if data, _ := os.ReadFile(hostConf); !strings.Contains(string(data), `"last_conf": "apps_containers/run.conf"`) || !strings.Contains(string(data), `"GREETING": "hi"`) {
		t.Errorf("run did not record its conf, or lost the rest of host.conf:\n%s", data)
	}
	if res := r.run(t, "config:all"); !strings.Contains(res.stdout, "demo-web-one") || strings.Contains(res.stdout, "demo-web-prod") {
		t.Errorf("config without conf= after run:conf=run.conf:\n%s%s", res.stdout, res.stderr)
	}
}
