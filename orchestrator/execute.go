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
		done: map[string]chan struct{}{}, started: map[string]*startedSignal{}, failed: map[string]bool{},
		sem: make(chan struct{}, o.parallel(len(plan.Steps))), dependants: map[string]int{}}
	for _, s := range plan.Steps {
		x.done[s.Name] = make(chan struct{})
		x.started[s.Name] = &startedSignal{c: make(chan struct{})}
		for _, d := range s.Deps {
			x.dependants[d]++
		}
	}
	var wg sync.WaitGroup
	for i := range plan.Steps {
		s := &plan.Steps[i]
		wg.Go(func() {
			defer close(x.done[s.Name])
			defer x.started[s.Name].close() // it failed or was skipped, if not started
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
	started    map[string]*startedSignal // closed once the step's container started, or the step ended
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
	ip, detail, err := x.perform(ctx, o, s)
	var notStarted *blockedError
	if errors.As(err, &notStarted) {
		<-x.sem
		x.fail(s.Name, nil)
		o.emit(Event{Instance: s.Name, Action: s.Action, Status: Skipped, Detail: notStarted.why})
		return
	}
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

// perform does the step through o: the network step of a plan whose
// containers get their addresses at create time also hands them out, and a
// create gives its container the one it was handed.
func (x *execution) perform(ctx context.Context, o *Orchestrator, s *Step) (ip, detail string, err error) {
	if s.Action == Network && s.addressed {
		n, err := o.Engine.(NetworkAddresser).EnsureAddressedNetwork(ctx, o.Project, map[string]string{LabelProject: o.Project})
		if err == nil {
			err = x.allocate(n)
		}
		return "", s.Reason, err
	}
	x.mu.Lock()
	own := x.ips[s.Name]
	x.mu.Unlock()
	if s.Action != Create && s.Action != Recreate {
		own = ""
	}
	gate := startGate{
		wait:    func(ctx context.Context) error { return x.waitStarted(ctx, s) },
		started: x.started[s.Name].start,
	}
	return o.perform(ctx, s, x.linkIPs(s), own, gate)
}

// startGate is what a create step does between its container's create and
// its start: wait for the containers it starts after, and say it started.
type startGate struct {
	wait    func(ctx context.Context) error
	started func()
}

// waitStarted waits, with its slot given back meanwhile, until the step's
// startAfter containers have started; one that failed or was skipped
// blocks the step.
func (x *execution) waitStarted(ctx context.Context, s *Step) error {
	if len(s.startAfter) == 0 {
		return nil
	}
	<-x.sem
	for _, t := range s.startAfter {
		select {
		case <-x.started[t].c:
		case <-ctx.Done():
		}
	}
	select {
	case x.sem <- struct{}{}:
	case <-ctx.Done():
		x.sem <- struct{}{} // the caller gives a slot back
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, t := range s.startAfter {
		if x.failed[t] || !x.started[t].ok {
			return &blockedError{why: fmt.Sprintf("not started: %s failed", t)}
		}
	}
	if ctx.Err() != nil {
		return &blockedError{why: "not started: interrupted"}
	}
	return nil
}

// blockedError is a step that made its container but did not start it, as
// a step it starts after failed.
type blockedError struct{ why string }

func (e *blockedError) Error() string { return e.why }

// startedSignal is closed once: ok when the container started.
type startedSignal struct {
	once sync.Once
	c    chan struct{}
	ok   bool
}

// start says the container started.
func (s *startedSignal) start() {
	s.once.Do(func() { s.ok = true; close(s.c) })
}

// close says the step ended; if it did not say start before, without
// starting its container.
func (s *startedSignal) close() {
	s.once.Do(func() { close(s.c) })
}
