package enginetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

var _ orchestrator.Services = (*Swarm)(nil)

// Swarm is a stateful in-memory Swarm manager over Fake nodes, faithful to
// what the planner relies on: an update must name the current version; a
// task's node must have the image, else the task stays pending with "No
// such image"; an update whose new task fails (Unhealthy) is rolled back,
// as FailureAction rollback does; a rollback needs a previous spec. Tasks
// run at once and their containers appear on their node's Fake with the
// service's container labels. Service IDs are "svc-<name>".
//
// Calls are recorded as for Fake; the verbs are manager, services, service
// (inspect), tasks, overlay, rmnetwork, create, update, rollback, remove, and
// for the node-level calls of a Manager local, cluster, nodes, nodetasks.
type Swarm struct {
	// Unhealthy says a spec's tasks fail their HEALTHCHECK; nil = none do.
	Unhealthy func(orchestrator.ServiceSpec) bool
	// Project is the dockerops.project label of the swarm and its nodes.
	Project string

	mu       sync.Mutex
	hosts    []string
	nodes    map[string]*Fake
	managers map[string]bool
	services map[string]*fakeService
	networks map[string]bool
	calls    []string
	clock    time.Time
	seq      int
}

type fakeService struct {
	id      string
	version uint64
	spec    orchestrator.ServiceSpec
	prev    *orchestrator.ServiceSpec
	state   string
	msg     string
	started time.Time
	tasks   []orchestrator.ServiceTask // newest first
}

// NewSwarm returns a swarm without nodes or services.
func NewSwarm() *Swarm {
	return &Swarm{nodes: map[string]*Fake{}, managers: map[string]bool{}, services: map[string]*fakeService{}, networks: map[string]bool{},
		clock: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// AddNode joins f as the node labelled dockerops.host=host; containers
// created on f may then join the swarm's overlay networks by name.
func (s *Swarm) AddNode(host string, f *Fake) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hosts = append(s.hosts, host)
	s.nodes[host] = f
	f.mu.Lock()
	f.swarm = s
	f.mu.Unlock()
}

// Calls lists the calls made so far.
func (s *Swarm) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Writes lists the calls that change the swarm.
func (s *Swarm) Writes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var w []string
	for _, c := range s.calls {
		verb, _, _ := strings.Cut(c, " ")
		switch verb {
		case "manager", "services", "service", "tasks", "local", "cluster", "nodes", "nodetasks":
		default:
			w = append(w, c)
		}
	}
	return w
}

// ResetCalls forgets the calls recorded so far.
func (s *Swarm) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Spec is the current spec of the named service.
func (s *Swarm) Spec(name string) (orchestrator.ServiceSpec, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv, ok := s.services["svc-"+name]
	if !ok {
		return orchestrator.ServiceSpec{}, false
	}
	return sv.spec, true
}

// HasNetwork reports whether the overlay network exists.
func (s *Swarm) HasNetwork(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.networks[name]
}

func (s *Swarm) record(call ...string) {
	s.calls = append(s.calls, strings.Join(call, " "))
}

func (s *Swarm) tick() time.Time {
	s.clock = s.clock.Add(time.Second)
	return s.clock
}

func (s *Swarm) ControlAvailable(context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("manager")
	return true, nil
}

func (s *Swarm) Services(_ context.Context, project string) ([]orchestrator.ObservedService, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("services", project)
	var out []orchestrator.ObservedService
	for _, id := range slices.Sorted(maps.Keys(s.services)) {
		if p := s.services[id].spec.Labels[orchestrator.LabelProject]; p != "" && (project == "" || p == project) {
			out = append(out, s.services[id].observed())
		}
	}
	return out, nil
}

func (sv *fakeService) observed() orchestrator.ObservedService {
	return orchestrator.ObservedService{ID: sv.id, Name: sv.spec.Name, Version: sv.version,
		Labels: maps.Clone(sv.spec.Labels), HasPrevious: sv.prev != nil, UpdateState: sv.state,
		UpdateMessage: sv.msg, UpdateStarted: sv.started, Image: sv.spec.Image, Env: slices.Clone(sv.spec.Env)}
}

func (s *Swarm) Service(_ context.Context, id string) (orchestrator.ObservedService, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("service", id)
	sv, ok := s.services[id]
	if !ok {
		return orchestrator.ObservedService{}, fmt.Errorf("service %s not found", id)
	}
	return sv.observed(), nil
}

func (s *Swarm) CreateService(_ context.Context, spec orchestrator.ServiceSpec) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("create", spec.Name)
	id := "svc-" + spec.Name
	if _, ok := s.services[id]; ok {
		return "", fmt.Errorf("rpc error: code = AlreadyExists desc = name conflicts with an existing object: service %s already exists", spec.Name)
	}
	if !s.networks[spec.Network] {
		return "", fmt.Errorf("network %s not found", spec.Network)
	}
	sv := &fakeService{id: id, version: 1, spec: spec}
	s.services[id] = sv
	s.schedule(sv)
	return id, nil
}

