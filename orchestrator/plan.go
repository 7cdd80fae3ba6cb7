package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// Action is what a plan step does.
type Action string

const (
	Create   Action = "create"
	Recreate Action = "recreate"
	Start    Action = "start"
	Leave    Action = "leave"
	Remove   Action = "remove"
	Sync     Action = "sync" // copy a project-relative volume to the target
)

// networkRemove is the Reason of the step that removes the project network.
const networkRemove = "remove: no container of the project is left"

// Step is one thing a plan does: to an instance, an image, a volume or the
// project network.
type Step struct {
	Action   Action
	Name     string
	Reason   string
	Deps     []string          // steps of this plan that must be done first
	Instance *project.Instance // the instance a run step makes
	Existing *Observed         // the container the engine has now, if any

	imageID string
	links   resolvedLinks
	build   buildStep
	ship    shipStep
	image   string   // an image on the target, for sync and purge helpers
	src     string   // sync: local folder
	dst     string   // sync: folder on the target
	dirs    []string // purge and prepare: folders on the target
	node    *Target  // the swarm node the step acts on; nil = the plan's target
	linked  bool     // another instance of the run links to it, so needs its address
	// addressed: the network step of a plan whose containers get their
	// addresses at create time.
	addressed bool
	// startAfter are steps whose containers must have started before this
	// one's starts (it is created meanwhile): see unwaited.
	startAfter []string
	service    *serviceStep
}

// Plan is what applying will do, step by step, on one target; it is a plain
// value, and what its String prints is what Apply does.
type Plan struct {
	Project string
	Host    string // "" = the local engine
	Steps   []Step
	// Wait makes the run's instances count as done only once they run and are
	// healthy where their image has a HEALTHCHECK.
	Wait bool

	seen observed // what planning saw of the target
}

