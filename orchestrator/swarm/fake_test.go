package swarm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"sync"
)

// fakeNet is a set of engines on one private network and the swarms they
// form. It behaves as the Swarm API does where the code could go wrong:
// joining or initialising a node already in a swarm fails, manager calls
// fail on a worker, an update needs the current version, a node that is up
// is removed only with force and a manager only once demoted, a manager
// leaves only with force, and the last manager cannot be demoted.
type fakeNet struct {
	mu       sync.Mutex
	engines  map[string]*fakeEngine // by address
	clusters map[string]*fakeCluster
	blocked  map[string]bool // addresses whose port 2377 drops everything
	seq      int
	writes   []string // every call that changed something
	// drainPolls is how many looks at a drained node's tasks still see them.
	drainPolls int
	// finishAfter, when set, is how many looks (Local) at a pending node go
	// by before its join, retried in the background as Docker does, goes
	// through once the manager is reachable; 0 = it stays pending.
	finishAfter int
}

type fakeCluster struct {
	id                string
	labels            map[string]string
	workerTok, mgrTok string
	nodes             map[string]*fakeNode
}

type fakeNode struct {
	node   Node
	engine *fakeEngine
	tasks  int
}

type fakeEngine struct {
	net     *fakeNet
	addr    string
	state   string
	nodeID  string
	cluster string
	down    bool   // the engine does not answer
	errMsg  string // why the state is StateError
	// pending is the join a pending node goes on trying; looks counts the
	// looks at it since.
	pending      struct{ remote, token string }
	pendingLooks int
}

func newFakeNet() *fakeNet {
	return &fakeNet{engines: map[string]*fakeEngine{}, clusters: map[string]*fakeCluster{}, blocked: map[string]bool{}}
}

func (n *fakeNet) engine(addr string) *fakeEngine {
	e := &fakeEngine{net: n, addr: addr, state: StateInactive}
	n.engines[addr] = e
	return e
}

func (n *fakeNet) id(prefix string) string {
	n.seq++
	return fmt.Sprintf("%s%03d", prefix, n.seq)
}

func (n *fakeNet) wrote(format string, args ...any) {
	n.writes = append(n.writes, fmt.Sprintf(format, args...))
}

var errDown = errors.New("cannot reach the Docker engine")

// lock takes the network's lock and checks the engine answers.
func (e *fakeEngine) lock() error {
	e.net.mu.Lock()
	if e.down {
		e.net.mu.Unlock()
		return errDown
	}
	return nil
}

func (e *fakeEngine) self() *fakeNode {
	c := e.net.clusters[e.cluster]
	if e.state != StateActive || c == nil {
		return nil
	}
	return c.nodes[e.nodeID]
}

// manager returns the engine's cluster when it manages one.
func (e *fakeEngine) manager() (*fakeCluster, error) {
	if e.state != StateActive {
		return nil, errors.New("This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.")
	}
	if n := e.self(); n == nil || n.node.Spec.Role != RoleManager {
		return nil, errors.New("This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.")
	}
	return e.net.clusters[e.cluster], nil
}

func (e *fakeEngine) Local(ctx context.Context) (Local, error) {
	if err := e.lock(); err != nil {
		return Local{}, err
	}
	defer e.net.mu.Unlock()
	if e.state == StatePending && e.net.finishAfter > 0 {
		if e.pendingLooks++; e.pendingLooks >= e.net.finishAfter {
			e.finishJoin()
		}
	}
	l := Local{State: e.state, NodeID: e.nodeID, Error: e.errMsg}
	if n := e.self(); n != nil && n.node.Spec.Role == RoleManager {
		l.Manager, l.ClusterID = true, e.cluster
	}
	return l, nil
}

func (e *fakeEngine) Cluster(ctx context.Context) (Cluster, error) {
	if err := e.lock(); err != nil {
		return Cluster{}, err
	}
	defer e.net.mu.Unlock()
	c, err := e.manager()
	if err != nil {
		return Cluster{}, err
	}
	return Cluster{ID: c.id, Labels: maps.Clone(c.labels), WorkerToken: c.workerTok, ManagerToken: c.mgrTok}, nil
}

func (e *fakeEngine) Init(ctx context.Context, addr string, labels map[string]string) (string, error) {
	if err := e.lock(); err != nil {
		return "", err
	}
	defer e.net.mu.Unlock()
	if e.state != StateInactive {
		return "", errors.New("This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.")
	}
	c := &fakeCluster{id: e.net.id("cluster"), labels: maps.Clone(labels), nodes: map[string]*fakeNode{},
		workerTok: "SWMTKN-1-worker-" + e.net.id("secret"), mgrTok: "SWMTKN-1-manager-" + e.net.id("secret")}
	e.net.clusters[c.id] = c
	e.add(c, RoleManager)
	c.nodes[e.nodeID].node.Leader = true
	e.net.wrote("init %s", addr)
	return e.nodeID, nil
}

func (e *fakeEngine) add(c *fakeCluster, role string) {
	e.nodeID, e.cluster, e.state = e.net.id("node"), c.id, StateActive
	c.nodes[e.nodeID] = &fakeNode{engine: e, node: Node{ID: e.nodeID, Version: 1, State: "ready", Addr: e.addr,
		Spec: NodeSpec{Role: role, Availability: AvailabilityActive, Labels: map[string]string{}}}}
}

