package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/project"
)

var (
	keyHostsSwarm = Key{"hosts", kindString, "all: act on the swarm of hosts.conf's hosts, a service per instance"}
	keyMove       = Key{"move", kindBool, "with hosts=all: choose again the node of pinned instances (their data is not copied)"}
	keyEncrypted  = Key{"encrypted", kindBool, "with hosts=all: a new project network encrypts its traffic between nodes"}
)

// swarm connects to every host of hosts.conf, the swarm's nodes, and finds
// the manager of the project's swarm among them.
func (s *session) swarm(ctx context.Context, p *project.Project) (*orchestrator.Swarm, orchestrator.Target, error) {
	hosts, err := digitalocean.LoadHosts(p.Dir, p.AppsDir)
	if err != nil {
		return nil, orchestrator.Target{}, err
	}
	sw := &orchestrator.Swarm{Placement: placement(hosts)}
	var manager orchestrator.Target
	if sw.Manager, manager.Host, err = s.swarmManager(ctx, p.Name, hosts); err != nil {
		return nil, orchestrator.Target{}, err
	}
	for _, h := range hosts.All() {
		e, err := s.dockerEngine(ctx, h.Name)
		if err != nil {
			return nil, orchestrator.Target{}, err
		}
		t := orchestrator.Target{Host: h.Name, Engine: e,
			Files: orchestrator.HostFiles{Engine: e, Dir: h.DataRoot(p.Name), Project: p.Name}}
		sw.Nodes = append(sw.Nodes, t)
		if h.Name == manager.Host {
			manager = t
		}
	}
	return sw, manager, nil
}

// swarmOrchestrator is the project's orchestrator on the manager, with the
// swarm and the project key.
func (s *session) swarmOrchestrator(ctx context.Context, p *project.Project, a Args) (*orchestrator.Orchestrator, error) {
	sw, manager, err := s.swarm(ctx, p)
	if err != nil {
		return nil, err
	}
	key, err := s.projectKey(p)
	if err != nil {
		return nil, err
	}
	o, err := s.newOrchestrator(manager, p.Name, a)
	if err != nil {
		return nil, err
	}
	o.AuthorizedKeys, o.Swarm = key.AuthorizedKey(), sw
	return o, nil
}

// runSwarmRun deploys the selected instances as services
// (run:...,hosts=all), then runs the interactive ones attached to the
// terminal, each on the first node that runs its group.
func runSwarmRun(ctx context.Context, s *session, a Args) error {
	p, instances, err := s.resolveWithEnv(a)
	if err != nil {
		return err
	}
	all, err := p.Resolve(project.Selection{Target: "all"}, project.Overrides{})
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, in := range all {
		known[in.Name] = true
	}
	// The swarm's images move before its plan is made: its lock is taken
	// first, whatever the plan turns out to be.
	if _, err := s.changing(ctx); err != nil {
		return err
	}
	o, err := s.swarmOrchestrator(ctx, p, a)
	if err != nil {
		return err
	}
	detached, attached := splitInteractive(instances)
	// Refused before any image moves: an interactive instance no node runs.
	nodes := map[string]orchestrator.Target{}
	for _, in := range attached {
		if nodes[in.Name], err = o.Swarm.InteractiveNode(in); err != nil {
			return err
		}
	}
	source, err := s.imagesToSwarm(ctx, o, p, instances, a)
	if err != nil {
		return err
	}
	if len(detached) > 0 || len(attached) == 0 {
		plan, err := o.PlanServices(ctx, detached, orchestrator.ServicePlanOptions{
			All: all, RemoveOrphans: a.flag("remove_orphans"), Known: known,
			Move: a.flag("move"), Images: source, Encrypted: a.flag("encrypted"),
		})
		if err != nil {
			return err
		}
		err = s.applyRunPlan(ctx, o, plan, a, "%d service(s) up to date, nothing to do",
			"deploy failed; services that were updated or created are left as the Swarm has them (see `dockerops ps:all,hosts=all`)")
		if err != nil {
			return err
		}
	}
	return s.runAttachedAll(ctx, o, attached, a, func(in project.Instance) string { return "interactive, on " + nodes[in.Name].Host })
}

