package dockerengine

import (
	"context"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"

	"github.com/dockerops/dockerops/orchestrator"
)

// EnsureNetwork creates a bridge network with labels unless a network of
// that name exists (its labels are then left as they are).
func (e *Engine) EnsureNetwork(ctx context.Context, name string, labels map[string]string) error {
	exists, err := e.networkExists(ctx, name)
	if err != nil || exists {
		return err
	}
	_, err = e.cli.NetworkCreate(ctx, name, network.CreateOptions{Driver: "bridge", Labels: labels})
	if cerrdefs.IsConflict(err) {
		// Made meanwhile by a concurrent run: that is what we wanted.
		return nil
	}
	return e.check(err, "create network %s", name)
}

// networkExists asks for networks by name, which the engine matches as a
// substring, so the answer is checked for the exact name.
func (e *Engine) networkExists(ctx context.Context, name string) (bool, error) {
	list, err := e.cli.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("name", name))})
	if err != nil {
		return false, e.check(err, "list networks")
	}
	for _, n := range list {
		if n.Name == name {
			return true, nil
		}
	}
	return false, nil
}

// RemoveNetwork removes a network; a missing one is not an error.
//
// Right after its last containers are removed the engine may still hold
// their endpoints for a moment ("has active endpoints"): removal is retried
// until they are released, for up to endpointRelease.
func (e *Engine) RemoveNetwork(ctx context.Context, name string) error {
	deadline := time.Now().Add(endpointRelease)
	for {
		err := e.cli.NetworkRemove(ctx, name)
		if cerrdefs.IsNotFound(err) {
			return nil
		}
		if err == nil || !strings.Contains(err.Error(), "active endpoints") {
			return e.check(err, "remove network %s", name)
		}
		if time.Now().After(deadline) {
			if n, ierr := e.cli.NetworkInspect(ctx, name, network.InspectOptions{}); ierr == nil && len(n.Containers) == 0 {
				return fmt.Errorf("network %s kept: %w", name, orchestrator.ErrStaleNetwork)
			}
			return e.check(err, "remove network %s", name)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// endpointRelease bounds the wait for a network's endpoints to be released
// after its containers are gone; a container still attached keeps them.
const endpointRelease = 5 * time.Second

func isRemovalInProgress(err error) bool {
	return strings.Contains(err.Error(), "already in progress")
}
