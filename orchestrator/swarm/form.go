package swarm

import (
	"context"
	"errors"
	"fmt"
	"io"
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
