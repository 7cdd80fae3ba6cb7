package dockerengine

import (
	"context"
	"strings"

	"github.com/docker/docker/api/types/network"

	"github.com/dockerops/dockerops/orchestrator"
)

var _ orchestrator.SwarmNode = (*Engine)(nil)

// GatewayAddress is the task container's address on docker_gwbridge, the
// bridge through which its node reaches it.
func (e *Engine) GatewayAddress(ctx context.Context, containerID string) (string, error) {
	nw, err := e.cli.NetworkInspect(ctx, "docker_gwbridge", network.InspectOptions{})
	if err != nil {
		return "", e.check(err, "inspect docker_gwbridge")
	}
	for id, ep := range nw.Containers {
		if id == containerID || strings.HasPrefix(id, containerID) {
			addr, _, _ := strings.Cut(ep.IPv4Address, "/")
			return addr, nil
		}
	}
	return "", nil
}
