// Joining: each host outside the project's swarm joins it with a token
// fetched from a manager at that moment.

package swarm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// joinAll joins every host outside the project's swarm, managers first so
// that a worker's join already finds them.
func joinAll(ctx context.Context, v *view, o Options) error {
	for _, h := range byRole(v.hosts) {
		if v.member(h.Name) {
			continue
		}
		if err := join(ctx, v, h, o); err != nil {
			return err
		}
	}
	return v.refresh(ctx)
}

// pendingLooks is how many times a pending node is looked at before its
// join counts as stuck.
const pendingLooks = 10

// settle waits a moment for a pending node: an earlier join that goes on in
// the background may be about to succeed (a port unblocked since), and
// leaving then would take a fresh manager out of the swarm without
// demoting it, which can cost the swarm its quorum.
func settle(ctx context.Context, h Host, o Options) (Local, error) {
	for look := 1; ; look++ {
		l, err := h.Engine.Local(ctx)
		if err != nil {
			return Local{}, fmt.Errorf("host %s: %w", h.Name, err)
		}
		if l.State != StatePending || look == pendingLooks {
			return l, nil
		}
		select {
		case <-ctx.Done():
			return Local{}, ctx.Err()
		case <-time.After(o.Poll):
		}
	}
}

func join(ctx context.Context, v *view, h Host, o Options) error {
	l := v.local[h.Name]
	if l.State == StatePending {
		var err error
		if l, err = settle(ctx, h, o); err != nil {
			return err
		}
		if l.State == StateActive {
			v.local[h.Name] = l
			if err := v.refresh(ctx); err != nil {
				return err
			}
			if v.member(h.Name) {
				o.say(h.Name, "an earlier join finished")
				return nil
			}
			return foreign(h, "", o.Project)
		}
	}
	switch l.State {
	case StateInactive:
	case StatePending, StateError:
		// A node pending or in error is in no swarm: it is an earlier
		// join that did not finish (a blocked port, say), which would
		// refuse a new one. Leaving cancels it; no swarm loses a node.
		if err := h.Engine.Leave(ctx, true); err != nil {
			return fmt.Errorf("host %s: cancel its earlier attempt to join a swarm: %w", h.Name, err)
		}
		o.say(h.Name, "cancelled an earlier join that had not finished (%s)", orState(l))
	default:
		return fmt.Errorf("host %s: its engine's swarm state is %q", h.Name, l.State)
	}
	c, err := v.mgr.Engine.Cluster(ctx)
	if err != nil {
		return fmt.Errorf("host %s: ask for the join token: %w", v.mgr.Name, err)
	}
	token, role := c.WorkerToken, RoleWorker
	if h.Manager {
		token, role = c.ManagerToken, RoleManager
	}
	remote := net.JoinHostPort(v.mgr.Addr, Port)
	if err := h.Engine.Join(ctx, h.Addr, remote, token); err != nil {
		return fmt.Errorf("host %s: join the swarm at %s as a %s: %w (are TCP port %s, TCP and UDP 7946 and UDP 4789 open between the hosts' private addresses?)",
			h.Name, remote, role, redact(err, c.WorkerToken, c.ManagerToken), Port)
	}
	l, err = h.Engine.Local(ctx)
	if err != nil {
		return fmt.Errorf("host %s: %w", h.Name, err)
	}
	v.local[h.Name] = l
	o.say(h.Name, "joined as a %s (at %s)", role, remote)
	return nil
}

func orState(l Local) string {
	if l.Error != "" {
		return l.State + ": " + l.Error
	}
	return l.State
}

// redact keeps the tokens out of an error's text. Its cause is dropped
// (errors.Unwrap could show it), but for a cancellation.
func redact(err error, tokens ...string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := err.Error()
	for _, t := range tokens {
		if t != "" {
			msg = strings.ReplaceAll(msg, t, "<join token>")
		}
	}
	return errors.New(msg)
}
