package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/dockerops/dockerops/orchestrator"
)

// allHosts reports whether a task was given hosts=all, the only value
// hosts= takes; host=NAME names one host instead, so both are refused.
func (a Args) allHosts(task string) (bool, error) {
	v, ok := a.str("hosts")
	switch {
	case !ok:
		return false, nil
	case v != "all":
		return false, usagef("task %q: hosts=%s: only hosts=all is supported (use host=NAME for one host)", task, v)
	case a.has("host"):
		return false, usagef("task %q: host=%s and hosts=all exclude each other", task, a.strOr("host", ""))
	}
	return true, nil
}

// onHost is a narrowed to one host, as if the task had been given host=host.
func (a Args) onHost(host string) Args {
	vals := maps.Clone(a.vals)
	delete(vals, "hosts")
	vals["host"] = host
	return Args{Arg: a.Arg, vals: vals}
}

// hostContainers is what one host's engine has of a project.
type hostContainers struct {
	host     string
	observed []orchestrator.Observed
}

// observeHosts lists the containers of project ("" = every project) on each
// host's engine, all hosts at once, in the order of hosts.
func (s *session) observeHosts(ctx context.Context, hosts []string, project string) ([]hostContainers, error) {
	out := make([]hostContainers, len(hosts))
	errs := make([]error, len(hosts))
	var wg sync.WaitGroup
	for i, host := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := s.dockerEngine(ctx, host)
			if err == nil {
				out[i].observed, err = e.Containers(ctx, project)
			}
			out[i].host, errs[i] = host, err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, hc := range out {
		sort.Slice(hc.observed, func(i, j int) bool { return hc.observed[i].Name < hc.observed[j].Name })
	}
	return out, nil
}

// located is an instance and the host whose engine runs it.
type located struct {
	host string
	ob   orchestrator.Observed
}

// locate finds, on every engine of hosts at once, the project's instances
// the argument, instance= and (for the tasks that take it) group= select:
// a swarm task only while it is its service's current one (currentTasks).
// project is the project's name on the engines.
func (s *session) locate(ctx context.Context, a Args, hosts []string) (list []located, project string, err error) {
	project, err = s.projectForEngine()
	if err != nil {
		return nil, "", err
	}
	found, err := s.observeHosts(ctx, hosts, project)
	if err != nil {
		return nil, "", err
	}
	group, byGroup := a.str("group")
	for _, hc := range found {
		for _, ob := range selectInstances(hc.observed, a) {
			if !byGroup || ob.Labels[orchestrator.LabelGroup] == group {
				list = append(list, located{hc.host, ob})
			}
		}
	}
	return currentTasks(list), project, nil
}

// oneInstanceOnHosts finds, on every host at once, the one instance the
// argument names and returns a narrowed to the host that runs it.
func (s *session) oneInstanceOnHosts(ctx context.Context, a Args, what string) (Args, orchestrator.Observed, error) {
	if a.Arg == "" {
		return a, orchestrator.Observed{}, usagef("%s needs a container name, e.g. `dockerops %s:web,hosts=all`", what, what)
	}
	hosts, err := s.hostNames()
	if err != nil {
		return a, orchestrator.Observed{}, err
	}
	list, name, err := s.locate(ctx, a, hosts)
	if err != nil {
		return a, orchestrator.Observed{}, err
	}
	switch len(list) {
	case 1:
		return a.onHost(list[0].host), list[0].ob, nil
	case 0:
		desc := a.Arg
		if i, ok := a.str("instance"); ok {
			desc += ", instance " + i
		}
		return a, orchestrator.Observed{}, fmt.Errorf("%s: no host runs %s of project %s (searched %s); see `dockerops ps,hosts=all`",
			what, desc, name, strings.Join(hosts, ", "))
	}
	names := make([]string, len(list))
	for i, l := range list {
		names[i] = l.ob.Name + " on " + l.host
	}
	return a, orchestrator.Observed{}, fmt.Errorf("%s needs one instance; %s matches %d on the hosts: %s; name one with instance=NAME, or its host with host=HOST instead of hosts=all",
		what, a.Arg, len(list), strings.Join(names, ", "))
}

// currentTasks drops the containers of replaced Swarm tasks (the Swarm keeps
// a few stopped ones as history) where the same instance has a running task.
func currentTasks(list []located) []located {
	key := func(ob orchestrator.Observed) string {
		return ob.Labels[orchestrator.LabelContainer] + "\x00" + ob.Labels[orchestrator.LabelInstance]
	}
	running := map[string]bool{}
	for _, l := range list {
		if l.ob.IsSwarmTask() && l.ob.State == "running" {
			running[key(l.ob)] = true
		}
	}
	out := list[:0:0]
	for _, l := range list {
		if !l.ob.IsSwarmTask() || l.ob.State == "running" || !running[key(l.ob)] {
			out = append(out, l)
		}
	}
	return out
}
