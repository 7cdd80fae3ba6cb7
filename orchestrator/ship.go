package orchestrator

import (
	"context"
	"fmt"
	"strings"
)

// shipStep is what a ship step needs: where the images come from.
type shipStep struct {
	from Engine
	refs []string
}

// PlanShip plans copying images from another engine (the local one) to this
// target without a registry: one step sends, in one archive, those whose ID
// differs; the others are left.
func (o *Orchestrator) PlanShip(ctx context.Context, from Engine, refs []string) (Plan, error) {
	plan := Plan{Project: o.Project, Host: o.Host}
	var send []string
	for _, ref := range refs {
		src, err := from.ImageID(ctx, ref)
		if err != nil {
			return Plan{}, err
		}
		if src == "" {
			return Plan{}, fmt.Errorf("image %s is not built locally; run `dockerops build:all` first", ref)
		}
		dst, err := o.Engine.ImageID(ctx, ref)
		if err != nil {
			return Plan{}, err
		}
		if dst == src {
			plan.Steps = append(plan.Steps, Step{Action: Leave, Name: ref, Reason: "already on " + o.Describe()})
		} else {
			send = append(send, ref)
		}
	}
	if len(send) > 0 {
		plan.Steps = append(plan.Steps, Step{Action: Ship, Name: strings.Join(send, " "),
			Reason: "to " + o.Describe(), ship: shipStep{from: from, refs: send}})
	}
	return plan, nil
}

// Ship copies the images that differ (PlanShip, then Apply).
func (o *Orchestrator) Ship(ctx context.Context, from Engine, refs []string) error {
	plan, err := o.PlanShip(ctx, from, refs)
	if err != nil {
		return err
	}
	return o.Apply(ctx, plan)
}

func (o *Orchestrator) ship(ctx context.Context, s shipStep) error {
	archive, err := s.from.SaveImages(ctx, s.refs)
	if err != nil {
		return err
	}
	defer archive.Close()
	return o.Engine.LoadImages(ctx, archive)
}