func (s *Swarm) UpdateService(_ context.Context, id string, version uint64, spec orchestrator.ServiceSpec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("update", strings.TrimPrefix(id, "svc-"))
	sv, err := s.current(id, version)
	if err != nil {
		return err
	}
	old := sv.spec
	sv.prev, sv.spec = &old, spec
	sv.version++
	sv.started = s.tick()
	if s.schedule(sv) {
		sv.state, sv.msg = "completed", "update completed"
		return nil
	}
	// FailureAction rollback: back to the spec that ran, which the failed
	// one becomes the previous of.
	failed := sv.spec
	sv.spec, sv.prev = old, &failed
	sv.version++
	s.schedule(sv)
	sv.state, sv.msg = "rollback_completed", "update rolled back due to failure or early termination of task "+sv.tasks[1].ID
	return nil
}

func (s *Swarm) RollbackService(_ context.Context, id string, version uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("rollback", strings.TrimPrefix(id, "svc-"))
	sv, err := s.current(id, version)
	if err != nil {
		return err
	}
	if sv.prev == nil {
		return fmt.Errorf("rpc error: code = FailedPrecondition desc = service %s does not have a previous spec", id)
	}
	cur := sv.spec
	sv.spec, sv.prev = *sv.prev, &cur
	sv.version++
	sv.started = s.tick()
	s.schedule(sv)
	sv.state, sv.msg = "rollback_completed", "rollback completed"
	return nil
}

// current finds a service and checks the version an update names.
func (s *Swarm) current(id string, version uint64) (*fakeService, error) {
	sv, ok := s.services[id]
	if !ok {
		return nil, fmt.Errorf("service %s not found", id)
	}
	if version != sv.version {
		return nil, fmt.Errorf("rpc error: code = Unknown desc = update out of sequence")
	}
	return sv, nil
}

func (s *Swarm) RemoveService(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("remove", strings.TrimPrefix(id, "svc-"))
	sv, ok := s.services[id]
	if !ok {
		return fmt.Errorf("service %s not found", id)
	}
	s.stopTasks(sv)
	delete(s.services, id)
	return nil
}

func (s *Swarm) Tasks(_ context.Context, id string) ([]orchestrator.ServiceTask, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("tasks", strings.TrimPrefix(id, "svc-"))
	sv, ok := s.services[id]
	if !ok {
		return nil, nil // the tasks of a removed service go with it
	}
	out := slices.Clone(sv.tasks)
	for i := range out {
		out[i].Labels = maps.Clone(out[i].Labels)
	}
	return out, nil
}

func (s *Swarm) EnsureOverlay(_ context.Context, name string, _ map[string]string, _ bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("overlay", name)
	s.networks[name] = true
	return nil
}

func (s *Swarm) RemoveNetwork(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("rmnetwork", name)
	for _, sv := range s.services {
		if sv.spec.Network == name {
			return fmt.Errorf("network %s is in use by service %s", name, sv.spec.Name)
		}
	}
	delete(s.networks, name)
	return nil
}

// schedule replaces a service's task by one of its current spec and says
// whether it runs. The node is the constrained one, else the first that has
// the image.
func (s *Swarm) schedule(sv *fakeService) bool {
	s.stopTasks(sv)
	host := ""
	for _, c := range sv.spec.Constraints {
		if h, ok := strings.CutPrefix(c, "node.labels."+orchestrator.LabelHost+"=="); ok {
			host = h
		}
	}
	if host == "" && len(s.hosts) > 0 {
		host = s.hosts[0]
		for _, h := range s.hosts {
			if s.nodes[h].Image(sv.spec.Image) != "" {
				host = h
				break
			}
		}
	}
	s.seq++
	t := orchestrator.ServiceTask{ID: fmt.Sprintf("task%d", s.seq), Node: host, DesiredState: "running",
		Created: s.tick(), Labels: maps.Clone(sv.spec.ContainerLabels)}
	node := s.nodes[host]
	switch {
	case node == nil:
		t.State, t.Message = "pending", "no suitable node (scheduling constraints not satisfied on 0 nodes)"
		t.Err = t.Message // as the engine reports a task that waits without an error
	case node.Image(sv.spec.Image) == "":
		t.State, t.Err = "pending", "No such image: "+sv.spec.Image+":latest"
	case s.Unhealthy != nil && s.Unhealthy(sv.spec):
		t.State, t.Err, t.DesiredState = "failed", "task: non-zero exit (137): dockerexec: unhealthy container", "shutdown"
	default:
		t.State = "running"
		t.ContainerID = sv.spec.Name + ".1." + t.ID
		labels := maps.Clone(sv.spec.ContainerLabels)
		labels[orchestrator.LabelSwarmService] = sv.spec.Name
		labels[orchestrator.LabelSwarmTask] = t.ID
		labels[orchestrator.LabelSwarmNode] = nodeID(host)
		node.AddContainer(orchestrator.Observed{Name: t.ContainerID, Labels: labels, State: "running",
			ImageID: node.Image(sv.spec.Image)})
	}
	sv.tasks = append([]orchestrator.ServiceTask{t}, sv.tasks...)
	return t.State == "running"
}

// stopTasks shuts down a service's tasks and removes their containers.
func (s *Swarm) stopTasks(sv *fakeService) {
	for i := range sv.tasks {
		t := &sv.tasks[i]
		if t.DesiredState == "running" {
			t.DesiredState = "shutdown"
			if t.State == "running" {
				t.State = "shutdown"
			}
		}
		if node := s.nodes[t.Node]; node != nil && t.ContainerID != "" {
			node.mu.Lock()
			delete(node.containers, t.ContainerID)
			node.mu.Unlock()
		}
	}
}
