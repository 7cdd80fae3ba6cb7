package orchestrator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// resolvedLinks is where an instance's links point right now.
type resolvedLinks struct {
	names   []string          // link names, in run.conf order
	targets map[string]string // link name -> container the engine aliases
	ips     map[string]string // link name -> IP for <NAME>_CONTAINER_IP
	deps    []string          // targets that are part of this run
}

// resolveLinks finds each link's target: an instance of this run, else a
// running container of the project, else an address given in the
// environment or host.conf (the multi-host case).
func (o *Orchestrator) resolveLinks(in project.Instance, run []project.Instance, observed map[string]*Observed) (resolvedLinks, error) {
	r := resolvedLinks{targets: map[string]string{}, ips: map[string]string{}}
	for _, l := range in.Links {
		target := linkTarget(l, run, observed)
		envKey := strings.ToUpper(l.Name) + "_CONTAINER_IP"
		given := in.Env[envKey]
		switch {
		case given == "" && onHostNetwork(target, run, observed):
			return r, fmt.Errorf("%s: link %s needs %s, which runs on the machine's own network (nethost) and has no address on the project network; set %s to an address of the machine, e.g. from_eth0",
				in.Name, l.Name, target, envKey)
		case given != "" && onHostNetwork(target, run, observed):
			r.names = append(r.names, l.Name)
			r.ips[l.Name] = given
			if inRun(target, run) {
				r.deps = append(r.deps, target)
			}
			continue
		case target != "" && inRun(target, run):
			r.deps = append(r.deps, target)
		case target != "" && observed[target] != nil && observed[target].State == "running":
		case given != "":
			r.names = append(r.names, l.Name)
			r.ips[l.Name] = given
			continue
		default:
			return r, fmt.Errorf("%s: link %s needs %s, which is not running and not part of this run; run it first or set %s in the environment or host.conf",
				in.Name, l.Name, describeTarget(l), envKey)
		}
		r.names = append(r.names, l.Name)
		r.targets[l.Name] = target
		if ob := observed[target]; ob != nil {
			r.ips[l.Name] = ob.IP
		}
	}
	return r, nil
}

// findTarget is the one link resolver among resolved instances: the named
// instance, or for `instance: null` the first instance of the container.
func findTarget(l project.Link, instances []project.Instance) (project.Instance, bool) {
	for _, in := range instances {
		if (l.Target != nil && in.Name == *l.Target) || (l.Target == nil && in.Container == l.TargetContainer) {
			return in, true
		}
	}
	return project.Instance{}, false
}

// linkTarget is the container a link points to: an instance of this run,
// else the running container of the project the engine has.
func linkTarget(l project.Link, run []project.Instance, observed map[string]*Observed) string {
	if l.Target != nil {
		return *l.Target
	}
	if in, ok := findTarget(l, run); ok {
		return in.Name
	}
	best := ""
	for name, ob := range observed {
		if ob.Labels[LabelContainer] == l.TargetContainer && ob.State == "running" && (best == "" || name < best) {
			best = name
		}
	}
	return best
}

// onHostNetwork says whether the container target runs with nethost: it is
// reached at the machine's address, not at one of the project network.
func onHostNetwork(target string, run []project.Instance, observed map[string]*Observed) bool {
	for _, in := range run {
		if in.Name == target {
			return in.NetHost
		}
	}
	ob := observed[target]
	return ob != nil && ob.Labels[LabelNetHost] == "true"
}

func describeTarget(l project.Link) string {
	if l.Target != nil {
		return *l.Target
	}
	return "an instance of " + l.TargetContainer
}

func inRun(name string, run []project.Instance) bool {
	return slices.ContainsFunc(run, func(in project.Instance) bool { return in.Name == name })
}

// linkOrder sorts instances so link targets come before the instances that
// need them, keeping run.conf order otherwise; a cycle is an error.
func linkOrder(run []project.Instance) ([]project.Instance, error) {
	deps := map[string][]string{}
	for _, in := range run {
		for _, l := range in.Links {
			if t := linkTarget(l, run, nil); t != "" && inRun(t, run) && t != in.Name {
				deps[in.Name] = append(deps[in.Name], t)
			}
		}
	}
	var out []project.Instance
	state := map[string]int{} // 1 visiting, 2 done
	byName := map[string]project.Instance{}
	for _, in := range run {
		byName[in.Name] = in
	}
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("links form a cycle: %s", strings.Join(append(path, name), " -> "))
		case 2:
			return nil
		}
		state[name] = 1
		for _, d := range deps[name] {
			if err := visit(d, append(path, name)); err != nil {
				return err
			}
		}
		state[name] = 2
		out = append(out, byName[name])
		return nil
	}
	for _, in := range run {
		if err := visit(in.Name, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}
