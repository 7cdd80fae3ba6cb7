package project

import "testing"

// The second layout names a link's address <NAME>_SERVICE_IP: given in
// host.conf, the environment or env_vars, it is the address of a link whose
// target does not run here, as <NAME>_CONTAINER_IP is.
func TestLinkAddressGivenAsServiceIP(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/web/Dockerfile": "FROM x\n",
		"apps_containers/db/Dockerfile":  "FROM x\n",
		"apps_containers/dns/Dockerfile": "FROM x\n",
		"apps_containers/host.conf":      "DB_SERVICE_IP=10.0.0.9\n",
		"apps_containers/run.conf": `[
			{"container": "db", "instance": "one"}, {"container": "dns", "instance": "master"},
			{"container": "web", "instance": "one", "links": [{"name": "DB", "container": "db", "instance": "one"}]},
			{"container": "web", "instance": "two", "links": [{"name": "DNS", "container": "dns", "instance": "master"}],
			 "env_vars": {"DNS_SERVICE_IP": "from_eth0"}},
			{"container": "web", "instance": "three", "links": [{"name": "DB", "container": "db", "instance": "one"}],
			 "env_vars": {"DB_CONTAINER_IP": "10.0.0.1"}}
		]`,
	})
	p := mustLoad(t, Options{Dir: dir, Getenv: envMap(map[string]string{})})
	for inst, want := range map[string][2]string{
		"one":   {"DB_CONTAINER_IP", "10.0.0.9"},
		"two":   {"DNS_CONTAINER_IP", "from_eth0"},
		"three": {"DB_CONTAINER_IP", "10.0.0.1"}, // the CONTAINER_IP name wins
	} {
		in := resolveOne(t, p, Selection{Target: "web", Instance: inst}, Overrides{})
		if got := in.Env[want[0]]; got != want[1] {
			t.Errorf("web-%s: %s = %q, want %q", inst, want[0], got, want[1])
		}
	}
}
