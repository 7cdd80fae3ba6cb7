package dockerengine

import (
	"context"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
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
func (e *Engine) RemoveNetwork(ctx context.Context, name string) error {
	err := e.cli.NetworkRemove(ctx, name)
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	return e.check(err, "remove network %s", name)
}

func isRemovalInProgress(err error) bool {
	return strings.Contains(err.Error(), "already in progress")
}
