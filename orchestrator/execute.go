package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Apply carries out a plan and decides nothing: each step does what the plan
// says, once the steps it depends on are done, at most Parallel engine
// operations at a time. The first failure stops new work; work in flight
// finishes, and every failure is reported. A step whose dependency failed is
// not started. When ctx is cancelled, Apply returns ctx.Err() (with any
// failures) as soon as the work in flight has stopped.
func (o *Orchestrator) Apply(ctx context.Context, plan Plan) error {
	x := &execution{o: o, plan: plan, ips: map[string]string{},
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
		s := &plan.Steps[i]
		wg.Go(func() {
			defer close(x.done[s.Name])
			x.run(ctx, s)
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return errors.Join(append([]error{ctx.Err()}, x.errs...)...)
	}
	return errors.Join(x.errs...)
}

// execution is the state of one Apply.
type execution struct {
	o          *Orchestrator
	plan       Plan
	sem        chan struct{}
	done       map[string]chan struct{}
	dependants map[string]int

	mu      sync.Mutex
	ips     map[string]string // instance -> IP, as its step left it
	failed  map[string]bool
	stopped bool
	errs    []error
}

func (x *execution) run(ctx context.Context, s *Step) {
	o := x.o.on(s)
	for _, d := range s.Deps {
		select {
		case <-x.done[d]:
		case <-ctx.Done():
		}
	}
	if why := x.blocked(ctx, s); why != "" {
		x.fail(s.Name, nil)
		o.emit(Event{Instance: s.Name, Action: s.Action, Status: Skipped, Detail: why})
		return
	}
	select {
	case x.sem <- struct{}{}:
	case <-ctx.Done():
		x.fail(s.Name, nil)
		return
	}
	if why := x.blocked(ctx, s); why != "" {
		<-x.sem
		x.fail(s.Name, nil)
		o.emit(Event{Instance: s.Name, Action: s.Action, Status: Skipped, Detail: why})
		return
	}
	start := time.Now()
	if s.Action != Leave {
		o.emit(Event{Instance: s.Name, Action: s.Action, Status: Working, Detail: s.Reason})
	}
	ip, detail, err := o.perform(ctx, s, x.linkIPs(s))
	if err != nil {
		x.fail(s.Name, err) // before releasing the slot, so no new work starts
		<-x.sem
		o.emit(Event{Instance: s.Name, Action: s.Action, Status: Failed, Elapsed: time.Since(start), Err: err})
		return
	}
	<-x.sem
	x.mu.Lock()
	x.ips[s.Name] = ip
	x.mu.Unlock()
	if s.Action != Leave {
		o.emit(Event{Instance: s.Name, Action: s.Action, Status: Done, Elapsed: time.Since(start), Detail: detail})
	}
	if err := x.ready(ctx, s); err != nil {
		x.fail(s.Name, err)
		o.emit(Event{Instance: s.Name, Action: Wait, Status: Failed, Err: err})
	}
}

// blocked says why a step must not start: a failed dependency, an earlier
// failure, or cancellation ("" = it may start).
func (x *execution) blocked(ctx context.Context, s *Step) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, d := range s.Deps {
		if x.failed[d] {
			return fmt.Sprintf("not started: %s failed", d)
		}
	}
	switch {
	case ctx.Err() != nil:
		return "not started: interrupted"
	case x.stopped:
		return "not started: an earlier step failed"
	}
	return ""
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

// linkIPs are the addresses of a step's link targets as this run left them,
// over those the plan observed.
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
