package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dockerops/dockerops/project"
)

// Actions of service plans (see plan.go for the others).
const (
	Update   Action = "update"   // a service's spec changed: the Swarm replaces its task
	Rollback Action = "rollback" // a service returns to its previous spec
)

// Swarm is where a project's services run: the manager that takes service
// calls, and every node as a Target (its own engine and data root), for the
// images and data dirs a service needs on the node that runs it.
type Swarm struct {
	Manager Services
	// Nodes in hosts.conf order; each Target's Host is its hosts.conf name,
	// which its node label dockerops.host holds.
	Nodes []Target
	// Placement says which groups each host runs; empty = every host runs
	// every group.
	Placement Placement
}

// runs says whether host runs group's instances.
func (sw *Swarm) runs(host, group string) bool {
	return len(sw.Placement.Hosts) == 0 || sw.Placement.Runs(host, group)
}

func (sw *Swarm) node(host string) (Target, bool) {
	for _, n := range sw.Nodes {
		if n.Host == host {
			return n, true
		}
	}
	return Target{}, false
}

// ServicePlanOptions tune PlanServices.
type ServicePlanOptions struct {
	// All is every instance of the project, selected or not: link aliases
	// are the names any instance uses for a target.
	All []project.Instance
	// RemoveOrphans plans the removal of the project's services whose name
	// is not in Known.
	RemoveOrphans bool
	Known         map[string]bool
	// Move chooses again the node of pinned instances (move=True); their
	// data is not copied.
	Move bool
	// Images is the engine whose image IDs every node has (the one images
	// were built on or shipped from); nil = the first node's.
	Images Engine
	// Encrypted makes a new overlay network encrypt its traffic.
	Encrypted bool
	// Monitor: see ServiceSpec.Monitor (default 10 s).
	Monitor time.Duration
}

// serviceStep is what a service step needs.
type serviceStep struct {
	spec      ServiceSpec
	existing  *ObservedService
	network   bool // the step is the project's overlay network
	encrypted bool
}

// PlanServices observes the project's services (one list call) and diffs
// them against the resolved instances, by the spec hash label as the
// single-engine planner does: an unchanged service is left alone, a changed
// one updated (alone: link targets are DNS names, so dependants keep
// running), a new one created after its data dir exists on its node.
//
// Placement: an instance whose group every node runs floats (the Swarm
// places it); one with persistent data or a project-relative volume (whose
// copy must be where it runs), or whose group only some nodes run, is
// pinned to one node, because a Swarm constraint cannot say "one of these
// nodes". Such a volume is copied to the node before the service is
// created or updated, and bound from there. The pin is chosen once, the least loaded candidate in
// hosts.conf order, and kept from the service's dockerops.node label on
// later runs; only Move chooses again.
func (o *Orchestrator) PlanServices(ctx context.Context, instances []project.Instance, opts ServicePlanOptions) (Plan, error) {
	sw := o.Swarm
	if sw == nil || sw.Manager == nil || len(sw.Nodes) == 0 {
		return Plan{}, errors.New("no swarm to deploy to: it needs a manager and at least one node")
	}
	if opts.Monitor <= 0 {
		opts.Monitor = defaultMonitor
	}
	if opts.All == nil {
		opts.All = instances
	}
	observed, err := sw.Manager.Services(ctx, o.Project)
	if err != nil {
		return Plan{}, err
	}
	byName := map[string]*ObservedService{}
	for i := range observed {
		byName[observed[i].Name] = &observed[i]
	}
	var errs []error
	for _, in := range instances {
		if in.Interactive {
			errs = append(errs, fmt.Errorf("%s: an interactive instance is no service; RunInteractive runs it on one node", in.Name))
		}
	}
	aliases, err := linkAliases(opts.All)
	if err != nil {
		errs = append(errs, err)
	}
	ordered, err := linkOrder(instances)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Plan{}, errors.Join(errs...)
	}
	imageIDs, err := o.serviceImageIDs(ctx, instances, opts.Images)
	if err != nil {
		return Plan{}, err
	}
	aliasesOf := map[string][]string{}
	for _, alias := range slices.Sorted(maps.Keys(aliases)) {
		aliasesOf[aliases[alias]] = append(aliasesOf[aliases[alias]], alias)
	}
	load := map[string]int{}
	for _, sv := range observed {
		if sv.Labels[LabelNode] != "" {
			load[sv.Labels[LabelNode]]++
		}
	}
	plan := Plan{Project: o.Project, Host: o.Host}
	var prepares, syncs, steps []Step
	synced := map[string]bool{}
	for _, in := range ordered {
		ex := byName[in.Name]
		pin, err := sw.pin(in, ex, load, opts.Move)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var node *Target
		if pin != "" {
			t, _ := sw.node(pin)
			node = &t
		}
		if in, err = o.withServiceMachineEnv(ctx, in, node); err != nil {
			errs = append(errs, err)
			continue
		}
		links, deps, err := serviceLinks(in, opts.All, instances, byName)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// A pinned instance's volumes are copied to its node; a floating
		// one has none to copy (see pin).
		var copies []Step
		if node != nil {
			if copies, _, err = node.volumeSyncs([]project.Instance{in}); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		spec := o.serviceSpec(in, imageIDs[in.Image], node, aliasesOf[in.Name], links, opts.Monitor)
		step := Step{Name: in.Name, Instance: &in, Deps: deps, service: &serviceStep{spec: spec, existing: ex}}
		step.Action, step.Reason = decideService(spec, ex, pin)
		for _, c := range copies {
			// The copy runs on every run, as on one host: a changed file
			// reaches the node without a new service spec.
			c.Name += " on " + pin
			c.node = node
			if !synced[c.Name] {
				synced[c.Name] = true
				syncs = append(syncs, c)
			}
			if step.Action != Leave {
				step.Deps = append(step.Deps, c.Name)
			}
		}
		if step.Action != Leave {
			step.Deps = append(step.Deps, o.Project)
			if in.PersistentDir != nil {
				dataDir := node.PersistentDir(in)
				prep := Step{Action: Prepare, Name: in.Name + " data", Reason: "on " + pin + ": " + dataDir,
					node: node, image: in.Image, dirs: []string{dataDir}}
				prepares = append(prepares, prep)
				step.Deps = append(step.Deps, prep.Name)
			}
		}
		steps = append(steps, step)
	}
	if len(errs) > 0 {
		return Plan{}, errors.Join(errs...)
	}
	if slices.ContainsFunc(steps, func(s Step) bool { return s.Action != Leave }) {
		plan.Steps = append(plan.Steps, Step{Action: Network, Name: o.Project, Reason: "ensure the overlay network exists",
			service: &serviceStep{network: true, encrypted: opts.Encrypted}})
	}
	slices.SortFunc(syncs, func(a, b Step) int { return strings.Compare(a.Name, b.Name) })
	plan.Steps = append(plan.Steps, prepares...)
	plan.Steps = append(plan.Steps, syncs...)
	plan.Steps = append(plan.Steps, steps...)
	if opts.RemoveOrphans {
		for i := range observed {
			if sv := &observed[i]; !opts.Known[sv.Name] {
				plan.Steps = append(plan.Steps, Step{Action: Remove, Name: sv.Name, Reason: "not in run.conf",
					service: &serviceStep{existing: sv}})
			}
		}
	}
	return plan, nil
}

