package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// Action is what the plan does with one instance.
type Action string

const (
	Create   Action = "create"
	Recreate Action = "recreate"
	Start    Action = "start"
	Leave    Action = "leave"
	Remove   Action = "remove"
)

// Step is one instance's part of a plan.
type Step struct {
	Action   Action
	Name     string
	Reason   string
	Instance *project.Instance // nil for orphans being removed
	Existing *Observed         // the container the engine has now, if any
	Deps     []string          // instances of this plan it links to
	imageID  string
	links    resolvedLinks
}

// Plan is the difference between the engine and the resolved project, in the
// order it is applied (link targets before the instances that need them).
type Plan struct {
	Project string
	Steps   []Step
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

// Changes counts the steps that write to the engine.
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
}

// Plan observes the engine (one list call, one image lookup per image) and
// diffs it against the resolved instances.
func (o *Orchestrator) Plan(ctx context.Context, instances []project.Instance, opts PlanOptions) (Plan, error) {
	observed, err := o.Engine.Containers(ctx, o.Project)
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
	ordered, err := linkOrder(instances)
	if err != nil {
		return Plan{}, err
	}
	plan := Plan{Project: o.Project}
	actions := map[string]Action{}
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
		plan.Steps = append(plan.Steps, step)
	}
	if len(errs) > 0 {
		return Plan{}, errors.Join(errs...)
	}
	if opts.RemoveOrphans {
		for i := range observed {
			if ob := &observed[i]; !opts.Known[ob.Name] {
				plan.Steps = append(plan.Steps, Step{Action: Remove, Name: ob.Name, Reason: "not in run.conf", Existing: ob})
			}
		}
	}
	return plan, nil
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
		return nil, fmt.Errorf("image not built: %s; run `dockerops build:%s` first",
			strings.Join(missing, ", "), buildArg(missing))
	}
	return ids, nil
}

func buildArg(missing []string) string {
	if len(missing) == 1 {
		return missing[0]
	}
	return "all"
}
