package dockerengine

import (
	"os"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
)

// The local engine runs on this machine, so what a host's helper container
// reads through it (the way dockerops learns a droplet's interfaces and
// hostname) must be what this machine says of itself.
func TestIntegrationRemoteMachineReadsTheEnginesMachine(t *testing.T) {
	e, ctx := integration(t)
	remote := orchestrator.RemoteMachine{Engine: e, Project: uniqueName(t)}
	got, err := remote.Interfaces(ctx, baseImage)
	if err != nil {
		t.Fatal(err)
	}
	want, err := orchestrator.LocalMachine{}.Interfaces(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// Containers and networks of tests running beside this one come and go
	// with their veth and bridge interfaces: the machine's own are compared.
	for name, addr := range want {
		if strings.HasPrefix(name, "veth") || strings.HasPrefix(name, "br-") {
			continue
		}
		if a, ok := got[name]; !ok || a != addr {
			t.Errorf("interface %s: %q through the engine, %q on this machine (all: %v, %v)", name, a, addr, got, want)
		}
	}
	if got["lo"] != "127.0.0.1" {
		t.Errorf("lo is %q through the engine", got["lo"])
	}
	host, _ := os.Hostname()
	if name, err := remote.Hostname(ctx); err != nil || name != host {
		t.Errorf("engine's machine name %q (%v), want %q", name, err, host)
	}
}

// A nethost container is on the machine's own network: it sees the
// machine's interfaces and answers to its hostname, with no address on any
// network of the engine.
func TestIntegrationHostNetworkContainer(t *testing.T) {
	e, ctx := integration(t)
	out, code := run(t, e, ctx, orchestrator.ContainerSpec{
		Image: baseImage, HostNetwork: true, Network: "ignored-with-host-network",
		Ports: []orchestrator.PortBinding{{Container: 80, Host: 80, Protocol: "tcp"}},
		Cmd:   []string{"sh", "-c", "hostname; cat /proc/net/dev"},
	}, "")
	host, _ := os.Hostname()
	ifaces, _ := orchestrator.LocalMachine{}.Interfaces(ctx, "")
	if code != 0 || !strings.HasPrefix(out, host+"\n") {
		t.Fatalf("exit %d, output %q; want the machine's hostname %s first", code, out, host)
	}
	for name := range ifaces {
		if strings.HasPrefix(name, "veth") || strings.HasPrefix(name, "br-") {
			continue // those of other tests' containers and networks come and go
		}
		if !strings.Contains(out, name+":") {
			t.Errorf("interface %s of the machine not seen in the container:\n%s", name, out)
		}
	}
}
