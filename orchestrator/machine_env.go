package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// Env keys that depend on the machine that runs an instance, or that the
// later DockerOps releases read.
const (
	EnvService      = "SERVICE"       // the container's name, as the second layout calls it
	EnvHostHostname = "HOST_HOSTNAME" // hostname of the machine running the instance
	EnvPublishOnIP  = "PUBLISH_ON_IP" // host address published ports bind to
	EnvServiceIP    = "SERVICE_IP"    // the same when PUBLISH_ON_IP is not given
	EnvDNSLinkOnIP  = "DNSLINK_ON_IP" // v0.2's name of SERVICE_IP
)

// fromPrefix starts a `*_IP` value that names an interface of the machine.
const fromPrefix = "from_"

// withMachineEnv gives each instance what its environment takes from the
// machine that runs it, at every run: HOST_HOSTNAME, SERVICE beside
// CONTAINER, and every `from_<iface>` value of a variable ending in _IP
// replaced by that interface's IPv4 address (the interface is the text after
// the last "_", as the original read it). The machine is asked once, and its
// interfaces only when a value needs them. A declared HOST_HOSTNAME or
// SERVICE is kept.
func (o *Orchestrator) withMachineEnv(ctx context.Context, instances []project.Instance) ([]project.Instance, error) {
	return o.withMachineEnvOf(ctx, o.machine(), instances)
}

// withMachineEnvOf is withMachineEnv with the machine m.
func (o *Orchestrator) withMachineEnvOf(ctx context.Context, m Machine, instances []project.Instance) ([]project.Instance, error) {
	hostname, err := m.Hostname(ctx)
	if err != nil {
		return nil, fmt.Errorf("hostname of %s: %w", o.machineName(), err)
	}
	var ifaces map[string]string
	out := make([]project.Instance, len(instances))
	var errs []error
	for i, in := range instances {
		in.Env = maps.Clone(in.Env)
		if in.Env == nil {
			in.Env = map[string]string{}
		}
		if _, ok := in.Env[EnvHostHostname]; !ok {
			in.Env[EnvHostHostname] = hostname
		}
		if _, ok := in.Env[EnvService]; !ok {
			in.Env[EnvService] = in.Container
		}
		for _, key := range slices.Sorted(maps.Keys(in.Env)) {
			value := in.Env[key]
			if !strings.HasSuffix(key, "_IP") || !strings.HasPrefix(value, fromPrefix) {
				continue
			}
			if ifaces == nil {
				if ifaces, err = m.Interfaces(ctx, in.Image); err != nil {
					return nil, fmt.Errorf("%s: %s=%s: interfaces of %s: %w", in.Name, key, value, o.machineName(), err)
				}
			}
			iface := value[strings.LastIndex(value, "_")+1:]
			addr, ok := ifaces[iface]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("%s: %s=%s: %s has no interface %q (it has %s)", in.Name, key, value, o.machineName(), iface, interfaceNames(ifaces)))
			case addr == "":
				errs = append(errs, fmt.Errorf("%s: %s=%s: interface %s of %s has no IPv4 address", in.Name, key, value, iface, o.machineName()))
			default:
				in.Env[key] = addr
			}
		}
		if err := checkPublishIP(in); err != nil {
			errs = append(errs, err)
		}
		out[i] = in
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// machineName names the machine that runs the target's instances.
func (o *Orchestrator) machineName() string {
	if o.Host == "" {
		return "this machine"
	}
	return "host " + o.Host
}

// publishIP is the host address an instance's published ports bind to:
// PUBLISH_ON_IP, else SERVICE_IP (DockerOps v0.3 on), else DNSLINK_ON_IP
// (what v0.2 called it), else "" for every interface, as the first releases
// did.
func publishIP(env map[string]string) (key, addr string) {
	for _, k := range []string{EnvPublishOnIP, EnvServiceIP, EnvDNSLinkOnIP} {
		if v := env[k]; v != "" {
			return k, v
		}
	}
	return "", ""
}

// checkPublishIP refuses a publish address that is no IP before the engine
// does, naming the instance and the variable.
func checkPublishIP(in project.Instance) error {
	key, addr := publishIP(in.Env)
	if !in.PublishPorts || len(in.Ports) == 0 || addr == "" || net.ParseIP(addr) != nil {
		return nil
	}
	return fmt.Errorf("%s: %s=%q is not an IP address, so its ports cannot be published on it (use an address of the machine, or from_<iface>)", in.Name, key, addr)
}
