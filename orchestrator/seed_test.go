package orchestrator_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// seed_command is the container's command, as in the original;
// first_start_command is exec'd once after the first start; an instance
// joining the old DNS service (a link to dockerops-dns) is also reachable by
// its container name.
func TestSeedCommandIsTheCommand(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	web := inst("web", "one", "DNS=dockerops-dns/master")
	web.SeedCommand = "exec python3 -m http.server"
	db := inst("db", "one")
	db.FirstStart = "make seed"
	f.AddImage("demo/dockerops-dns", "sha256:dns1")
	dns := inst("dockerops-dns", "master")
	apply(t, o, []project.Instance{dns, web, db}, orchestrator.PlanOptions{})

	spec, _ := f.Spec("demo-web-one")
	if want := []string{"/bin/bash", "-c", "exec python3 -m http.server"}; !slices.Equal(spec.Cmd, want) {
		t.Errorf("web command = %q, want %q", spec.Cmd, want)
	}
	if !slices.Contains(spec.Aliases, "web") || !slices.Contains(spec.Aliases, "web-one") {
		t.Errorf("web aliases = %v, want web-one and web (it links dockerops-dns)", spec.Aliases)
	}
	spec, _ = f.Spec("demo-db-one")
	if spec.Cmd != nil || slices.Contains(spec.Aliases, "db") {
		t.Errorf("db command = %q, aliases %v: want the image's command (supervisord) and no DNS name", spec.Cmd, spec.Aliases)
	}
	var execs []string
	for _, c := range f.Calls() {
		if strings.HasPrefix(c, "exec ") {
			execs = append(execs, c)
		}
	}
	if len(execs) != 1 || !strings.Contains(execs[0], "make seed") {
		t.Errorf("execs = %q, want first_start_command once in db", execs)
	}
}
