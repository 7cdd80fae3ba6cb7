package swarm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// Remove takes host name out of the project's swarm before its machine goes:
// it drains its node and waits (at most DrainTimeout) for the node's tasks
// to go elsewhere, demotes it when it is a manager and other managers
// remain, makes it leave, and removes the node on another manager. The last
// manager is refused while other nodes are up; alone, it just leaves. A host
// whose engine does not answer is drained and removed on a manager. A host
// in no swarm, or in one the project did not make, is left alone.
func Remove(ctx context.Context, hosts []Host, name string, o Options) error {
	o = o.withDefaults()
	var t *Host
	var others []Host
	for i, h := range hosts {
		if h.Name == name {
			t = &hosts[i]
		} else {
			others = append(others, h)
		}
	}
	if t == nil {
		return fmt.Errorf("swarm: no host %s", name)
	}
	tl, terr := t.Engine.Local(ctx)
	up := terr == nil && tl.State == StateActive
	mgr, err := Manager(ctx, o.Project, others)
	if errors.Is(err, ErrNoManager) {
		return removeLast(ctx, *t, tl, up, o)
	}
	if err != nil {
		return err
	}
	node, ok, err := nodeOf(ctx, mgr.Engine, *t, tl)
	switch {
	case err != nil:
		return fmt.Errorf("host %s: %w", mgr.Name, err)
	case !ok && up:
		o.say(t.Name, "in a swarm other than project %s's: left alone", o.Project)
		return nil
	case !ok:
		o.say(t.Name, "not in the swarm")
		return nil
	}
	if terr != nil {
		o.say(t.Name, "its engine does not answer (%v): removing its node on %s", terr, mgr.Name)
	}
	if err := drain(ctx, mgr, *t, node, terr == nil && node.State != "down", o); err != nil {
		return err
	}
	if node.Spec.Role == RoleManager {
		if err := demote(ctx, mgr, *t, node.ID, up, o); err != nil {
			return err
		}
	}
	if up {
		if err := t.Engine.Leave(ctx, false); err != nil {
			return fmt.Errorf("host %s: leave the swarm: %w", t.Name, err)
		}
		o.say(t.Name, "left the swarm")
	}
	// Its engine has left (or is gone), but the manager may not have seen it
	// down yet: force skips that check, not a safety.
	if err := mgr.Engine.RemoveNode(ctx, node.ID, true); err != nil {
		return fmt.Errorf("host %s: remove node %s of host %s: %w", mgr.Name, node.ID, t.Name, err)
	}
	o.say(t.Name, "node %s removed from the swarm", node.ID)
	return nil
}

// removeLast handles a host with no other manager of the project's swarm.
func removeLast(ctx context.Context, t Host, tl Local, up bool, o Options) error {
	if !up || !tl.Manager {
		o.say(t.Name, "no manager of project %s's swarm among the other hosts: nothing to leave", o.Project)
		return nil
	}
	c, err := t.Engine.Cluster(ctx)
	if err != nil {
		return fmt.Errorf("host %s: %w", t.Name, err)
	}
	if c.Labels[orchestrator.LabelProject] != o.Project {
		o.say(t.Name, "in a swarm other than project %s's: left alone", o.Project)
		return nil
	}
	nodes, err := t.Engine.Nodes(ctx)
	if err != nil {
		return fmt.Errorf("host %s: %w", t.Name, err)
	}
	var left []string
	for _, n := range nodes {
		if n.ID != tl.NodeID && n.State != "down" {
			left = append(left, hostOf(n))
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("host %s is the last manager of the swarm and %d other node(s) are still in it (%s): "+
			"make another host a manager (\"manager\": true in hosts.conf, then provision), destroy those hosts first, or destroy:all",
			t.Name, len(left), strings.Join(left, ", "))
	}
	// The last node: leaving ends the swarm, and only force does that.
	if err := t.Engine.Leave(ctx, true); err != nil {
		return fmt.Errorf("host %s: leave the swarm: %w", t.Name, err)
	}
	o.say(t.Name, "left the swarm, its last node: the swarm is gone")
	return nil
}

func hostOf(n Node) string {
	if h := n.Spec.Labels[orchestrator.LabelHost]; h != "" {
		return h
	}
	return "node " + n.ID
}

// nodeOf finds t's node in the manager's list: by the node ID its engine
// gives, else (engine down or out) by its dockerops.host label.
func nodeOf(ctx context.Context, mgr Engine, t Host, tl Local) (Node, bool, error) {
	nodes, err := mgr.Nodes(ctx)
	if err != nil {
		return Node{}, false, err
	}
	for _, n := range nodes {
		if tl.NodeID != "" && n.ID == tl.NodeID {
			return n, true, nil
		}
	}
	if tl.State == StateActive {
		return Node{}, false, nil // in a swarm, not this one
	}
	for _, n := range nodes {
		if n.Spec.Labels[orchestrator.LabelHost] == t.Name && n.State != "down" {
			return n, true, nil
		}
	}
	return Node{}, false, nil
}

// drain sets the node to drain and, when wait, waits for its tasks to go.
func drain(ctx context.Context, mgr Host, t Host, node Node, wait bool, o Options) error {
	if node.Spec.Availability != AvailabilityDrain {
		spec := node.Spec
		spec.Availability = AvailabilityDrain
		if err := mgr.Engine.UpdateNode(ctx, node.ID, node.Version, spec); err != nil {
			return fmt.Errorf("host %s: drain node %s: %w", t.Name, node.ID, err)
		}
		o.say(t.Name, "draining")
	}
	if !wait {
		return nil
	}
	deadline := time.Now().Add(o.DrainTimeout)
	for {
		n, err := mgr.Engine.NodeTasks(ctx, node.ID)
		if err != nil {
			return fmt.Errorf("host %s: tasks of node %s: %w", mgr.Name, node.ID, err)
		}
		if n == 0 {
			o.say(t.Name, "drained: no task left on it")
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("host %s: %d task(s) still on its node %s after %s of draining: nothing was destroyed; "+
				"see \"docker node ps %s\" on a manager, then run destroy again", t.Name, n, node.ID, o.DrainTimeout, node.ID)
		}
		if err := sleep(ctx, o.Poll); err != nil {
			return err
		}
	}
}

// demote makes the node a worker and, when its engine answers, waits until
// the engine knows, as a manager's leave would need force.
func demote(ctx context.Context, mgr Host, t Host, id string, up bool, o Options) error {
	nodes, err := mgr.Engine.Nodes(ctx) // draining changed its version
	if err != nil {
		return fmt.Errorf("host %s: %w", mgr.Name, err)
	}
	for _, n := range nodes {
		if n.ID != id {
			continue
		}
		spec := n.Spec
		spec.Role = RoleWorker
		if err := mgr.Engine.UpdateNode(ctx, n.ID, n.Version, spec); err != nil {
			return fmt.Errorf("host %s: demote node %s: %w", t.Name, n.ID, err)
		}
		o.say(t.Name, "demoted to a worker")
	}
	deadline := time.Now().Add(o.DrainTimeout)
	for up {
		l, err := t.Engine.Local(ctx)
		if err != nil {
			return fmt.Errorf("host %s: %w", t.Name, err)
		}
		if !l.Manager {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("host %s: still a manager %s after its demotion", t.Name, o.DrainTimeout)
		}
		if err := sleep(ctx, o.Poll); err != nil {
			return err
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
