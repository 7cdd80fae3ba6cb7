package orchestrator

import (
	"context"
	"time"
)

// LabelNode is the service label naming the hosts.conf host a pinned
// instance runs on; it is how a pin chosen once stays stable across runs.
const LabelNode = "dockerops.node"

// Services is what a Swarm manager's engine answers for the whole swarm: the
// service planner and executor deploy through it, and ps reads every
// service and task from it. orchestrator/dockerengine implements it with the
// Docker SDK, orchestrator/enginetest with a stateful fake.
type Services interface {
	// ControlAvailable says whether this engine is a Swarm manager.
	ControlAvailable(ctx context.Context) (bool, error)
	// Services lists, in one call, the services labelled
	// dockerops.project=project; project "" = those of every project.
	Services(ctx context.Context, project string) ([]ObservedService, error)
	// CreateService creates a service from its local image name, without
	// asking a registry for a digest.
	CreateService(ctx context.Context, spec ServiceSpec) (id string, err error)
	// UpdateService replaces the spec of a service at version (the index
	// its last inspect or list reported; a stale one is refused).
	UpdateService(ctx context.Context, id string, version uint64, spec ServiceSpec) error
	// RollbackService returns a service to its previous spec; one that has
	// none is refused.
	RollbackService(ctx context.Context, id string, version uint64) error
	RemoveService(ctx context.Context, id string) error
	// Service returns one service's current state.
	Service(ctx context.Context, id string) (ObservedService, error)
	// Tasks lists a service's tasks, newest first.
	Tasks(ctx context.Context, serviceID string) ([]ServiceTask, error)
	// EnsureOverlay creates the attachable overlay network unless it exists.
	EnsureOverlay(ctx context.Context, name string, labels map[string]string, encrypted bool) error
	// RemoveNetwork removes a network; a missing one is not an error.
	RemoveNetwork(ctx context.Context, name string) error
}

// ObservedService is a service as the manager reports it.
type ObservedService struct {
	ID      string
	Name    string
	Version uint64 // the index an update must name
	Labels  map[string]string
	// HasPrevious says a rollback has a spec to return to.
	HasPrevious bool
	// UpdateState is the engine's word for the last update or rollback:
	// "", updating, paused, completed, rollback_started, rollback_paused,
	// rollback_completed.
	UpdateState   string
	UpdateMessage string
	// UpdateStarted is when the last update or rollback began (zero = never).
	UpdateStarted time.Time
	Image         string   // of its container spec, as given (no digest)
	Env           []string // of its container spec, KEY=VALUE
}

// ServiceTask is one task of a service.
type ServiceTask struct {
	ID           string
	Node         string // the node's dockerops.host label, else its ID; "" when not scheduled
	DesiredState string // running, shutdown, ...
	State        string // new, pending, assigned, ..., running, failed, rejected
	// Err is why the task failed or waits, e.g. "No such image: demo/web"
	// (the engine's message when it gives no error and the task is not
	// running).
	Err string
	// Message is the engine's word on the task's state as it is, e.g. "no
	// suitable node (scheduling constraints not satisfied on 2 nodes)".
	Message     string
	ContainerID string
	Created     time.Time
	// Labels are those of the spec the task runs (its container's labels).
	Labels map[string]string
}

// ServiceSpec is everything needed to create or update one service: an
// instance as one replica.
type ServiceSpec struct {
	Name string
	// Labels go on the service; ContainerLabels on its task containers.
	Labels          map[string]string
	ContainerLabels map[string]string
	Image           string
	Hostname        string
	Env             []string // KEY=VALUE
	Network         string   // the project's overlay network
	Aliases         []string // DNS names on Network besides the service name
	Ports           []PortBinding
	Binds           []string // host:container[:ro], host paths on the node
	Constraints     []string // e.g. node.labels.dockerops.host==web1
	// StopFirst stops the old task before the new one starts, for
	// instances that hold a host port or persistent data.
	StopFirst bool
	// Monitor is how long a new task is watched before an update counts as
	// done; a task failing within it rolls the update back.
	Monitor time.Duration
	Cmd     []string // nil = image default
	// Restart is when the swarm starts a new task for one that exited, in
	// the swarm's words: "none", "on-failure" or "any" ("" = any).
	// MaxAttempts bounds on-failure's new tasks; 0 = no limit.
	Restart     string
	MaxAttempts int
}
