package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// perform does one step and returns the instance's IP where it has one, and
// what it did where that says more than the step's reason. It only carries
// out the step's action; every choice was made by the plan.
func (o *Orchestrator) perform(ctx context.Context, s *Step, linkIPs map[string]string, ownIP string, gate startGate) (ip, detail string, err error) {
	if s.service != nil && s.Action != Leave {
		return "", s.Reason, o.performService(ctx, s)
	}
	switch s.Action {
	case Sync:
		n, err := o.fs().Sync(ctx, s.image, s.src, s.dst)
		if err != nil {
			return "", "", fmt.Errorf("volume %s: copy to %s: %w", s.Name, o.Describe(), err)
		}
		return "", fmt.Sprintf("%s: %d file(s) sent or deleted", s.Reason, n), nil
	case Create, Recreate:
		ip, err := o.create(ctx, s, linkIPs, ownIP, gate)
		return ip, s.Reason, err
	case Ship:
		detail, err := o.ship(ctx, s.Name, s.ship)
		return "", detail, err
	}
	ip, err = o.do(ctx, s)
	return ip, s.Reason, err
}

func (o *Orchestrator) do(ctx context.Context, s *Step) (string, error) {
	switch s.Action {
	case Leave:
		if s.Existing != nil {
			return s.Existing.IP, nil
		}
		return "", nil
	case Start:
		return o.start(ctx, s, s.Existing.ID)
	case Stop:
		if err := o.Engine.Stop(ctx, s.Existing.ID, o.stopTimeout()); err != nil {
			return "", fmt.Errorf("%s: stop: %w", s.Name, err)
		}
		return "", nil
	case Remove:
		return "", o.removeContainer(ctx, *s.Existing)
	case Network:
		return "", o.network(ctx, s)
	case Build:
		return "", o.buildOne(ctx, s.build)
	case Prepare:
		if err := o.fs().MkdirAll(ctx, s.image, s.dirs); err != nil {
			return "", fmt.Errorf("%s on %s: %w", s.Name, o.Describe(), err)
		}
		return "", nil
	case Purge:
		if err := o.fs().RemoveAll(ctx, s.image, s.dirs); err != nil {
			return "", fmt.Errorf("purge on %s: %w", o.Describe(), err)
		}
		return "", nil
	}
	return "", fmt.Errorf("%s: no way to %s", s.Name, s.Action)
}

func (o *Orchestrator) start(ctx context.Context, s *Step, id string) (string, error) {
	if err := o.Engine.Start(ctx, id); err != nil {
		return "", fmt.Errorf("%s: start: %w", s.Name, friendlyStartError(err))
	}
	return o.address(ctx, s, id)
}

// address is the IP a started container got, asked of the engine only
// when an instance of the run links to it.
func (o *Orchestrator) address(ctx context.Context, s *Step, id string) (string, error) {
	if !s.linked {
		return "", nil
	}
	ob, err := o.Engine.Inspect(ctx, id)
	if err != nil {
		return "", err
	}
	return ob.IP, nil
}

// create makes an instance's container (removing the old one first on a
// recreate), with its persistent dir ready on the target, and starts it.
func (o *Orchestrator) create(ctx context.Context, s *Step, linkIPs map[string]string, ip string, gate startGate) (string, error) {
	in := *s.Instance
	if s.Action == Recreate {
		if err := o.removeContainer(ctx, *s.Existing); err != nil {
			return "", err
		}
	}
	if in.PersistentDir != nil {
		if s.Existing == nil {
			// A first container: its data may be in a DockerOps v0.6+ folder.
			picked, err := o.withDataDirs(ctx, []project.Instance{in})
			if err != nil {
				return "", fmt.Errorf("%s: %w", s.Name, err)
			}
			in = picked[0]
		}
		if err := o.fs().MkdirAll(ctx, in.Image, []string{o.PersistentDir(in)}); err != nil {
			return "", fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	spec := o.containerSpec(in, s.imageID, linkIPs, s.links.targets)
	spec.IP = ip
	id, err := o.Engine.Create(ctx, spec)
	if err != nil {
		return "", fmt.Errorf("%s: create: %w", s.Name, err)
	}
	if err := gate.wait(ctx); err != nil {
		_ = o.Engine.Remove(context.WithoutCancel(ctx), id)
		return "", err
	}
	if err := o.Engine.Start(ctx, id); err != nil {
		// A container that never started is half-made: take it away.
		_ = o.Engine.Remove(context.WithoutCancel(ctx), id)
		return "", fmt.Errorf("%s: start: %w", s.Name, friendlyStartError(err))
	}
	gate.started()
	if ip == "" {
		if ip, err = o.address(ctx, s, id); err != nil {
			return "", err
		}
	}
	if in.FirstStart != "" {
		if err := o.seed(ctx, id, s.Name, in.FirstStart); err != nil {
			return ip, err
		}
	}
	return ip, nil
}

// network creates the project network, or removes it once the plan has
// removed every container of the project.
func (o *Orchestrator) network(ctx context.Context, s *Step) error {
	if s.Reason != networkRemove {
		return o.Engine.EnsureNetwork(ctx, o.Project, map[string]string{LabelProject: o.Project})
	}
	err := o.Engine.RemoveNetwork(ctx, o.Project)
	if errors.Is(err, ErrStaleNetwork) {
		// The containers are gone, which is what was asked; the network is
		// reused by the next run.
		o.emit(Event{Action: Network, Status: Warning, Detail: err.Error()})
		return nil
	}
	return err
}

func friendlyStartError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "port is already allocated") || strings.Contains(msg, "address already in use") {
		return fmt.Errorf("a published port is already in use on the host (%v); stop what holds it or run with publish_ports=False", err)
	}
	return err
}
