package orchestrator

import (
	"log/slog"
	"time"
)

// Orchestrator plans and applies changes for one project on one target.
type Orchestrator struct {
	Target
	Project string // project name: label value and network name
	// Events receives progress; nil = discard.
	Events Events
	// Log receives debug logs; nil = discard.
	Log *slog.Logger
	// Parallel bounds the engine operations in flight; 0 = no bound, as
	// Compose: the engine queues what it cannot do at once, and a bound
	// only leaves it idle between a step's requests (stops, most of all).
	Parallel int
	// AuthorizedKeys is given to every container for the dockerops user.
	AuthorizedKeys string
	// StopTimeout is the grace before a stopping container is killed (default 10 s).
	StopTimeout time.Duration
	// WaitTimeout bounds the wait for a HEALTHCHECK to pass (default 120 s),
	// and for a service's task to run or its update to finish.
	WaitTimeout time.Duration
	// Swarm, when set, is where PlanServices deploys; the Target is then
	// the manager's.
	Swarm *Swarm
}

// on is the orchestrator a step acts through: the plan's, or a copy on the
// swarm node the step names, so its engine, files and events are that
// node's.
func (o *Orchestrator) on(s *Step) *Orchestrator {
	if s.node == nil {
		return o
	}
	c := *o
	c.Target = *s.node
	return &c
}

// parallel is how many of n steps may run at once.
func (o *Orchestrator) parallel(n int) int {
	if o.Parallel < 1 || o.Parallel > n {
		return max(n, 1)
	}
	return o.Parallel
}

func (o *Orchestrator) stopTimeout() time.Duration {
	if o.StopTimeout <= 0 {
		return 10 * time.Second
	}
	return o.StopTimeout
}

func (o *Orchestrator) waitTimeout() time.Duration {
	if o.WaitTimeout <= 0 {
		return 120 * time.Second
	}
	return o.WaitTimeout
}

// emit sends one event, stamped with the time and the target's host.
func (o *Orchestrator) emit(e Event) {
	if o.Events == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Host = o.Host
	o.Events.Event(e)
}

func (o *Orchestrator) log() *slog.Logger {
	if o.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Log
}
