package orchestrator

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// RunInteractive runs an interactive or safemode instance attached to the
// terminal; the container is removed when the shell exits. On a swarm
// (o.Swarm set) it runs on the node InteractiveNode chooses, attached to the
// project's overlay network.
func (o *Orchestrator) RunInteractive(ctx context.Context, in project.Instance, streams Streams) (int, error) {
	if o.Swarm != nil {
		return o.runInteractiveOnSwarm(ctx, in, streams)
	}
	byName, err := o.freeName(ctx, in)
	if err != nil {
		return 0, err
	}
	machined, err := o.withMachineEnv(ctx, []project.Instance{in})
	if err != nil {
		return 0, err
	}
	if machined, err = o.withDataDirs(ctx, machined); err != nil {
		return 0, err
	}
	in = machined[0]
	links, err := o.resolveLinks(in, []project.Instance{in}, byName)
	if err != nil {
		return 0, err
	}
	network := func(ctx context.Context) error {
		return o.Engine.EnsureNetwork(ctx, o.Project, map[string]string{LabelProject: o.Project})
	}
	return o.attach(ctx, in, network, links.ips, links.targets, streams)
}

// InteractiveNode is the node an interactive instance runs on with the
// swarm: the first host of hosts.conf that runs its group.
func (sw *Swarm) InteractiveNode(in project.Instance) (Target, error) {
	for _, n := range sw.Nodes {
		if sw.runs(n.Host, in.Group) {
			return n, nil
		}
	}
	return Target{}, fmt.Errorf("%s: no node of the swarm runs group %q (see hosts.conf)", in.Name, in.Group)
}

// runInteractiveOnSwarm runs the instance as a one-off container on its
// node's engine. The manager makes sure the attachable overlay exists; the
// container joins it by name, which Docker allows on any node of the swarm,
// even a worker that has no task on it yet (and so does not list it: no
// local network of that name may be made there). Its links are DNS names on
// the overlay, given to the entrypoint as for a service.
func (o *Orchestrator) runInteractiveOnSwarm(ctx context.Context, in project.Instance, streams Streams) (int, error) {
	node, err := o.Swarm.InteractiveNode(in)
	if err != nil {
		return 0, err
	}
	services, err := o.Swarm.Manager.Services(ctx, o.Project)
	if err != nil {
		return 0, err
	}
	if in, err = withServiceLinks(in, services); err != nil {
		return 0, err
	}
	on := *o
	on.Target, on.Swarm = node, nil
	if _, err := on.freeName(ctx, in); err != nil {
		return 0, err
	}
	machined, err := on.withMachineEnv(ctx, []project.Instance{in})
	if err != nil {
		return 0, err
	}
	in = machined[0]
	network := func(ctx context.Context) error {
		return o.Swarm.Manager.EnsureOverlay(ctx, o.Project, map[string]string{LabelProject: o.Project}, false)
	}
	return on.attach(ctx, in, network, nil, nil, streams)
}

// withServiceLinks is in with its links given to the entrypoint by name
// (DOCKEROPS_LINKS), each to a service of the project, as serviceSpec does;
// a link whose address the environment gives is left to it.
func withServiceLinks(in project.Instance, services []ObservedService) (project.Instance, error) {
	in.Env = maps.Clone(in.Env)
	var parts []string
	for _, l := range in.Links {
		key := strings.ToUpper(l.Name) + "_CONTAINER_IP"
		if in.Env[key] != "" {
			continue
		}
		delete(in.Env, key)
		found := false
		for _, sv := range services {
			if (l.Target != nil && sv.Name == *l.Target) || (l.Target == nil && sv.Labels[LabelContainer] == l.TargetContainer) {
				found = true
				break
			}
		}
		if !found {
			return in, fmt.Errorf("%s: link %s needs %s, which has no service on the swarm; deploy it first (run:...,hosts=all) or set %s in the environment or host.conf",
				in.Name, l.Name, describeTarget(l), key)
		}
		parts = append(parts, strings.ToUpper(l.Name)+"="+strings.ToLower(l.Name))
	}
	if len(parts) > 0 {
		in.Env[EnvLinks] = strings.Join(parts, ",")
	}
	return in, nil
}

// freeName makes the instance's container name free on the target: a
// stopped leftover is removed, a running one refused. It returns the
// project's containers by name.
func (o *Orchestrator) freeName(ctx context.Context, in project.Instance) (map[string]*Observed, error) {
	observed, err := o.containers(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]*Observed{}
	for i := range observed {
		byName[observed[i].Name] = &observed[i]
	}
	if ob := byName[in.Name]; ob != nil {
		if ob.State == "running" {
			return nil, fmt.Errorf("%s is already running on %s; use `dockerops shell:%s,instance=%s` to get a shell in it", in.Name, o.Describe(), in.Container, in.Instance)
		}
		if err := o.Engine.Remove(ctx, ob.ID); err != nil {
			return nil, err
		}
	}
	return byName, nil
}

// attach makes the instance's image, volumes, persistent dir and network
// ready on the target, then creates its container and attaches the terminal.
func (o *Orchestrator) attach(ctx context.Context, in project.Instance, network func(context.Context) error, linkIPs, linkTargets map[string]string, streams Streams) (int, error) {
	imageID, err := o.Engine.ImageID(ctx, in.Image)
	if err != nil {
		return 0, err
	}
	if imageID == "" {
		return 0, fmt.Errorf("image not built on %s: %s; run `dockerops build:%s` first", o.Describe(), in.Container, in.Container)
	}
	// Its volumes and persistent dir are made ready on the target first,
	// as for a detached instance.
	syncs, _, err := o.volumeSyncs([]project.Instance{in})
	if err != nil {
		return 0, err
	}
	if err := o.Apply(ctx, Plan{Project: o.Project, Host: o.Host, Steps: syncs}); err != nil {
		return 0, err
	}
	if in.PersistentDir != nil {
		if err := o.fs().MkdirAll(ctx, in.Image, []string{o.PersistentDir(in)}); err != nil {
			return 0, fmt.Errorf("%s: %w", in.Name, err)
		}
	}
	if err := network(ctx); err != nil {
		return 0, err
	}
	spec := o.containerSpec(in, imageID, linkIPs, linkTargets)
	// A TTY only for a terminal, as `docker run -it` vs `-i`: with piped
	// commands the shell must see the end of its input, which a TTY turns
	// into a Ctrl-D that is lost when it arrives before the shell reads.
	spec.TTY = streams.Terminal
	id, err := o.Engine.Create(ctx, spec)
	if err != nil {
		return 0, fmt.Errorf("%s: create: %w", in.Name, err)
	}
	return o.Engine.Attach(ctx, id, streams)
}
