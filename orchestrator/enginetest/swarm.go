package enginetest

import (
	"context"

	"github.com/dockerops/dockerops/orchestrator"
)

var _ orchestrator.SwarmNode = (*Fake)(nil)

// SetGateway sets a container's docker_gwbridge address.
func (f *Fake) SetGateway(id, addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gateways == nil {
		f.gateways = map[string]string{}
	}
	f.gateways[id] = addr
}

// GatewayAddress is recorded as "gateway id".
func (f *Fake) GatewayAddress(_ context.Context, id string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("gateway", id); err != nil {
		return "", err
	}
	return f.gateways[id], nil
}