func (e *fakeEngine) Join(ctx context.Context, addr, remote, token string) error {
	if err := e.lock(); err != nil {
		return err
	}
	defer e.net.mu.Unlock()
	if e.state != StateInactive {
		return errors.New("This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.")
	}
	host, port, err := net.SplitHostPort(remote)
	if err != nil || port != Port {
		return fmt.Errorf("invalid remote address %q", remote)
	}
	m := e.net.engines[host]
	if m == nil || m.down || e.net.blocked[host] {
		e.state, e.pendingLooks = StatePending, 0
		e.pending.remote, e.pending.token = host, token
		return errors.New("Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the \"docker info\" command to see the current swarm status of your node.")
	}
	c, err := m.manager()
	if err != nil {
		return errors.New("rpc error: code = Unavailable desc = the node at " + remote + " is not a manager")
	}
	role := RoleWorker
	switch token {
	case c.workerTok:
	case c.mgrTok:
		role = RoleManager
	default:
		return errors.New("rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster")
	}
	e.add(c, role)
	e.net.wrote("join %s %s", addr, role)
	return nil
}

// finishJoin completes a pending node's join when its manager answers now.
// Called with e.net.mu held.
func (e *fakeEngine) finishJoin() {
	m := e.net.engines[e.pending.remote]
	if m == nil || m.down || e.net.blocked[e.pending.remote] {
		return
	}
	c, err := m.manager()
	if err != nil {
		return
	}
	role := RoleWorker
	if e.pending.token == c.mgrTok {
		role = RoleManager
	}
	e.add(c, role)
	e.net.wrote("background join %s %s", e.addr, role)
}

func (e *fakeEngine) Leave(ctx context.Context, force bool) error {
	if err := e.lock(); err != nil {
		return err
	}
	defer e.net.mu.Unlock()
	if e.state == StateInactive {
		return errors.New("This node is not part of a swarm")
	}
	if n := e.self(); n != nil {
		if n.node.Spec.Role == RoleManager && !force {
			return errors.New("You are attempting to leave the swarm on a node that is participating as a manager. Use `--force` to ignore this message.")
		}
		n.node.State, n.engine = "down", nil
	}
	e.state, e.nodeID, e.cluster, e.errMsg = StateInactive, "", "", ""
	e.net.wrote("leave %s", e.addr)
	return nil
}

func (e *fakeEngine) Nodes(ctx context.Context) ([]Node, error) {
	if err := e.lock(); err != nil {
		return nil, err
	}
	defer e.net.mu.Unlock()
	c, err := e.manager()
	if err != nil {
		return nil, err
	}
	var out []Node
	for _, n := range c.nodes {
		nd := n.node
		nd.Spec.Labels = maps.Clone(nd.Spec.Labels)
		out = append(out, nd)
	}
	return out, nil
}

func (e *fakeEngine) UpdateNode(ctx context.Context, id string, version uint64, spec NodeSpec) error {
	if err := e.lock(); err != nil {
		return err
	}
	defer e.net.mu.Unlock()
	c, err := e.manager()
	if err != nil {
		return err
	}
	n := c.nodes[id]
	switch {
	case n == nil:
		return fmt.Errorf("node %s not found", id)
	case version != n.node.Version:
		return errors.New("rpc error: code = Unknown desc = update out of sequence")
	case spec.Role == RoleWorker && n.node.Spec.Role == RoleManager && c.managers() == 1:
		return errors.New("rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm")
	}
	if spec.Availability == AvailabilityDrain && n.node.Spec.Availability != AvailabilityDrain {
		n.tasks = -n.tasks // negative: going, seen for drainPolls more looks
	}
	n.node.Spec = spec
	n.node.Spec.Labels = maps.Clone(spec.Labels)
	n.node.Version++
	e.net.wrote("update %s %s %s %v", id, spec.Role, spec.Availability, spec.Labels)
	return nil
}

func (c *fakeCluster) managers() int {
	m := 0
	for _, n := range c.nodes {
		if n.node.Spec.Role == RoleManager {
			m++
		}
	}
	return m
}

func (e *fakeEngine) RemoveNode(ctx context.Context, id string, force bool) error {
	if err := e.lock(); err != nil {
		return err
	}
	defer e.net.mu.Unlock()
	c, err := e.manager()
	if err != nil {
		return err
	}
	n := c.nodes[id]
	switch {
	case n == nil:
		return fmt.Errorf("node %s not found", id)
	case n.node.Spec.Role == RoleManager:
		return fmt.Errorf("rpc error: code = FailedPrecondition desc = node %s is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal", id)
	case n.node.State != "down" && !force:
		return fmt.Errorf("rpc error: code = FailedPrecondition desc = node %s is not down and can't be removed", id)
	}
	delete(c.nodes, id)
	if n.engine != nil { // removed while up: its engine is cut off
		n.engine.state, n.engine.errMsg = StateError, "node removed from the swarm"
	}
	e.net.wrote("remove %s", id)
	return nil
}

func (e *fakeEngine) NodeTasks(ctx context.Context, nodeID string) (int, error) {
	if err := e.lock(); err != nil {
		return 0, err
	}
	defer e.net.mu.Unlock()
	c, err := e.manager()
	if err != nil {
		return 0, err
	}
	n := c.nodes[nodeID]
	if n == nil {
		return 0, nil
	}
	if n.tasks < 0 {
		left := -n.tasks
		if e.net.drainPolls <= 0 {
			n.tasks = 0
		} else {
			e.net.drainPolls--
		}
		return left, nil
	}
	return n.tasks, nil
}
