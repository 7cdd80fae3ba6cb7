package enginetest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/swarm"
)

var (
	_ orchestrator.Engine   = Manager{}
	_ orchestrator.Services = Manager{}
	_ swarm.Engine          = Manager{}
)

// errFormation is what the formation calls return: forming and changing a
// swarm is faked in orchestrator/swarm's own tests, not here.
var errFormation = errors.New("enginetest.Swarm does not fake forming a swarm")

// Manager is the engine of a manager node of a Swarm, as a host's engine
// is both: the node's own containers are its Fake's, the services, tasks
// and nodes the Swarm's. Calls are recorded on the one that answers.
type Manager struct {
	*Fake
	*Swarm
	host string
}

// Manager makes host's node (added with AddNode) a manager and returns its
// engine.
func (s *Swarm) Manager(host string) Manager {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.managers[host] = true
	return Manager{Fake: s.nodes[host], Swarm: s, host: host}
}

// AddService adds a service as it stands, with its tasks (newest first) as
// given, for states the fake's scheduler does not reach (a task pending on
// no node, a task whose container the test places itself). It is not
// recorded.
func (s *Swarm) AddService(spec orchestrator.ServiceSpec, tasks ...orchestrator.ServiceTask) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.services["svc-"+spec.Name] = &fakeService{id: "svc-" + spec.Name, version: 1, spec: spec, tasks: tasks}
}

func nodeID(host string) string { return "node-" + host }

// RemoveNetwork removes an overlay network from the swarm, any other from
// the node, as one engine call does either.
func (m Manager) RemoveNetwork(ctx context.Context, name string) error {
	if m.Swarm.HasNetwork(name) {
		return m.Swarm.RemoveNetwork(ctx, name)
	}
	return m.Fake.RemoveNetwork(ctx, name)
}

// Local reports an active manager node.
func (m Manager) Local(context.Context) (swarm.Local, error) {
	m.Swarm.mu.Lock()
	defer m.Swarm.mu.Unlock()
	m.Swarm.record("local")
	return swarm.Local{State: swarm.StateActive, NodeID: nodeID(m.host), Manager: true, ClusterID: "swarm"}, nil
}

// Cluster is the swarm labelled with its Project.
func (s *Swarm) Cluster(context.Context) (swarm.Cluster, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("cluster")
	return swarm.Cluster{ID: "swarm", Labels: map[string]string{orchestrator.LabelProject: s.Project}}, nil
}

// Nodes are the nodes AddNode added, labelled as orchestrator/swarm labels
// them (a host running every group).
func (s *Swarm) Nodes(context.Context) ([]swarm.Node, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("nodes")
	out := make([]swarm.Node, 0, len(s.hosts))
	for _, h := range s.hosts {
		role := swarm.RoleWorker
		if s.managers[h] {
			role = swarm.RoleManager
		}
		out = append(out, swarm.Node{ID: nodeID(h), Version: 1, State: "ready", Spec: swarm.NodeSpec{
			Name: h, Labels: swarm.NodeLabels(s.Project, swarm.Host{Name: h}), Role: role, Availability: swarm.AvailabilityActive}})
	}
	return out, nil
}

// NodeTasks counts the tasks on the node that are meant to run or still do.
func (s *Swarm) NodeTasks(_ context.Context, id string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("nodetasks", id)
	n := 0
	for _, sv := range s.services {
		for _, t := range sv.tasks {
			if nodeID(t.Node) == id && (t.DesiredState == "running" || t.State == "running") {
				n++
			}
		}
	}
	return n, nil
}

func (s *Swarm) Init(_ context.Context, addr string, _ map[string]string) (string, error) {
	return "", s.formation("init", addr)
}

func (s *Swarm) Join(_ context.Context, addr, remote, _ string) error {
	return s.formation("join", addr, remote)
}

func (s *Swarm) Leave(_ context.Context, force bool) error {
	return s.formation("leave", fmt.Sprint(force))
}

func (s *Swarm) UpdateNode(_ context.Context, id string, _ uint64, _ swarm.NodeSpec) error {
	return s.formation("updatenode", id)
}

func (s *Swarm) RemoveNode(_ context.Context, id string, _ bool) error {
	return s.formation("rmnode", id)
}

// formation records a formation call and refuses it.
func (s *Swarm) formation(call ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record(call...)
	return fmt.Errorf("%s: %w", strings.Join(call, " "), errFormation)
}
