package orchestrator

import (
	"context"
	"fmt"

	"github.com/dockerops/dockerops/project"
)

// PlanServiceClean plans removing services and, once none of the project is
// left, its overlay network. Persistent data is kept; with purge, it is
// deleted afterwards on the node that holds it (the service's
// dockerops.node label), and only there.
func (o *Orchestrator) PlanServiceClean(ctx context.Context, targets []ObservedService, purge bool) (Plan, error) {
	plan := Plan{Project: o.Project, Host: o.Host}
	removing := map[string]bool{}
	var removes []string
	for i := range targets {
		sv := &targets[i]
		plan.Steps = append(plan.Steps, Step{Action: Remove, Name: sv.Name, Reason: "keeps its data", service: &serviceStep{existing: sv}})
		removing[sv.Name] = true
		removes = append(removes, sv.Name)
	}
	if purge {
		byNode := map[string][]ObservedService{}
		var order []string
		for _, sv := range targets {
			host := sv.Labels[LabelNode]
			if host == "" {
				continue // floating instances hold no data
			}
			if byNode[host] == nil {
				order = append(order, host)
			}
			byNode[host] = append(byNode[host], sv)
		}
		for _, host := range order {
			t, ok := o.Swarm.node(host)
			if !ok {
				return Plan{}, fmt.Errorf("%s holds data on %s, which is not a node of this swarm", byNode[host][0].Name, host)
			}
			var dirs []string
			for _, sv := range byNode[host] {
				in := project.Instance{Container: sv.Labels[LabelContainer], Instance: sv.Labels[LabelInstance]}
				dirs = append(dirs, t.DataDir(in.Container, in.Instance), t.dashDataDir(in))
			}
			image := byNode[host][0].Image
			found, err := t.fs().Existing(ctx, image, dirs)
			if err != nil {
				return Plan{}, fmt.Errorf("looking for persistent data on %s: %w", t.Describe(), err)
			}
			if len(found) > 0 {
				plan.Steps = append(plan.Steps, Step{Action: Purge, Name: "data on " + host, Reason: "on " + t.Describe(),
					Deps: removes, node: &t, image: image, dirs: found})
			}
		}
	}
	all, err := o.Swarm.Manager.Services(ctx, o.Project)
	if err != nil {
		return Plan{}, err
	}
	for _, sv := range all {
		if !removing[sv.Name] {
			return plan, nil
		}
	}
	plan.Steps = append(plan.Steps, Step{Action: Network, Name: o.Project, Reason: networkRemove, Deps: removes,
		service: &serviceStep{network: true}})
	return plan, nil
}

// PurgeByHost are the folders a clean plan deletes, by the host they are on
// ("" = the plan's target).
func (p Plan) PurgeByHost() map[string][]string {
	out := map[string][]string{}
	for _, s := range p.Steps {
		if s.Action != Purge {
			continue
		}
		host := p.Host
		if s.node != nil {
			host = s.node.Host
		}
		out[host] = append(out[host], s.dirs...)
	}
	return out
}

// PlanRollback plans returning services to their previous spec; one that
// has none is left as it is.
func (o *Orchestrator) PlanRollback(targets []ObservedService) Plan {
	plan := Plan{Project: o.Project, Host: o.Host}
	for i := range targets {
		sv := &targets[i]
		step := Step{Action: Rollback, Name: sv.Name, Reason: "to its previous spec", service: &serviceStep{existing: sv}}
		if !sv.HasPrevious {
			step.Action, step.Reason = Leave, "no previous spec to return to"
		}
		plan.Steps = append(plan.Steps, step)
	}
	return plan
}
