package orchestrator

import "context"

// Labels of Swarm mode. Docker puts the first three on every task
// container. dockerops puts LabelHost on each node (naming its hosts.conf
// host) and LabelProject on the swarm it forms and on its nodes; those are
// set by orchestrator/swarm, read by the service planner and by ps.
const (
	LabelSwarmService = "com.docker.swarm.service.name"
	LabelSwarmTask    = "com.docker.swarm.task.id"
	LabelSwarmNode    = "com.docker.swarm.node.id"
	LabelHost         = "dockerops.host"
)

// SwarmNode is what the engine of a Swarm node tells about the task
// containers it runs; an engine that is not one need not implement it. It is
// asked of the node that runs the task, not of the manager.
type SwarmNode interface {
	// GatewayAddress is the address a task container has on its node's
	// docker_gwbridge: the node itself cannot reach overlay addresses.
	GatewayAddress(ctx context.Context, containerID string) (string, error)
}

// IsSwarmTask reports whether an observed container is a Swarm service's
// task, which only the Swarm may replace or remove.
func (ob Observed) IsSwarmTask() bool { return ob.Labels[LabelSwarmService] != "" }

// InstanceName is the name the instance goes by: a swarm task's is its
// service's, since the task's container name changes with every update.
func (ob Observed) InstanceName() string {
	if ob.IsSwarmTask() {
		return ob.Labels[LabelSwarmService]
	}
	return ob.Name
}
