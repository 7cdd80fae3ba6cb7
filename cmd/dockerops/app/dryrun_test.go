package app

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dry_run prints every step of a run, the interactive instances' too, and
// writes nothing.
func TestDryRunListsInteractiveInstancesToo(t *testing.T) {
	r := &fakeRun{}
	r.dir = copyFixture(t, "testdata/fake")
	conf := `[
    {"container": "db", "instance": "one", "group": "back"},
    {"container": "web", "instance": "tty", "instance_type": "interactive"}
]`
	writeFile(t, filepath.Join(r.dir, "apps_containers", "run.conf"), conf)
	res := r.run(t, "run:all,dry_run=True")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	var lines []string
	for _, l := range strings.Split(res.stdout, "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	for _, want := range []string{"create demo-db-one", "create demo-web-tty (interactive)"} {
		if !slices.Contains(lines, want) {
			t.Errorf("dry run printed:\n%s\nwant a line %q", res.stdout, want)
		}
	}
	if w := r.engine.Writes(); len(w) != 0 {
		t.Errorf("a dry run wrote to the engine: %v", w)
	}
}
