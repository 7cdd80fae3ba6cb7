package orchestrator

import (
	"context"
	"errors"
	"fmt"

	"github.com/dockerops/dockerops/project"
)

// removeContainer stops a container within the grace period, then removes it.
// Bind-mounted persistent data is never touched.
func (o *Orchestrator) removeContainer(ctx context.Context, ob Observed) error {
	if ob.State == "running" || ob.State == "restarting" || ob.State == "paused" {
		if err := o.Engine.Stop(ctx, ob.ID, o.stopTimeout()); err != nil {
			return fmt.Errorf("%s: stop: %w", ob.Name, err)
		}
	}
	if err := o.Engine.Remove(ctx, ob.ID); err != nil {
		return fmt.Errorf("%s: remove: %w", ob.Name, err)
	}
	return nil
}

// ErrStaleNetwork is a network the engine refuses to remove for endpoints
// no container holds any more (a Docker engine bug, moby/moby#42119;
// restarting the engine clears it).
var ErrStaleNetwork = errors.New("the engine still counts endpoints on the network, though no container is attached (a Docker engine bug; restarting the engine clears it)")

// PlanClean plans removing containers; with purge, deleting afterwards the
// persistent data of those instances that has any on this target (and only
// on it); and removing the project network once no container of the
// project is left.
func (o *Orchestrator) PlanClean(ctx context.Context, targets []Observed, purge bool) (Plan, error) {
	plan := Plan{Project: o.Project, Host: o.Host}
	removing := map[string]bool{}
	var removes []string
	var kept []Observed
	for _, ob := range targets {
		if ob.IsSwarmTask() {
			plan.Steps = append(plan.Steps, Step{Action: Leave, Name: ob.Name, Reason: "a swarm service's task: clean it with hosts=all"})
		} else {
			kept = append(kept, ob)
		}
	}
	targets = kept
	for i := range targets {
		ob := &targets[i]
		plan.Steps = append(plan.Steps, Step{Action: Remove, Name: ob.Name, Existing: ob})
		removing[ob.Name] = true
		removes = append(removes, ob.Name)
	}
	if purge && len(targets) > 0 {
		var dirs []string
		for _, ob := range targets {
			in := project.Instance{Container: ob.Labels[LabelContainer], Instance: ob.Labels[LabelInstance]}
			dirs = append(dirs, o.DataDir(in.Container, in.Instance), o.dashDataDir(in))
		}
		image := targets[0].ImageID
		found, err := o.fs().Existing(ctx, image, dirs)
		if err != nil {
			return Plan{}, fmt.Errorf("looking for persistent data on %s: %w", o.Describe(), err)
		}
		if len(found) > 0 {
			plan.Steps = append(plan.Steps, Step{Action: Purge, Name: "data", Reason: "on " + o.Describe(),
				Deps: removes, image: image, dirs: found})
		}
	}
	all, err := o.containers(ctx)
	if err != nil {
		return Plan{}, err
	}
	for _, ob := range all {
		if !removing[ob.Name] {
			return plan, nil
		}
	}
	plan.Steps = append(plan.Steps, Step{Action: Network, Name: o.Project, Reason: networkRemove, Deps: removes})
	return plan, nil
}

// PurgeDirs are the folders a clean plan deletes, on its target.
func (p Plan) PurgeDirs() []string {
	for _, s := range p.Steps {
		if s.Action == Purge {
			return s.dirs
		}
	}
	return nil
}

// PlanStop plans stopping the running containers of targets; the others are
// left as they are.
func (o *Orchestrator) PlanStop(targets []Observed) Plan {
	plan := Plan{Project: o.Project, Host: o.Host}
	for i := range targets {
		ob := &targets[i]
		if ob.State == "running" || ob.State == "restarting" || ob.State == "paused" {
			plan.Steps = append(plan.Steps, Step{Action: Stop, Name: ob.Name, Existing: ob, Reason: stopNote(*ob)})
		} else {
			plan.Steps = append(plan.Steps, Step{Action: Leave, Name: ob.Name, Existing: ob, Reason: "already " + ob.State})
		}
	}
	return plan
}

// stopNote warns of the one policy under which a stopped container does not
// stay stopped: the engine starts an "always" container again when the
// engine itself starts (Docker's documented behaviour), stopped or not.
func stopNote(ob Observed) string {
	if project.RestartPolicy(ob.Labels[LabelRestart]).Policy() == project.RestartAlways {
		return "restart=always: the engine starts it again when the engine restarts; restart=unless-stopped keeps it stopped"
	}
	return ""
}

// PlanStart plans starting the stopped containers of targets.
func (o *Orchestrator) PlanStart(targets []Observed) Plan {
	plan := Plan{Project: o.Project, Host: o.Host}
	for i := range targets {
		ob := &targets[i]
		if ob.State == "running" {
			plan.Steps = append(plan.Steps, Step{Action: Leave, Name: ob.Name, Existing: ob, Reason: "already running"})
		} else {
			plan.Steps = append(plan.Steps, Step{Action: Start, Name: ob.Name, Existing: ob, Reason: ob.State})
		}
	}
	return plan
}
