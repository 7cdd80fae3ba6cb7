package orchestrator_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// envOf is the environment a container was created with.
func envOf(t *testing.T, f *enginetest.Fake, name string) map[string]string {
	t.Helper()
	spec, ok := f.Spec(name)
	if !ok {
		t.Fatalf("%s was not created; calls %v", name, f.Calls())
	}
	env := map[string]string{}
	for _, kv := range spec.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

func withEnv(in project.Instance, kv ...string) project.Instance {
	for i := 0; i < len(kv); i += 2 {
		in.Env[kv[i]] = kv[i+1]
	}
	return in
}

func TestFromIfaceIsTheLocalMachinesAddress(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	web := withEnv(inst("web", "one"), "HOST_IP", "from_lo", "DNS_CONTAINER_IP", "from_br_lo",
		"GREETING", "from_lo", "NOTE_IP", "lo")
	apply(t, o, []project.Instance{web}, orchestrator.PlanOptions{})
	env := envOf(t, f, "demo-web-one")
	host, _ := os.Hostname()
	want := map[string]string{
		"HOST_IP":          "127.0.0.1", // lo's address on this machine
		"DNS_CONTAINER_IP": "127.0.0.1", // the interface is the text after the last "_"
		"GREETING":         "from_lo",   // only *_IP values name an interface
		"NOTE_IP":          "lo",
		"HOST_HOSTNAME":    host,
		"SERVICE":          "web",
		"CONTAINER":        "web",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	// The plan a second run makes resolves the same address: nothing to do.
	plan, err := o.Plan(context.Background(), []project.Instance{web}, orchestrator.PlanOptions{})
	if err != nil || plan.Changes() != 0 {
		t.Errorf("second run: %v\n%s", err, plan)
	}
}

func TestUnknownInterfaceNamesInstanceVariableAndInterfaces(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	web := withEnv(inst("web", "one"), "HOST_IP", "from_nosuch9")
	_, err := o.Plan(context.Background(), []project.Instance{web}, orchestrator.PlanOptions{})
	if err == nil {
		t.Fatal("no error for an interface the machine does not have")
	}
	for _, want := range []string{"demo-web-one", "HOST_IP=from_nosuch9", `no interface "nosuch9"`, "this machine", "lo"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestFromIfaceOnAHostReadsThatHostsInterfaces(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	o.Target.Host = "web1"
	f.SetMachineName("droplet-web1")
	f.SetExec("", enginetest.Result{Stdout: "lo 127.0.0.1\neth0 203.0.113.7\neth1 10.110.0.3\ndocker0\n"})
	f.Fail("remove", errors.New("kept, so the test sees its spec")) // only the helper is removed here
	web := withEnv(inst("web", "one"), "HOST_IP", "from_eth1")
	apply(t, o, []project.Instance{web}, orchestrator.PlanOptions{})
	env := envOf(t, f, "demo-web-one")
	if env["HOST_IP"] != "10.110.0.3" || env["HOST_HOSTNAME"] != "droplet-web1" {
		t.Errorf("HOST_IP=%q HOST_HOSTNAME=%q, want the host's eth1 address and its hostname", env["HOST_IP"], env["HOST_HOSTNAME"])
	}
	// The helper ran on the host's network and is gone.
	var helper string
	for _, c := range f.Calls() {
		if name, ok := strings.CutPrefix(c, "create "); ok && strings.Contains(name, "-dockerops-ifaces-") {
			helper = name
		}
	}
	spec, _ := f.Spec(helper)
	if helper == "" || !spec.HostNetwork || !slices.Contains(f.Calls(), "remove "+helper) {
		t.Errorf("helper %q (host network %v) not run on the host's network and removed: %v", helper, spec.HostNetwork, f.Calls())
	}
	f.Fail("remove", nil)

	// An interface the host lacks lists the host's, not this machine's.
	web = withEnv(inst("web", "two"), "HOST_IP", "from_wlan0")
	_, err := o.Plan(context.Background(), []project.Instance{web}, orchestrator.PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "host web1 has no interface \"wlan0\" (it has docker0 (no IPv4), eth0, eth1, lo)") {
		t.Errorf("error %v", err)
	}

	// No from_ value: no helper container.
	f.ResetCalls()
	apply(t, o, []project.Instance{inst("web", "three")}, orchestrator.PlanOptions{})
	for _, w := range f.Writes() {
		if strings.Contains(w, "ifaces") {
			t.Errorf("helper run without a from_ value: %v", f.Writes())
		}
	}
}

func published80(in project.Instance) project.Instance {
	in.PublishPorts = true
	in.Ports = []project.Port{{Container: 80, Host: 8080, Protocol: "tcp"}, {Container: 53, Host: 53, Protocol: "udp"}}
	return in
}

func TestPublishedPortsBindToPublishOnIPElseServiceIP(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"none", nil, ""},
		{"publish_on_ip", []string{"PUBLISH_ON_IP", "127.0.0.1"}, "127.0.0.1"},
		{"service_ip", []string{"SERVICE_IP", "192.0.2.10"}, "192.0.2.10"},
		{"both", []string{"SERVICE_IP", "192.0.2.10", "PUBLISH_ON_IP", "127.0.0.1"}, "127.0.0.1"},
		{"dnslink_on_ip (v0.2)", []string{"DNSLINK_ON_IP", "192.0.2.11"}, "192.0.2.11"},
		{"service_ip over dnslink_on_ip", []string{"DNSLINK_ON_IP", "192.0.2.11", "SERVICE_IP", "192.0.2.10"}, "192.0.2.10"},
		{"from_iface", []string{"PUBLISH_ON_IP", "from_lo"}, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := enginetest.New()
			apply(t, newOrch(f), []project.Instance{withEnv(published80(inst("web", "master")), tc.env...)}, orchestrator.PlanOptions{})
			spec, _ := f.Spec("demo-web-master")
			if len(spec.Ports) != 2 {
				t.Fatalf("ports %v", spec.Ports)
			}
			for _, p := range spec.Ports {
				if p.HostIP != tc.want {
					t.Errorf("port %d/%s bound to %q, want %q", p.Host, p.Protocol, p.HostIP, tc.want)
				}
			}
		})
	}
	_, err := newOrch(enginetest.New()).Plan(context.Background(),
		[]project.Instance{withEnv(published80(inst("web", "master")), "PUBLISH_ON_IP", "localhost")}, orchestrator.PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), `demo-web-master: PUBLISH_ON_IP="localhost" is not an IP address`) {
		t.Errorf("error %v", err)
	}
}

