package orchestrator

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// nodeHostnameTemplate is expanded by the Swarm, in each task's
// environment, to the hostname of the node that runs it.
const nodeHostnameTemplate = "{{.Node.Hostname}}"

// withServiceMachineEnv is withMachineEnv for a service: a pinned one's
// machine is its node; a floating one may run on any node, so its
// HOST_HOSTNAME is the Swarm's template for the node that runs the task, and
// a `from_<iface>` value, which names one machine's interface, is refused.
// Host networking and ports bound to one address are no swarm service's.
func (o *Orchestrator) withServiceMachineEnv(ctx context.Context, in project.Instance, node *Target) (project.Instance, error) {
	if in.NetHost {
		return in, fmt.Errorf("%s: nethost (the machine's own network) runs on one engine only; run it with host=NAME, not hosts=all", in.Name)
	}
	if in.PublishPorts && len(in.Ports) > 0 && in.Env[EnvPublishOnIP] != "" {
		return in, fmt.Errorf("%s: %s=%s: the swarm publishes a service's ports on every address of its node; run it with host=NAME to bind them to one address", in.Name, EnvPublishOnIP, in.Env[EnvPublishOnIP])
	}
	if node != nil {
		on := *o
		on.Target, on.Swarm = *node, nil
		out, err := on.withMachineEnv(ctx, []project.Instance{in})
		if err != nil {
			return in, err
		}
		return out[0], nil
	}
	in.Env = maps.Clone(in.Env)
	if in.Env == nil {
		in.Env = map[string]string{}
	}
	if _, ok := in.Env[EnvHostHostname]; !ok {
		in.Env[EnvHostHostname] = nodeHostnameTemplate
	}
	if _, ok := in.Env[EnvService]; !ok {
		in.Env[EnvService] = in.Container
	}
	for _, key := range slices.Sorted(maps.Keys(in.Env)) {
		if v := in.Env[key]; strings.HasSuffix(key, "_IP") && strings.HasPrefix(v, fromPrefix) {
			return in, fmt.Errorf("%s: %s=%s names an interface of the machine that runs it, but on the swarm it may run on any node; pin it to one (a group only one host runs, or persistent data) or give the address", in.Name, key, v)
		}
	}
	return in, nil
}
