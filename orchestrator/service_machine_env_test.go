package orchestrator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

func serviceEnv(t *testing.T, d *swarmDemo, name string) map[string]string {
	t.Helper()
	spec, ok := d.sw.Spec(name)
	if !ok {
		t.Fatalf("no service %s", name)
	}
	env := map[string]string{}
	for _, kv := range spec.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// On the swarm the machine that runs a task is its node: a pinned
// instance's from_<iface> is its node's interface and HOST_HOSTNAME its
// node's name; a floating one's HOST_HOSTNAME is the Swarm's template for
// the node, and a from_<iface> value cannot name one machine.
func TestServiceMachineEnv(t *testing.T) {
	d := newSwarmDemo(t, orchestrator.Placement{})
	for i, n := range d.nodes {
		n.SetMachineName([]string{"droplet-1", "droplet-2"}[i])
		n.SetExec("", enginetest.Result{Stdout: "lo 127.0.0.1\neth1 10.110.0." + []string{"1", "2"}[i] + "\n"})
	}
	run := swarmRun() // db-one is pinned (persistent data), web-master floats
	run[1].Env["DB_HOST_IP"] = "from_eth1"
	d.deploy(t, run, orchestrator.ServicePlanOptions{})
	db := serviceEnv(t, d, "demo-db-one")
	spec, _ := d.sw.Spec("demo-db-one")
	n := strings.TrimPrefix(spec.Labels["dockerops.node"], "node") // node1 or node2
	if n == "" || db["DB_HOST_IP"] != "10.110.0."+n || db["HOST_HOSTNAME"] != "droplet-"+n || db["SERVICE"] != "db" {
		t.Errorf("pinned db: DB_HOST_IP=%q HOST_HOSTNAME=%q SERVICE=%q", db["DB_HOST_IP"], db["HOST_HOSTNAME"], db["SERVICE"])
	}
	if web := serviceEnv(t, d, "demo-web-master"); web["HOST_HOSTNAME"] != "{{.Node.Hostname}}" {
		t.Errorf("floating web: HOST_HOSTNAME=%q, want the Swarm's node template", web["HOST_HOSTNAME"])
	}

	for _, tc := range []struct {
		change func(*project.Instance)
		want   string
	}{
		{func(in *project.Instance) { in.Env["HOST_IP"] = "from_eth1" }, "demo-web-master: HOST_IP=from_eth1 names an interface of the machine that runs it, but on the swarm it may run on any node"},
		{func(in *project.Instance) { in.NetHost = true }, "demo-web-master: nethost (the machine's own network) runs on one engine only"},
		{func(in *project.Instance) {
			in.PublishPorts, in.Ports = true, []project.Port{{Container: 80, Host: 80, Protocol: "tcp"}}
			in.Env["PUBLISH_ON_IP"] = "127.0.0.1"
		}, "demo-web-master: PUBLISH_ON_IP=127.0.0.1: the swarm publishes a service's ports on every address of its node"},
	} {
		run := swarmRun()
		tc.change(&run[0])
		if _, err := d.o.PlanServices(context.Background(), run, orchestrator.ServicePlanOptions{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}
