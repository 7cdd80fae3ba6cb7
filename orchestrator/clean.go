package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
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

// Clean stops and removes containers in parallel, then removes the project
// network once no container of the project is left.
func (o *Orchestrator) Clean(ctx context.Context, targets []Observed) error {
	err := o.each(ctx, targets, func(ctx context.Context, ob Observed) error {
		start := time.Now()
		if err := o.removeContainer(ctx, ob); err != nil {
			return err
		}
		o.event("%s: removed (%s)", ob.Name, since(start))
		return nil
	})
	if err != nil {
		return err
	}
	left, err := o.Engine.Containers(ctx, o.Project)
	if err != nil {
		return err
	}
	if len(left) > 0 {
		return nil
	}
	err = o.Engine.RemoveNetwork(ctx, o.Project)
	if errors.Is(err, ErrStaleNetwork) {
		// The containers are gone, which is what was asked; the network is
		// reused by the next run.
		o.event("warning: %v", err)
		return nil
	}
	return err
}

// ErrStaleNetwork is a network the engine refuses to remove for endpoints
// no container holds any more (a Docker engine bug, moby/moby#42119;
// restarting the engine clears it).
var ErrStaleNetwork = errors.New("the engine still counts endpoints on the network, though no container is attached (a Docker engine bug; restarting the engine clears it)")

// StopAll stops running containers in parallel; they keep their state.
func (o *Orchestrator) StopAll(ctx context.Context, targets []Observed) error {
	return o.each(ctx, targets, func(ctx context.Context, ob Observed) error {
		if ob.State != "running" {
			o.event("%s: already %s", ob.Name, ob.State)
			return nil
		}
		start := time.Now()
		if err := o.Engine.Stop(ctx, ob.ID, o.stopTimeout()); err != nil {
			return fmt.Errorf("%s: stop: %w", ob.Name, err)
		}
		o.event("%s: stopped (%s)", ob.Name, since(start))
		return nil
	})
}

// StartAll starts stopped containers in parallel.
func (o *Orchestrator) StartAll(ctx context.Context, targets []Observed) error {
	return o.each(ctx, targets, func(ctx context.Context, ob Observed) error {
		if ob.State == "running" {
			o.event("%s: already running", ob.Name)
			return nil
		}
		if err := o.Engine.Start(ctx, ob.ID); err != nil {
			return fmt.Errorf("%s: start: %w", ob.Name, friendlyStartError(err))
		}
		o.event("%s: started", ob.Name)
		return nil
	})
}

// each runs fn over targets, Parallel at a time; the first failure stops new
// work and every failure is returned.
func (o *Orchestrator) each(ctx context.Context, targets []Observed, fn func(context.Context, Observed) error) error {
	sem := make(chan struct{}, o.parallel())
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, ob := range targets {
		mu.Lock()
		stop := len(errs) > 0
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, ob); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) == 0 && ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.Join(errs...)
}
