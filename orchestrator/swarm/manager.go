package swarm

import (
	"context"
	"errors"
	"fmt"

	"github.com/dockerops/dockerops/orchestrator"
)

// ErrNoManager is returned (wrapped) by Manager when no host manages the
// project's swarm.
var ErrNoManager = errors.New("no manager of the project's swarm")

// Manager returns a host whose engine manages project's swarm, trying the
// hosts hosts.conf makes managers first, then the others, in order. Hosts
// whose engine does not answer are skipped.
func Manager(ctx context.Context, project string, hosts []Host) (Host, error) {
	var errs []error
	for _, h := range byRole(hosts) {
		l, err := h.Engine.Local(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("host %s: %w", h.Name, err))
			continue
		}
		if l.State != StateActive || !l.Manager {
			continue
		}
		c, err := h.Engine.Cluster(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("host %s: %w", h.Name, err))
			continue
		}
		if c.Labels[orchestrator.LabelProject] == project {
			return h, nil
		}
	}
	err := fmt.Errorf("project %s: %w among its hosts (provision makes one)", project, ErrNoManager)
	if len(errs) > 0 {
		err = fmt.Errorf("%w: %w", err, errors.Join(errs...))
	}
	return Host{}, err
}

// NodeHosts maps the node IDs of the swarm mgr manages to host names, by
// their dockerops.host label; nodes without it are left out.
func NodeHosts(ctx context.Context, mgr Engine) (map[string]string, error) {
	nodes, err := mgr.Nodes(ctx)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, n := range nodes {
		if h := n.Spec.Labels[orchestrator.LabelHost]; h != "" {
			m[n.ID] = h
		}
	}
	return m, nil
}
