package orchestrator_test

import (
	"slices"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// An instance that joins the old DNS service answers to the names of the
// local.zone it was registered under; one that does not keeps exactly the
// aliases it had, so its container is not recreated.
func TestDNSZoneAliases(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	f.AddImage("demo/dockerops-dns", "sha256:dns1")
	dns := inst("dockerops-dns", "master")
	web := inst("web", "one", "DNS=dockerops-dns/master")
	worker := withEnv(inst("worker", "one"), "DNS_SERVICE_IP", "192.0.2.53") // declared, v0.5+
	worker.Hostname = "jobs"
	db := inst("db", "one")
	apply(t, o, []project.Instance{dns, web, worker, db}, orchestrator.PlanOptions{})

	for name, want := range map[string][]string{
		"demo-web-one":    {"web-one", "web", "web-one.local.zone", "web.local.zone"},
		"demo-worker-one": {"jobs", "worker", "worker-one.local.zone", "jobs.local.zone", "worker.local.zone"},
		"demo-db-one":     {"db-one"},
	} {
		spec, _ := f.Spec(name)
		if !slices.Equal(spec.Aliases, want) {
			t.Errorf("%s aliases = %q, want %q", name, spec.Aliases, want)
		}
	}
}
