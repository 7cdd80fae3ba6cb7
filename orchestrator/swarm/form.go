package swarm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"strings"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// Port is where managers listen for the swarm's control traffic.
const Port = "2377"

// Defaults for Options.
const (
	DefaultPoll         = time.Second
	DefaultDrainTimeout = 2 * time.Minute
)

// Host is one host of the project, with its engine.
type Host struct {
	Name    string   // as in hosts.conf
	Addr    string   // private IPv4: the swarm's traffic stays on it
	Manager bool     // hosts.conf makes it a manager
	Groups  []string // run.conf groups it runs; none = every group
	Engine  Engine
}

// Options are what Form and Remove share.
type Options struct {
	Project  string    // the project name, on the swarm and its nodes
	Progress io.Writer // one line per change; nil discards them
	// Poll is the pause between two looks at a node that is changing;
	// 0 = DefaultPoll.
	Poll time.Duration
	// DrainTimeout bounds Remove's wait for a drained node's tasks to go;
	// 0 = DefaultDrainTimeout.
	DrainTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = DefaultDrainTimeout
	}
	return o
}

func (o Options) say(host, format string, args ...any) {
	fmt.Fprintf(o.Progress, "%s: swarm: %s\n", host, fmt.Sprintf(format, args...))
}

// Form makes hosts one swarm of the project, idempotently: with none yet,
// the first manager host initialises it; a host outside it joins (as a
// manager or a worker, as hosts.conf says) with a token asked of a manager
// just then; every node's role and dockerops labels are set from hosts.conf,
// and nodes a host left behind (it left and joined again) are removed. A
// host already in the project's swarm is left as it is, so a re-run changes
// nothing. A host whose engine is in another swarm is an error naming it:
// Form never makes a node leave a swarm it did not make.
func Form(ctx context.Context, hosts []Host, o Options) error {
	o = o.withDefaults()
	if o.Project == "" {
		return errors.New("swarm: no project name")
	}
	v, err := look(ctx, hosts, o)
	if err != nil {
		return err
	}
	if v.mgr == nil {
		if err := initSwarm(ctx, v, o); err != nil {
			return err
		}
	}
	if err := joinAll(ctx, v, o); err != nil {
		return err
	}
	return syncNodes(ctx, v, o)
}

// view is what look learnt of the hosts.
type view struct {
	hosts   []Host
	local   map[string]Local // by host name
	cluster string           // ID of the project's swarm; "" = none yet
	mgr     *Host            // a host managing the project's swarm
	members map[string]Node  // the project swarm's nodes, by ID
}

// look asks every host's engine where it stands and finds the project's
// swarm and a manager of it. Hosts in another swarm are all reported.
func look(ctx context.Context, hosts []Host, o Options) (*view, error) {
	v := &view{hosts: hosts, local: map[string]Local{}}
	for _, h := range hosts {
		l, err := h.Engine.Local(ctx)
		if err != nil {
			return nil, fmt.Errorf("host %s: %w", h.Name, err)
		}
		v.local[h.Name] = l
	}
	var errs []error
	// Managers know their swarm; the designated ones are asked first so the
	// manager used is one hosts.conf keeps.
	for _, h := range byRole(hosts) {
		l := v.local[h.Name]
		if l.State != StateActive || !l.Manager {
			continue
		}
		c, err := h.Engine.Cluster(ctx)
		if err != nil {
			return nil, fmt.Errorf("host %s: %w", h.Name, err)
		}
		switch {
		case c.Labels[orchestrator.LabelProject] != o.Project:
			errs = append(errs, foreign(h, c.ID, o.Project))
		case v.cluster == "":
			v.cluster, v.mgr = c.ID, &h
		case v.cluster != c.ID:
			errs = append(errs, fmt.Errorf("host %s: its engine manages swarm %s, while host %s manages swarm %s, both labelled %s=%s: "+
				"keep one, and make the other hosts leave theirs (\"docker swarm leave --force\" on them)",
				h.Name, c.ID, v.mgr.Name, v.cluster, orchestrator.LabelProject, o.Project))
		}
	}
	if v.mgr != nil {
		if err := v.refresh(ctx); err != nil {
			return nil, err
		}
	}
	for _, h := range hosts {
		l := v.local[h.Name]
		if l.State == StateActive && !l.Manager && !v.member(h.Name) {
			errs = append(errs, foreign(h, "", o.Project))
		}
		if l.State == StateLocked {
			errs = append(errs, fmt.Errorf("host %s: its engine's swarm is locked: unlock it (\"docker swarm unlock\" on it)", h.Name))
		}
	}
	return v, errors.Join(errs...)
}

func foreign(h Host, cluster, project string) error {
	which := "a swarm whose managers are not among project " + project + "'s hosts"
	if cluster != "" {
		which = "swarm " + cluster + ", which project " + project + " did not make"
	}
	return fmt.Errorf("host %s: its engine is already in %s: dockerops does not take nodes out of swarms it did not make; "+
		"if the host should join the project's, run \"docker swarm leave\" on it yourself and provision again", h.Name, which)
}

// refresh lists the project swarm's nodes from the manager.
func (v *view) refresh(ctx context.Context) error {
	nodes, err := v.mgr.Engine.Nodes(ctx)
	if err != nil {
		return fmt.Errorf("host %s: %w", v.mgr.Name, err)
	}
	v.members = map[string]Node{}
	for _, n := range nodes {
		v.members[n.ID] = n
	}
	return nil
}

// member says whether host's engine is a node of the project's swarm.
func (v *view) member(host string) bool {
	l := v.local[host]
	_, ok := v.members[l.NodeID]
	return l.State == StateActive && l.NodeID != "" && ok
}

// byRole lists the manager hosts first, each part in the given order.
func byRole(hosts []Host) []Host {
	var out []Host
	for _, want := range []bool{true, false} {
		for _, h := range hosts {
			if h.Manager == want {
				out = append(out, h)
			}
		}
	}
	return out
}

func initSwarm(ctx context.Context, v *view, o Options) error {
	var first *Host
	var managers []string
	for i, h := range v.hosts {
		if h.Manager {
			managers = append(managers, h.Name)
			if first == nil && v.local[h.Name].State == StateInactive {
				first = &v.hosts[i]
			}
		}
	}
	if first == nil {
		if len(managers) == 0 {
			return errors.New("swarm: none of the hosts is a manager: provision a manager host first (\"manager\": true in hosts.conf)")
		}
		return fmt.Errorf("swarm: no manager host (%s) can start the swarm: each is still joining one; see its \"docker info\"", strings.Join(managers, ", "))
	}
	id, err := first.Engine.Init(ctx, first.Addr, map[string]string{orchestrator.LabelProject: o.Project})
	if err != nil {
		return fmt.Errorf("host %s: start the swarm on %s: %w", first.Name, first.Addr, err)
	}
	o.say(first.Name, "started the swarm of project %s, managers listen on %s", o.Project, net.JoinHostPort(first.Addr, Port))
	l, err := first.Engine.Local(ctx)
	if err != nil {
		return fmt.Errorf("host %s: %w", first.Name, err)
	}
	if l.NodeID == "" {
		l.NodeID = id
	}
	v.local[first.Name] = l
	v.cluster, v.mgr = l.ClusterID, first
	return v.refresh(ctx)
}

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
