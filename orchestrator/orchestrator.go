package orchestrator

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Orchestrator applies plans for one project on one engine.
type Orchestrator struct {
	Engine   Engine
	Project  string    // project name: label value and network name
	Progress io.Writer // one line per event; nil = discard
	// Parallel bounds the engine operations in flight (default 8).
	Parallel int
	// AuthorizedKeys is given to every container for the dockerops user.
	AuthorizedKeys string
	// StopTimeout is the grace before a stopping container is killed (default 10 s).
	StopTimeout time.Duration
	// WaitTimeout bounds the wait for a HEALTHCHECK to pass (default 120 s).
	WaitTimeout time.Duration

	mu sync.Mutex // serialises Progress writes
}

func (o *Orchestrator) parallel() int {
	if o.Parallel < 1 {
		return 8
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

// event prints one progress line.
func (o *Orchestrator) event(format string, a ...any) {
	if o.Progress == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintf(o.Progress, format+"\n", a...)
}

func since(t time.Time) string {
	return fmt.Sprintf("%.1fs", time.Since(t).Seconds())
}
