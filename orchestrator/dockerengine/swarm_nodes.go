package dockerengine

import (
	"context"
	"net"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/swarm"

	oswarm "github.com/dockerops/dockerops/orchestrator/swarm"
)

var _ oswarm.Engine = (*Engine)(nil)

// Local is the engine's own swarm state, from Info.
func (e *Engine) Local(ctx context.Context) (oswarm.Local, error) {
	info, err := e.cli.Info(ctx)
	if err != nil {
		return oswarm.Local{}, e.check(err, "engine info")
	}
	s := info.Swarm
	l := oswarm.Local{State: string(s.LocalNodeState), NodeID: s.NodeID, Manager: s.ControlAvailable, Error: s.Error}
	if s.Cluster != nil {
		l.ClusterID = s.Cluster.ID
	}
	return l, nil
}

// Cluster inspects the swarm this engine manages. The join tokens come back
// in the response body, which the request log never shows.
func (e *Engine) Cluster(ctx context.Context) (oswarm.Cluster, error) {
	s, err := e.cli.SwarmInspect(ctx)
	if err != nil {
		return oswarm.Cluster{}, e.check(err, "swarm inspect")
	}
	return oswarm.Cluster{ID: s.ID, Labels: s.Spec.Labels, WorkerToken: s.JoinTokens.Worker, ManagerToken: s.JoinTokens.Manager}, nil
}

// Init starts a swarm on addr:2377, with the engine's default address pool.
func (e *Engine) Init(ctx context.Context, addr string, labels map[string]string) (string, error) {
	req := swarm.InitRequest{ListenAddr: net.JoinHostPort(addr, oswarm.Port), AdvertiseAddr: addr}
	req.Spec.Labels = labels
	id, err := e.cli.SwarmInit(ctx, req)
	return id, e.check(err, "swarm init")
}

// Join joins the swarm of the manager at remote with token. The token goes
// in the request body; the request log shows only the path.
func (e *Engine) Join(ctx context.Context, addr, remote, token string) error {
	err := e.cli.SwarmJoin(ctx, swarm.JoinRequest{
		ListenAddr: net.JoinHostPort(addr, oswarm.Port), AdvertiseAddr: addr, RemoteAddrs: []string{remote}, JoinToken: token,
	})
	return e.check(err, "swarm join")
}

// Leave leaves the swarm.
func (e *Engine) Leave(ctx context.Context, force bool) error {
	return e.check(e.cli.SwarmLeave(ctx, force), "swarm leave")
}

// Nodes lists the swarm's nodes.
func (e *Engine) Nodes(ctx context.Context) ([]oswarm.Node, error) {
	list, err := e.cli.NodeList(ctx, swarm.NodeListOptions{})
	if err != nil {
		return nil, e.check(err, "node ls")
	}
	out := make([]oswarm.Node, 0, len(list))
	for _, n := range list {
		node := oswarm.Node{
			ID: n.ID, Version: n.Version.Index, State: string(n.Status.State), Addr: n.Status.Addr,
			Spec: oswarm.NodeSpec{Name: n.Spec.Name, Labels: n.Spec.Labels, Role: string(n.Spec.Role), Availability: string(n.Spec.Availability)},
		}
		if n.ManagerStatus != nil {
			node.Leader = n.ManagerStatus.Leader
		}
		out = append(out, node)
	}
	return out, nil
}

// UpdateNode replaces the node's spec at version.
func (e *Engine) UpdateNode(ctx context.Context, id string, version uint64, spec oswarm.NodeSpec) error {
	s := swarm.NodeSpec{Role: swarm.NodeRole(spec.Role), Availability: swarm.NodeAvailability(spec.Availability)}
	s.Name, s.Labels = spec.Name, spec.Labels
	return e.check(e.cli.NodeUpdate(ctx, id, swarm.Version{Index: version}, s), "node update %s", id)
}

// RemoveNode removes the node from the swarm.
func (e *Engine) RemoveNode(ctx context.Context, id string, force bool) error {
	return e.check(e.cli.NodeRemove(ctx, id, swarm.NodeRemoveOptions{Force: force}), "node rm %s", id)
}

// NodeTasks counts the node's tasks that are meant to run or still do.
func (e *Engine) NodeTasks(ctx context.Context, nodeID string) (int, error) {
	tasks, err := e.cli.TaskList(ctx, swarm.TaskListOptions{Filters: filters.NewArgs(filters.Arg("node", nodeID))})
	if err != nil {
		return 0, e.check(err, "node ps %s", nodeID)
	}
	n := 0
	for _, t := range tasks {
		if t.DesiredState == swarm.TaskStateRunning || t.Status.State == swarm.TaskStateRunning ||
			t.Status.State == swarm.TaskStateStarting || t.Status.State == swarm.TaskStatePreparing {
			n++
		}
	}
	return n, nil
}