// imagesToSwarm gives every node the same image ID for each of the
// instances' images, without a registry, and returns the engine that holds
// the reference IDs. ship=True sends the local ones to the nodes whose ID
// differs; otherwise the images the first node lacks are built there and
// sent from it to the others, so one build serves the whole swarm (a build
// per node could give each a different ID, and the service spec would not
// say which image runs). dry_run prints what it would send instead.
func (s *session) imagesToSwarm(ctx context.Context, o *orchestrator.Orchestrator, p *project.Project, instances []project.Instance, a Args) (orchestrator.Engine, error) {
	var refs []string
	for _, in := range instances {
		if !slices.Contains(refs, in.Image) {
			refs = append(refs, in.Image)
		}
	}
	nodes := o.Swarm.Nodes
	source, first := nodes[0].Engine, 1
	if a.flag("ship") {
		local, err := s.dockerEngine(ctx, "")
		if err != nil {
			return nil, err
		}
		source, first = local, 0
	} else if a.flag("dry_run") {
		// Nothing is built on a dry run: say what would be.
		for _, ref := range refs {
			id, err := source.ImageID(ctx, ref)
			if err != nil {
				return nil, err
			}
			if id == "" {
				fmt.Fprintf(s.env.Stdout, "%-8s %-31s (on %s, then sent to the other nodes)\n", orchestrator.Build, ref, nodes[0].Host)
			}
		}
	} else {
		node, err := s.newOrchestrator(nodes[0], p.Name, a)
		if err != nil {
			return nil, err
		}
		if err := s.imagesToHost(ctx, node, p, instances, a); err != nil {
			return nil, err
		}
	}
	saves := orchestrator.ShareSaves(source)
	defer saves.Close()
	ships := map[*orchestrator.Orchestrator]orchestrator.Plan{}
	for _, t := range nodes[first:] {
		node, err := s.newOrchestrator(t, p.Name, a)
		if err != nil {
			return nil, err
		}
		plan, err := node.PlanShip(ctx, saves, refs)
		if err != nil {
			return nil, err
		}
		if a.flag("dry_run") {
			fmt.Fprint(s.env.Stdout, plan.String())
			continue
		}
		ships[node] = plan
	}
	return source, applyInParallel(ctx, ships)
}

// applyInParallel applies each node's plan at the same time as the
// others' (a ship to one node need not wait for another's, and they share
// one save of the images), and returns every node's error.
func applyInParallel(ctx context.Context, plans map[*orchestrator.Orchestrator]orchestrator.Plan) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(plans))
	for node, plan := range plans {
		wg.Go(func() { errs <- node.Apply(ctx, plan) })
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

// swarmServices is the project's orchestrator on the swarm and the
// services a task's argument selects (all, a container, container-instance
// or a pattern; instance= narrows), sorted by name.
func (s *session) swarmServices(ctx context.Context, a Args, what string) (*orchestrator.Orchestrator, []orchestrator.ObservedService, error) {
	if a.Arg == "" {
		return nil, nil, usagef("%s needs a container name or all, e.g. `dockerops %s:all,hosts=all`", what, what)
	}
	p, err := s.project("")
	if err != nil {
		return nil, nil, err
	}
	o, err := s.swarmOrchestrator(ctx, p, a)
	if err != nil {
		return nil, nil, err
	}
	list, err := o.Swarm.Manager.Services(ctx, o.Project)
	if err != nil {
		return nil, nil, err
	}
	var out []orchestrator.ObservedService
	for _, sv := range list {
		if selects(a, sv.Labels) {
			out = append(out, sv)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 && a.Arg != "all" {
		return nil, nil, fmt.Errorf("no service of %s in project %s", a.Arg, o.Project)
	}
	return o, out, nil
}

// runRollback returns services to their previous spec (rollback:...,hosts=all).
func runRollback(ctx context.Context, s *session, a Args) error {
	if ok, err := a.allHosts("rollback"); err != nil || !ok {
		if err == nil {
			err = usagef("task \"rollback\" needs hosts=all: only swarm services keep a previous spec")
		}
		return err
	}
	o, list, err := s.swarmServices(ctx, a, "rollback")
	if err != nil {
		return err
	}
	plan := o.PlanRollback(list)
	if a.flag("dry_run") {
		fmt.Fprint(s.env.Stdout, plan.String())
		return nil
	}
	return o.Apply(ctx, plan)
}

// runSwarmClean removes services and, once none is left, the project
// network (clean:...,hosts=all); purge=True deletes their data on the node
// that holds it, after asking.
func runSwarmClean(ctx context.Context, s *session, a Args) error {
	o, list, err := s.swarmServices(ctx, a, "clean")
	if err != nil {
		return err
	}
	plan, err := o.PlanServiceClean(ctx, list, a.flag("purge"))
	if err != nil {
		return err
	}
	if len(list) == 0 {
		notify(o, orchestrator.Remove, "no service of project "+o.Project+" to clean")
	}
	purge := plan.PurgeByHost()
	if len(list) > 0 && !a.flag("force") {
		names := make([]string, len(list))
		for i, sv := range list {
			names[i] = sv.Name
		}
		question := fmt.Sprintf("Remove %d service(s) of the swarm: %s?", len(list), strings.Join(names, ", "))
		if len(purge) > 0 {
			var where []string
			for _, host := range slices.Sorted(maps.Keys(purge)) {
				where = append(where, fmt.Sprintf("on host %s: %s", host, strings.Join(purge[host], ", ")))
			}
			question = fmt.Sprintf("Remove %d service(s) of the swarm: %s, and DELETE their persistent data %s? This cannot be undone.",
				len(list), strings.Join(names, ", "), strings.Join(where, "; "))
		}
		if err := s.confirm(question); err != nil {
			return err
		}
	}
	return o.Apply(ctx, plan)
}
