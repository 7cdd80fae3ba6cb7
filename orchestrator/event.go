package orchestrator

import (
	"sync"
	"time"
)

// Event is one step of progress: what happened to which instance (or image)
// on which host. The orchestrator emits events as values; a renderer in the
// CLI turns them into live rows, plain lines or JSON.
type Event struct {
	Time     time.Time
	Host     string // hosts.conf host; "" = the local engine
	Instance string // container name, image tag or "" for the whole project
	Action   Action // what is being done: create, start, build, ship, ...
	Status   Status
	Detail   string // a short human reason or result, e.g. "env DB_URL changed"
	Elapsed  time.Duration
	Err      error // set when Status is Failed
}

// Status is where an event's action stands.
type Status string

const (
	Working Status = "working"
	Done    Status = "done"
	Failed  Status = "failed"
	Skipped Status = "skipped" // nothing to do, or not done because of another failure
	Warning Status = "warning"
)

// Actions of events beyond those of a plan step (see plan.go).
const (
	Stop    Action = "stop"
	Build   Action = "build"
	Ship    Action = "ship"
	Seed    Action = "seed"
	Sleep   Action = "sleep"
	Wait    Action = "wait"
	Purge   Action = "purge"
	Prepare Action = "prepare" // persistent dirs and volume content on the target
	Network Action = "network"
)

// Events receives progress events; it must be safe for concurrent use.
type Events interface {
	Event(Event)
}

// Recorder keeps every event it receives, for tests and summaries.
type Recorder struct {
	mu     sync.Mutex
	events []Event
}

// Event records e.
func (r *Recorder) Event(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// Events returns a copy of what was recorded, in order.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}