// String is the stable text form printed before applying and pinned by
// golden tests.
func (p Plan) String() string {
	var b strings.Builder
	for _, s := range p.Steps {
		line := fmt.Sprintf("%-8s %s", s.Action, s.Name)
		if s.Reason != "" {
			line = fmt.Sprintf("%-40s (%s)", line, s.Reason)
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}

// Changes counts the steps that write to the target.
func (p Plan) Changes() int {
	n := 0
	for _, s := range p.Steps {
		if s.Action != Leave {
			n++
		}
	}
	return n
}

// PlanOptions tune planning.
type PlanOptions struct {
	// RemoveOrphans plans the removal of the project's containers whose name
	// is not in Known.
	RemoveOrphans bool
	Known         map[string]bool
	// Wait: see Plan.Wait.
	Wait bool
}

// Plan observes the engine (one list call, and a lookup of each image no
// container vouches for: see imageIDs) and
// diffs it against the resolved instances. It refuses, before any change,
// two instances that would publish the same host port on this target, and a
// project-relative volume a remote target cannot be given.
func (o *Orchestrator) Plan(ctx context.Context, instances []project.Instance, opts PlanOptions) (Plan, error) {
	machine := earlyHostname(ctx, o.machine())
	seen, err := o.observe(ctx)
	if err != nil {
		return Plan{}, err
	}
	observed := withoutSwarmTasks(seen.containers)
	byName := map[string]*Observed{}
	for i := range observed {
		byName[observed[i].Name] = &observed[i]
	}
	images, noCheck, err := o.imageIDs(ctx, instances, byName)
	if err != nil {
		return Plan{}, err
	}
	if instances, err = o.withMachineEnvOf(ctx, machine, instances); err != nil {
		return Plan{}, err
	}
	instances = dataDirsOf(instances, byName)
	ordered, err := linkOrder(instances)
	if err != nil {
		return Plan{}, err
	}
	if err := checkPorts(ordered, observed, opts, o.Describe()); err != nil {
		return Plan{}, err
	}
	syncs, syncNames, err := o.volumeSyncs(ordered)
	if err != nil {
		return Plan{}, err
	}
	plan := Plan{Project: o.Project, Host: o.Host, Wait: opts.Wait, seen: seen}
	actions := map[string]Action{}
	var steps []Step
	var errs []error
	for _, in := range ordered {
		step := Step{Name: in.Name, Instance: &in, Existing: byName[in.Name], imageID: images[in.Image]}
		links, err := o.resolveLinks(in, instances, byName)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		step.Deps, step.links = links.deps, links
		step.Action, step.Reason = decide(o.containerSpec(in, step.imageID, links.ips, links.targets), step.Existing, links, actions)
		actions[in.Name] = step.Action
		steps = append(steps, step)
	}
	if len(errs) > 0 {
		return Plan{}, errors.Join(errs...)
	}
	linked := map[string]bool{}
	for _, s := range steps {
		for _, target := range s.links.targets {
			linked[target] = true
		}
	}
	var creates []string
	for i, s := range steps {
		steps[i].linked = linked[s.Name]
		if s.Action == Create || s.Action == Recreate {
			creates = append(creates, s.Name)
			steps[i].Deps = append(steps[i].Deps, o.Project)
		}
		for _, v := range s.Instance.Volumes {
			if name := syncNames[v.Relative]; name != "" && !slices.Contains(steps[i].Deps, name) {
				steps[i].Deps = append(steps[i].Deps, name)
			}
		}
	}
	if len(creates) > 0 {
		network := Step{Action: Network, Name: o.Project, Reason: "ensure it exists"}
		if network.addressed, err = o.addressed(ctx, steps); err != nil {
			return Plan{}, err
		}
		if network.addressed {
			network.Reason = "ensure it exists; addresses given at create"
			unwaited(steps, noCheck)
		}
		plan.Steps = append(plan.Steps, network)
	}
	plan.Steps = append(plan.Steps, syncs...)
	plan.Steps = append(plan.Steps, steps...)
	if opts.RemoveOrphans {
		for i := range observed {
			if ob := &observed[i]; !opts.Known[ob.Name] {
				plan.Steps = append(plan.Steps, Step{Action: Remove, Name: ob.Name, Reason: "not in run.conf", Existing: ob})
			}
		}
	}
	return plan, nil
}

// containers are the project's containers on the target that dockerops
// manages itself (see withoutSwarmTasks).
func (o *Orchestrator) containers(ctx context.Context) ([]Observed, error) {
	all, err := o.Engine.Containers(ctx, o.Project)
	if err != nil {
		return nil, err
	}
	return withoutSwarmTasks(all), nil
}

// withoutSwarmTasks leaves out a Swarm service's tasks: they belong to the
// Swarm, which would replace any the single-engine planner removed.
func withoutSwarmTasks(all []Observed) []Observed {
	out := all[:0:0]
	for _, ob := range all {
		if !ob.IsSwarmTask() {
			out = append(out, ob)
		}
	}
	return out
}

func decide(want ContainerSpec, have *Observed, links resolvedLinks, actions map[string]Action) (Action, string) {
	if have == nil {
		return Create, ""
	}
	if have.Labels[LabelSpecHash] != want.Labels[LabelSpecHash] {
		return Recreate, summarise(changes(have.Labels[LabelSpecFields], want.Labels[LabelSpecFields]))
	}
	for _, name := range links.names {
		target := links.targets[name]
		if a := actions[target]; a == Create || a == Recreate || a == Start {
			return Recreate, fmt.Sprintf("link %s: %s is %s, its IP may change", name, target, pastTense(a))
		}
	}
	if have.State != "running" {
		return Start, have.State
	}
	return Leave, "up to date"
}

func summarise(why []string) string {
	if len(why) == 0 {
		return "image rebuilt"
	}
	if len(why) > 3 {
		why = append(why[:3], fmt.Sprintf("and %d more", len(why)-3))
	}
	return strings.Join(why, ", ")
}

func pastTense(a Action) string {
	switch a {
	case Create:
		return "created"
	case Recreate:
		return "recreated"
	}
	return "started"
}

func buildArg(missing []string) string {
	if len(missing) == 1 {
		return missing[0]
	}
	return "all"
}
