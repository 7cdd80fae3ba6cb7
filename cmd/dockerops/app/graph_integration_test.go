package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// On the real engine, graph colours each instance by what the engine has:
// db-one runs, db-two is stopped, db-three was never started.
func TestIntegrationGraphLiveState(t *testing.T) {
	p := copyProject(t, "testdata/e2e", "graph")
	conf := `[
    {"container": "db", "instance": "one"},
    {"container": "db", "instance": "two"},
    {"container": "db", "instance": "three"}
]`
	if err := os.WriteFile(filepath.Join(p.dir, "apps_containers", "run.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	p.must("build:db")
	p.must("run:db,instance=one")
	p.must("run:db,instance=two")
	p.must("stop:db,instance=two,timeout=1")

	dot := p.must("graph:all,format=dot")
	for instance, state := range map[string]string{"one": "running", "two": "stopped", "three": "missing"} {
		name := p.name + "-db-" + instance
		line := nodeLine(dot, name)
		if !strings.Contains(line, `\n`+state+`"`) {
			t.Errorf("%s should be drawn %s; its node is %q", name, state, line)
		}
	}
	mermaid := p.must("graph:all,format=mermaid")
	for _, want := range []string{"classDef running", "classDef stopped", "classDef missing"} {
		if !strings.Contains(mermaid, want) {
			t.Errorf("the mermaid text has no %q:\n%s", want, mermaid)
		}
	}
}

// nodeLine is the line of DOT text that declares node name.
func nodeLine(dot, name string) string {
	for _, line := range strings.Split(dot, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), `"`+name+`" [`) {
			return line
		}
	}
	return ""
}
