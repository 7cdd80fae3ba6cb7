package enginetest

import (
	"context"
	"errors"
	"slices"

	"github.com/dockerops/dockerops/orchestrator"
)

var _ orchestrator.SwarmView = (*Fake)(nil)

var errNotManager = errors.New("this node is not a swarm manager")

// swarmState is what a fake Swarm node reports.
type swarmState struct {
	manager  bool
	services []orchestrator.Service
	gateways map[string]string // container -> docker_gwbridge address
}

// SetSwarmManager makes the engine a Swarm manager (or not).
func (f *Fake) SetSwarmManager(manager bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.swarm.manager = manager
}

// SetServices sets the services ServiceTasks reports (when a manager).
func (f *Fake) SetServices(services ...orchestrator.Service) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.swarm.services = slices.Clone(services)
}

// SetGateway sets a container's docker_gwbridge address.
func (f *Fake) SetGateway(id, addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.swarm.gateways == nil {
		f.swarm.gateways = map[string]string{}
	}
	f.swarm.gateways[id] = addr
}

// SwarmManager is recorded as "swarm".
func (f *Fake) SwarmManager(context.Context) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("swarm"); err != nil {
		return false, err
	}
	return f.swarm.manager, nil
}

// ServiceTasks is recorded as "services project"; it fails like a worker
// engine when the fake is no manager.
func (f *Fake) ServiceTasks(_ context.Context, project string) ([]orchestrator.Service, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("services", project); err != nil {
		return nil, err
	}
	if !f.swarm.manager {
		return nil, errNotManager
	}
	var out []orchestrator.Service
	for _, sv := range f.swarm.services {
		if p := sv.Labels[orchestrator.LabelProject]; p != "" && (project == "" || p == project) {
			out = append(out, sv)
		}
	}
	return out, nil
}

// GatewayAddress is recorded as "gateway id".
func (f *Fake) GatewayAddress(_ context.Context, id string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("gateway", id); err != nil {
		return "", err
	}
	return f.swarm.gateways[id], nil
}
