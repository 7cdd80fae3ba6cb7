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
	service *serviceStep
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

// Plan observes the engine (one list call, one image lookup per image) and
// diffs it against the resolved instances. It refuses, before any change,
// two instances that would publish the same host port on this target, and a
// project-relative volume a remote target cannot be given.
func (o *Orchestrator) Plan(ctx context.Context, instances []project.Instance, opts PlanOptions) (Plan, error) {
	observed, err := o.containers(ctx)
	if err != nil {
		return Plan{}, err
	}
	byName := map[string]*Observed{}
	for i := range observed {
		byName[observed[i].Name] = &observed[i]
	}
	images, err := o.imageIDs(ctx, instances)
	if err != nil {
		return Plan{}, err
	}
	if instances, err = o.withMachineEnv(ctx, instances); err != nil {
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
	plan := Plan{Project: o.Project, Host: o.Host, Wait: opts.Wait}
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
	var creates []string
	for i, s := range steps {
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
		plan.Steps = append(plan.Steps, Step{Action: Network, Name: o.Project, Reason: "ensure it exists"})
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
// manages itself: a Swarm service's tasks belong to the Swarm, which would
// replace any the single-engine planner removed.
func (o *Orchestrator) containers(ctx context.Context) ([]Observed, error) {
	all, err := o.Engine.Containers(ctx, o.Project)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, ob := range all {
		if !ob.IsSwarmTask() {
			out = append(out, ob)
		}
	}
	return out, nil
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

func (o *Orchestrator) imageIDs(ctx context.Context, instances []project.Instance) (map[string]string, error) {
	ids := map[string]string{}
	var missing []string
	for _, in := range instances {
		if _, done := ids[in.Image]; done {
			continue
		}
		id, err := o.Engine.ImageID(ctx, in.Image)
		if err != nil {
			return nil, err
		}
		ids[in.Image] = id
		if id == "" {
			missing = append(missing, in.Container)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("image not built on %s: %s; run `dockerops build:%s` first",
			o.Describe(), strings.Join(missing, ", "), buildArg(missing))
	}
	return ids, nil
}

func buildArg(missing []string) string {
	if len(missing) == 1 {
		return missing[0]
	}
	return "all"
}
