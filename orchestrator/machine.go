package orchestrator

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"time"
)

// Machine is what an instance's environment needs to know of the machine
// that runs it: its hostname (HOST_HOSTNAME) and its interfaces' addresses
// (a `from_<iface>` value).
type Machine interface {
	Hostname(ctx context.Context) (string, error)
	// Interfaces maps every network interface of the machine to its first
	// IPv4 address ("" when it has none). image is an image present on the
	// machine, for a remote machine's short-lived helper container.
	Interfaces(ctx context.Context, image string) (map[string]string, error)
}

// machine is the target's machine: this one for the local engine, else the
// host, reached through its own engine.
func (o *Orchestrator) machine() Machine {
	if o.Host == "" {
		return LocalMachine{}
	}
	return RemoteMachine{Engine: o.Engine, Project: o.Project}
}

// LocalMachine is the machine dockerops runs on, which runs the local
// engine's containers.
type LocalMachine struct{}

func (LocalMachine) Hostname(context.Context) (string, error) { return os.Hostname() }

func (LocalMachine) Interfaces(context.Context, string) (map[string]string, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("network interfaces: %w", err)
	}
	out := map[string]string{}
	for _, ifc := range ifaces {
		out[ifc.Name] = ""
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
				out[ifc.Name] = n.IP.To4().String()
				break
			}
		}
	}
	return out, nil
}

// RemoteMachine is a host reached through its engine: the engine reports
// its hostname (docker info's Name), and a short-lived helper container on the host's network
// reads the interfaces with the SIOCGIFADDR ioctl, as the original did on
// its own machine (perl is in every Debian image, the base image's too).
type RemoteMachine struct {
	Engine  Engine
	Project string
}

func (r RemoteMachine) Hostname(ctx context.Context) (string, error) {
	return r.Engine.MachineName(ctx)
}

// interfacesScript prints "name address" per interface of /proc/net/dev,
// or just "name" for one without an IPv4 address. 0x8915 is SIOCGIFADDR;
// the address is at offset 20 of struct ifreq (16-byte name, then a
// sockaddr_in whose address follows family and port).
const interfacesScript = `use Socket; socket(S, PF_INET, SOCK_DGRAM, 0) or die "socket: $!\n";
open(D, "<", "/proc/net/dev") or die "/proc/net/dev: $!\n";
while (<D>) { next unless /^\s*([^:\s]+):/; my $r = pack("a40", $1);
  print ioctl(S, 0x8915, $r) ? "$1 " . inet_ntoa(substr($r, 20, 4)) . "\n" : "$1\n"; }`

func (r RemoteMachine) Interfaces(ctx context.Context, image string) (map[string]string, error) {
	if image == "" {
		return nil, fmt.Errorf("no image on the host to run a helper container with")
	}
	name := fmt.Sprintf("%s-dockerops-ifaces-%d-%d", r.Project, time.Now().UnixNano(), helperSeq.Add(1))
	id, err := r.Engine.Create(ctx, ContainerSpec{
		Name: name, Image: image, HostNetwork: true,
		Entrypoint: []string{"sleep"}, Cmd: []string{"infinity"},
		Labels: map[string]string{LabelHelper: r.Project},
	})
	if err != nil {
		return nil, fmt.Errorf("helper container on the host: %w", err)
	}
	defer r.Engine.Remove(context.WithoutCancel(ctx), id)
	if err := r.Engine.Start(ctx, id); err != nil {
		return nil, fmt.Errorf("helper container on the host: %w", err)
	}
	var out, errOut bytes.Buffer
	code, err := r.Engine.Exec(ctx, id, ExecSpec{Cmd: []string{"perl", "-e", interfacesScript}, User: "root", Streams: Streams{Out: &out, Err: &errOut}})
	if err != nil {
		return nil, fmt.Errorf("reading the host's interfaces: %w", err)
	}
	if code != 0 {
		return nil, fmt.Errorf("reading the host's interfaces: %s", strings.TrimSpace(errOut.String()))
	}
	return parseInterfaces(out.String()), nil
}

func parseInterfaces(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			m[f[0]] = strings.Join(f[1:], "")
		}
	}
	return m
}

// interfaceNames lists the interfaces, sorted, for a message.
func interfaceNames(ifaces map[string]string) string {
	var names []string
	for name, addr := range ifaces {
		if addr == "" {
			name += " (no IPv4)"
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
