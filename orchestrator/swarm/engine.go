package swarm

import "context"

// Engine is the node-level part of one host's Docker engine, as the Swarm
// API has it (Info, /swarm, /nodes, /tasks). Calls only a manager may make
// fail on a worker.
type Engine interface {
	// Local is the engine's own view: Info().Swarm.
	Local(ctx context.Context) (Local, error)
	// Cluster is the swarm's identity, labels and join tokens (manager only).
	Cluster(ctx context.Context) (Cluster, error)
	// Init makes a new swarm with this node its manager, listening and
	// advertising on addr (an IP; the port is 2377); labels go on the
	// swarm itself. It fails when the node is already in a swarm.
	Init(ctx context.Context, addr string, labels map[string]string) (nodeID string, err error)
	// Join joins the swarm of the manager at remote (ip:2377) with token,
	// advertising addr; it fails when the node is already in a swarm.
	Join(ctx context.Context, addr, remote, token string) error
	// Leave leaves the swarm; a manager needs force.
	Leave(ctx context.Context, force bool) error
	// Nodes lists the swarm's nodes (manager only).
	Nodes(ctx context.Context) ([]Node, error)
	// UpdateNode replaces a node's spec; version must be the node's current
	// one (Node.Version), else the update is refused (manager only).
	UpdateNode(ctx context.Context, id string, version uint64, spec NodeSpec) error
	// RemoveNode removes a node from the swarm; one that is not down needs
	// force, and a manager must be demoted first (manager only).
	RemoveNode(ctx context.Context, id string, force bool) error
	// NodeTasks counts the tasks on a node that are not shut down yet (manager
	// only).
	NodeTasks(ctx context.Context, nodeID string) (int, error)
}

// Local node states, as in Info().Swarm.LocalNodeState.
const (
	StateInactive = "inactive"
	StatePending  = "pending"
	StateActive   = "active"
	StateError    = "error"
	StateLocked   = "locked"
)

// Node roles and availabilities, as in the node's spec.
const (
	RoleManager = "manager"
	RoleWorker  = "worker"

	AvailabilityActive = "active"
	AvailabilityDrain  = "drain"
)

// Local is what an engine says of its own swarm membership.
type Local struct {
	State     string // one of the State constants
	NodeID    string // "" when inactive
	Manager   bool   // ControlAvailable: the node manages the swarm
	ClusterID string // only known to managers
	Error     string // why the node is in StateError
}

// Cluster is a swarm as a manager describes it. The tokens are secrets:
// callers use them at once and keep them nowhere.
type Cluster struct {
	ID           string
	Labels       map[string]string
	WorkerToken  string
	ManagerToken string
}

// Node is one node of the swarm, as a manager lists it.
type Node struct {
	ID      string
	Version uint64 // the spec's version index, needed to update it
	Spec    NodeSpec
	State   string // "ready", "down", "unknown", "disconnected"
	Addr    string // the address the node reports
	Leader  bool
}

// NodeSpec is the part of a node a manager can change.
type NodeSpec struct {
	Name         string
	Labels       map[string]string
	Role         string // RoleManager or RoleWorker
	Availability string // AvailabilityActive, "pause" or AvailabilityDrain
}
