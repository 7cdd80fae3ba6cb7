package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Wait returns only when every instance runs, and is healthy where its
	// image has a HEALTHCHECK.
	Wait bool
}

// Apply carries out a plan: instances whose link targets are ready start
// together, at most Parallel engine operations at a time. The first failure
// stops new work; work in flight finishes, and every failure is reported.
func (o *Orchestrator) Apply(ctx context.Context, plan Plan, opts ApplyOptions) error {
	if plan.Changes() > 0 && needsNetwork(plan) {
		if err := o.Engine.EnsureNetwork(ctx, o.Project, map[string]string{LabelProject: o.Project}); err != nil {
			return err
		}
	}
	x := &execution{o: o, plan: plan, opts: opts, ips: map[string]string{},
		done: map[string]chan struct{}{}, failed: map[string]bool{},
		sem: make(chan struct{}, o.parallel()), dependants: map[string]int{}}
	for _, s := range plan.Steps {
		x.done[s.Name] = make(chan struct{})
		for _, d := range s.Deps {
			x.dependants[d]++
		}
	}
	var wg sync.WaitGroup
	for i := range plan.Steps {
		wg.Add(1)
		go func(s *Step) {
			defer wg.Done()
			defer close(x.done[s.Name])
			x.run(ctx, s)
		}(&plan.Steps[i])
	}
	wg.Wait()
	return errors.Join(x.errs...)
}

func needsNetwork(p Plan) bool {
	for _, s := range p.Steps {
		if s.Action == Create || s.Action == Recreate {
			return true
		}
	}
	return false
}

// execution is the state of one Apply.
type execution struct {
	o          *Orchestrator
	plan       Plan
	opts       ApplyOptions
	sem        chan struct{}
	done       map[string]chan struct{}
	dependants map[string]int

	mu      sync.Mutex
	ips     map[string]string
	failed  map[string]bool
	stopped bool
	errs    []error
}

func (x *execution) run(ctx context.Context, s *Step) {
	for _, d := range s.Deps {
		select {
		case <-x.done[d]:
		case <-ctx.Done():
		}
	}
	x.mu.Lock()
	blocked := x.stopped || ctx.Err() != nil
	var failedDep string
	for _, d := range s.Deps {
		if x.failed[d] {
			failedDep = d
		}
	}
	x.mu.Unlock()
	if failedDep != "" || blocked {
		x.fail(s.Name, nil)
		if failedDep != "" {
			x.o.event("%s: not started, its link target %s failed", s.Name, failedDep)
		}
		return
	}
	select {
	case x.sem <- struct{}{}:
	case <-ctx.Done():
		x.fail(s.Name, nil)
		return
	}
	x.mu.Lock()
	blocked = x.stopped
	x.mu.Unlock()
	if blocked {
		<-x.sem
		x.fail(s.Name, nil)
		return
	}
	ip, err := x.apply(ctx, s)
	if err != nil {
		x.fail(s.Name, err) // before releasing the slot, so no new work starts
		<-x.sem
		return
	}
	<-x.sem
	x.mu.Lock()
	x.ips[s.Name] = ip
	x.mu.Unlock()
	if err := x.ready(ctx, s); err != nil {
		x.fail(s.Name, err)
	}
}

func (x *execution) fail(name string, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.failed[name] = true
	if err != nil {
		x.stopped = true
		x.errs = append(x.errs, err)
	}
}

// apply makes one instance match its plan step and returns its IP.
func (x *execution) apply(ctx context.Context, s *Step) (string, error) {
	o := x.o
	if s.Action == Remove {
		return "", o.removeContainer(ctx, *s.Existing)
	}
	if s.Action == Leave {
		return s.Existing.IP, nil
	}
	in := *s.Instance
	spec := o.containerSpec(in, s.imageID, x.linkIPs(s), s.links.targets)
	action := s.Action
	if s.Existing != nil && s.Existing.Labels[LabelSpecHash] == spec.Labels[LabelSpecHash] {
		// A link target was restarted but kept its IP: nothing to recreate.
		action = Start
		if s.Existing.State == "running" {
			o.event("%s: up to date (link addresses unchanged)", s.Name)
			return s.Existing.IP, nil
		}
	} else if s.Existing != nil {
		action = Recreate
	}
	start := time.Now()
	switch action {
	case Start:
		if err := o.Engine.Start(ctx, s.Existing.ID); err != nil {
			return "", fmt.Errorf("%s: start: %w", s.Name, friendlyStartError(err))
		}
		ob, err := o.Engine.Inspect(ctx, s.Existing.ID)
		if err != nil {
			return "", err
		}
		o.event("%s: started (%s)", s.Name, since(start))
		return ob.IP, nil
	case Recreate:
		if err := o.removeContainer(ctx, *s.Existing); err != nil {
			return "", err
		}
	}
	if in.PersistentDir != nil {
		if err := os.MkdirAll(*in.PersistentDir, 0o755); err != nil {
			return "", fmt.Errorf("%s: persistent data dir: %w", s.Name, err)
		}
	}
	id, err := o.Engine.Create(ctx, spec)
	if err != nil {
		return "", fmt.Errorf("%s: create: %w", s.Name, err)
	}
	if err := o.Engine.Start(ctx, id); err != nil {
		// A container that never started is half-made: take it away.
		_ = o.Engine.Remove(context.WithoutCancel(ctx), id)
		return "", fmt.Errorf("%s: start: %w", s.Name, friendlyStartError(err))
	}
	ob, err := o.Engine.Inspect(ctx, id)
	if err != nil {
		return "", err
	}
	verb := map[Action]string{Create: "created", Recreate: "recreated"}[action]
	if s.Reason != "" && action == Recreate {
		verb += " (" + s.Reason + ")"
	}
	o.event("%s: %s (%s)", s.Name, verb, since(start))
	if in.SeedCommand != "" {
		if err := o.seed(ctx, id, s.Name, in.SeedCommand); err != nil {
			return ob.IP, err
		}
	}
	return ob.IP, nil
}

// linkIPs updates the planned link addresses with those of the targets
// started by this run.
func (x *execution) linkIPs(s *Step) map[string]string {
	ips := map[string]string{}
	x.mu.Lock()
	defer x.mu.Unlock()
	for name, ip := range s.links.ips {
		ips[name] = ip
	}
	for name, target := range s.links.targets {
		if ip, ok := x.ips[target]; ok {
			ips[name] = ip
		}
	}
	return ips
}

func friendlyStartError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "port is already allocated") || strings.Contains(msg, "address already in use") {
		return fmt.Errorf("a published port is already in use on the host (%v); stop what holds it or run with publish_ports=False", err)
	}
	return err
}