func TestChangingPublishOnIPRecreates(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	apply(t, o, []project.Instance{published80(inst("web", "master"))}, orchestrator.PlanOptions{})
	plan, err := o.Plan(context.Background(), []project.Instance{withEnv(published80(inst("web", "master")), "PUBLISH_ON_IP", "127.0.0.1")}, orchestrator.PlanOptions{})
	if err != nil || !strings.Contains(plan.String(), "recreate demo-web-master") || !strings.Contains(plan.String(), "ports changed") {
		t.Errorf("%v\n%s", err, plan)
	}
}

func TestLinkSetsServiceIPBesideContainerIP(t *testing.T) {
	f := enginetest.New()
	apply(t, newOrch(f), []project.Instance{inst("db", "one"), inst("web", "one", "DB=db/one")}, orchestrator.PlanOptions{})
	db, _ := f.Container("demo-db-one")
	env := envOf(t, f, "demo-web-one")
	if env["DB_CONTAINER_IP"] != db.IP || env["DB_SERVICE_IP"] != db.IP || env["SERVICE"] != "web" {
		t.Errorf("DB_CONTAINER_IP=%q DB_SERVICE_IP=%q SERVICE=%q, want db's %s and web", env["DB_CONTAINER_IP"], env["DB_SERVICE_IP"], env["SERVICE"], db.IP)
	}
}

