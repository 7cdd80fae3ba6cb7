package orchestrator

import "context"

// Labels of Swarm mode: Docker puts the first three on every task
// container; dockerops puts LabelHost on each node, naming its hosts.conf host.
const (
	LabelSwarmService = "com.docker.swarm.service.name"
	LabelSwarmTask    = "com.docker.swarm.task.id"
	LabelSwarmNode    = "com.docker.swarm.node.id"
	LabelHost         = "dockerops.host"
)

// SwarmView is what an engine that is a Swarm node tells about the swarm, for
// the inspection tasks; an engine that is not one need not implement it.
type SwarmView interface {
	// SwarmManager reports whether the engine manages a swarm, so answers
	// for all its nodes (Info's Swarm.ControlAvailable).
	SwarmManager(ctx context.Context) (bool, error)
	// ServiceTasks lists the services of project (label dockerops.project
	// on the service or on its containers; "" = of every project), each
	// with its tasks, as the manager sees them.
	ServiceTasks(ctx context.Context, project string) ([]Service, error)
	// GatewayAddress is the address a task container has on its node's
	// docker_gwbridge: the node itself cannot reach overlay addresses.
	GatewayAddress(ctx context.Context, containerID string) (string, error)
}

// Service is one Swarm service, that is one named instance in Swarm mode.
type Service struct {
	Name   string
	Labels map[string]string // its containers' labels: dockerops.container, ...
	Tasks  []SwarmTask       // newest first
}

// SwarmTask is one task of a service, as the manager reports it.
type SwarmTask struct {
	ID           string
	Host         string // the node's dockerops.host label, "" when not scheduled
	NodeID       string
	State        string // Docker's word: new, pending, running, failed, rejected, ...
	DesiredState string
	Message      string // e.g. "no suitable node (scheduling constraints not satisfied on 2 nodes)"
	Err          string // e.g. "No such image: demo/web"
	ContainerID  string
}

// IsSwarmTask reports whether an observed container is a Swarm task's.
func (ob Observed) IsSwarmTask() bool { return ob.Labels[LabelSwarmTask] != "" }