func decideService(want ServiceSpec, have *ObservedService, node string) (Action, string) {
	if have == nil {
		if node != "" {
			return Create, "on " + node
		}
		return Create, ""
	}
	if have.Labels[LabelSpecHash] == want.Labels[LabelSpecHash] {
		return Leave, "up to date"
	}
	why := summarise(changes(have.Labels[LabelSpecFields], want.Labels[LabelSpecFields]))
	if prev := have.Labels[LabelNode]; prev != node {
		why = fmt.Sprintf("%s; node %s -> %s", why, orAny(prev), orAny(node))
	}
	return Update, why
}

func orAny(node string) string {
	if node == "" {
		return "any"
	}
	return node
}

// pin is the node an instance is pinned to, "" when it floats; see
// PlanServices. load counts the pins per node (those of the existing
// services to begin with) and follows a new choice.
func (sw *Swarm) pin(in project.Instance, ex *ObservedService, load map[string]int, move bool) (string, error) {
	var cands []string
	for _, n := range sw.Nodes {
		if sw.runs(n.Host, in.Group) {
			cands = append(cands, n.Host)
		}
	}
	if len(cands) == 0 {
		return "", fmt.Errorf("%s: no node of the swarm runs group %q (see hosts.conf)", in.Name, in.Group)
	}
	if in.PersistentDir == nil && !copiesVolumes(in) && len(cands) == len(sw.Nodes) {
		return "", nil
	}
	prev := ""
	if ex != nil {
		prev = ex.Labels[LabelNode]
	}
	if prev != "" && !move {
		if slices.Contains(cands, prev) {
			return prev, nil
		}
		if in.PersistentDir != nil {
			return "", fmt.Errorf("%s keeps its data on %s, which no longer runs group %q; run with move=True to start it on another node (its data is not copied)",
				in.Name, prev, in.Group)
		}
	}
	if prev != "" {
		load[prev]--
	}
	best := ""
	for _, c := range cands {
		if move && c == prev && len(cands) > 1 {
			continue
		}
		if best == "" || load[c] < load[best] {
			best = c
		}
	}
	load[best]++
	return best, nil
}

// serviceLinks is an instance's DOCKEROPS_LINKS value and the instances of
// this run its links need first. A link whose address the environment gives
// (<NAME>_CONTAINER_IP) is left to it.
func serviceLinks(in project.Instance, all, run []project.Instance, observed map[string]*ObservedService) (string, []string, error) {
	var parts, deps []string
	for _, l := range in.Links {
		key := strings.ToUpper(l.Name) + "_CONTAINER_IP"
		if in.Env[key] != "" {
			continue
		}
		t, ok := findTarget(l, all)
		switch {
		case ok && inRun(t.Name, run):
			if t.Name != in.Name && !slices.Contains(deps, t.Name) {
				deps = append(deps, t.Name)
			}
		case ok && observed[t.Name] != nil:
		default:
			return "", nil, fmt.Errorf("%s: link %s needs %s, which is neither deployed nor part of this run; deploy it first or set %s in the environment or host.conf",
				in.Name, l.Name, describeTarget(l), key)
		}
		parts = append(parts, strings.ToUpper(l.Name)+"="+strings.ToLower(l.Name))
	}
	return strings.Join(parts, ","), deps, nil
}

// serviceImageIDs reads the image IDs every node has from the engine the
// images came from. A missing image has ID "": creating its service would
// leave the task waiting for it, which its step reports.
func (o *Orchestrator) serviceImageIDs(ctx context.Context, instances []project.Instance, from Engine) (map[string]string, error) {
	if from == nil {
		from = o.Swarm.Nodes[0].Engine
	}
	ids := map[string]string{}
	for _, in := range instances {
		if _, done := ids[in.Image]; done {
			continue
		}
		id, err := from.ImageID(ctx, in.Image)
		if err != nil {
			return nil, err
		}
		ids[in.Image] = id
	}
	return ids, nil
}