func nethost(in project.Instance) project.Instance {
	in.NetHost = true
	return in
}

func TestNetHostRunsOnTheMachinesNetwork(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	web := nethost(published80(inst("web", "one", "DB=db/one")))
	apply(t, o, []project.Instance{inst("db", "one"), web}, orchestrator.PlanOptions{})
	spec, _ := f.Spec("demo-web-one")
	if !spec.HostNetwork || spec.Network != "" || spec.Hostname != "" || len(spec.Links) > 0 || len(spec.Aliases) > 0 || len(spec.Ports) > 0 {
		t.Errorf("nethost spec %+v", spec)
	}
	// Its link is the target's address on the project network, which the
	// machine routes to.
	db, _ := f.Container("demo-db-one")
	if env := envOf(t, f, "demo-web-one"); env["DB_CONTAINER_IP"] != db.IP || db.IP == "" {
		t.Errorf("DB_CONTAINER_IP=%q, want %q", env["DB_CONTAINER_IP"], db.IP)
	}

	// A link to it has no address of the project network to point to.
	worker := inst("worker", "one", "WEB=web/one")
	_, err := o.Plan(context.Background(), []project.Instance{worker}, orchestrator.PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "demo-worker-one: link WEB needs demo-web-one, which runs on the machine's own network (nethost)") ||
		!strings.Contains(err.Error(), "set WEB_CONTAINER_IP") {
		t.Errorf("error %v", err)
	}
	// Given the machine's address, it links.
	apply(t, o, []project.Instance{withEnv(worker, "WEB_CONTAINER_IP", "from_lo")}, orchestrator.PlanOptions{})
	env := envOf(t, f, "demo-worker-one")
	spec, _ = f.Spec("demo-worker-one")
	if env["WEB_CONTAINER_IP"] != "127.0.0.1" || env["WEB_SERVICE_IP"] != "127.0.0.1" || len(spec.Links) > 0 {
		t.Errorf("WEB_CONTAINER_IP=%q WEB_SERVICE_IP=%q links %v", env["WEB_CONTAINER_IP"], env["WEB_SERVICE_IP"], spec.Links)
	}
}

// Two instances may publish one host port on two addresses, not on one, nor
// when one of them binds every address.
func TestOneHostPortOnTwoAddresses(t *testing.T) {
	for _, tc := range []struct {
		a, b []string
		ok   bool
	}{
		{[]string{"PUBLISH_ON_IP", "127.0.0.1"}, []string{"PUBLISH_ON_IP", "127.0.0.2"}, true},
		{[]string{"PUBLISH_ON_IP", "127.0.0.1"}, []string{"SERVICE_IP", "127.0.0.1"}, false},
		{[]string{"PUBLISH_ON_IP", "127.0.0.1"}, nil, false},
	} {
		run := []project.Instance{withEnv(published80(inst("web", "one")), tc.a...), withEnv(published80(inst("web", "two")), tc.b...)}
		_, err := newOrch(enginetest.New()).Plan(context.Background(), run, orchestrator.PlanOptions{})
		if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), "both publish host port 8080/tcp")) {
			t.Errorf("%v and %v: error %v, want ok=%v", tc.a, tc.b, err, tc.ok)
		}
	}
	// A running container bound to 127.0.0.1 leaves 127.0.0.2 free.
	f := enginetest.New()
	o := newOrch(f)
	apply(t, o, []project.Instance{withEnv(published80(inst("web", "one")), "PUBLISH_ON_IP", "127.0.0.1")}, orchestrator.PlanOptions{})
	if _, err := o.Plan(context.Background(), []project.Instance{withEnv(published80(inst("web", "two")), "PUBLISH_ON_IP", "127.0.0.2")}, orchestrator.PlanOptions{}); err != nil {
		t.Error(err)
	}
	if _, err := o.Plan(context.Background(), []project.Instance{published80(inst("web", "two"))}, orchestrator.PlanOptions{}); err == nil {
		t.Error("a port on every address is free although web-one holds it on 127.0.0.1")
	}
}
