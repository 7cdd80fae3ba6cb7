// Keeping the nodes in line with hosts.conf: roles, dockerops labels, and
// the nodes hosts left behind.

package swarm

import (
	"context"
	"fmt"
	"maps"

	"github.com/dockerops/dockerops/orchestrator"
)

// syncNodes sets each host's node role and dockerops labels from hosts.conf
// and removes the nodes hosts left behind. Promotions go before demotions,
// so the swarm never has fewer managers than it needs on the way.
func syncNodes(ctx context.Context, v *view, o Options) error {
	type update struct {
		h    Host
		node Node
		spec NodeSpec
	}
	var ups, demotions []update
	for _, h := range v.hosts {
		node, ok := v.members[v.local[h.Name].NodeID]
		if !ok {
			return fmt.Errorf("host %s: its node %s is not in the swarm's node list", h.Name, v.local[h.Name].NodeID)
		}
		spec := node.Spec
		spec.Labels = withLabels(node.Spec.Labels, NodeLabels(o.Project, h))
		spec.Role = RoleWorker
		if h.Manager {
			spec.Role = RoleManager
		}
		if spec.Role == node.Spec.Role && maps.Equal(spec.Labels, node.Spec.Labels) {
			continue
		}
		u := update{h, node, spec}
		if spec.Role == RoleWorker && node.Spec.Role == RoleManager {
			demotions = append(demotions, u)
		} else {
			ups = append(ups, u)
		}
	}
	for _, u := range append(ups, demotions...) {
		if err := v.mgr.Engine.UpdateNode(ctx, u.node.ID, u.node.Version, u.spec); err != nil {
			return fmt.Errorf("host %s: update node %s: %w", u.h.Name, u.node.ID, err)
		}
		if u.spec.Role != u.node.Spec.Role {
			o.say(u.h.Name, "now a %s (was a %s)", u.spec.Role, u.node.Spec.Role)
		}
		if d := labelDiff(u.node.Spec.Labels, u.spec.Labels); d != "" {
			o.say(u.h.Name, "labels %s", d)
		}
	}
	return removeLeftBehind(ctx, v, o)
}

// removeLeftBehind removes the nodes that carry the name of a host now on
// another node: a host that left the swarm and joined it again. The old
// node may not be marked down yet; force skips that check, as the host is
// known to be elsewhere.
func removeLeftBehind(ctx context.Context, v *view, o Options) error {
	current := map[string]string{} // host -> its node now
	for _, h := range v.hosts {
		current[h.Name] = v.local[h.Name].NodeID
	}
	for _, n := range v.members {
		host := n.Spec.Labels[orchestrator.LabelHost]
		now, ok := current[host]
		if !ok || now == "" || now == n.ID {
			continue
		}
		if err := removeNode(ctx, v.mgr.Engine, n, true); err != nil {
			return fmt.Errorf("host %s: remove its old node %s: %w", host, n.ID, err)
		}
		o.say(host, "removed its old node %s, left behind when it left the swarm", n.ID)
	}
	return nil
}

// removeNode removes a node, demoting it first when it is a manager.
func removeNode(ctx context.Context, mgr Engine, n Node, force bool) error {
	if n.Spec.Role == RoleManager {
		spec := n.Spec
		spec.Role = RoleWorker
		if err := mgr.UpdateNode(ctx, n.ID, n.Version, spec); err != nil {
			return fmt.Errorf("demote it: %w", err)
		}
	}
	return mgr.RemoveNode(ctx, n.ID, force)
}
