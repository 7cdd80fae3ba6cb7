package orchestrator

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// servicePoll is the pause between two looks at a service that converges.
var servicePoll = 250 * time.Millisecond

// performService carries out one step of a service plan on the manager and
// waits until the Swarm has done it: a new service's task runs (healthy
// where its image has a HEALTHCHECK), an update or rollback has finished.
// A failed update the Swarm rolled back is an error.
func (o *Orchestrator) performService(ctx context.Context, s *Step) error {
	m := o.Swarm.Manager
	st := s.service
	switch {
	case st.network && s.Reason == networkRemove:
		return m.RemoveNetwork(ctx, o.Project)
	case st.network:
		return m.EnsureOverlay(ctx, o.Project, map[string]string{LabelProject: o.Project}, st.encrypted)
	}
	switch s.Action {
	case Create:
		id, err := m.CreateService(ctx, st.spec)
		if err != nil {
			return fmt.Errorf("%s: create service: %w", s.Name, err)
		}
		task, err := o.awaitTask(ctx, s.Name, id, st.spec.ContainerLabels[LabelSpecHash])
		if err != nil || s.Instance == nil || s.Instance.FirstStart == "" {
			return err
		}
		return o.seedTask(ctx, s.Name, s.Instance.FirstStart, task)
	case Update, Rollback:
		// The version the plan saw may be stale (the Swarm bumps it as it
		// works): the update names the current one, as the API requires.
		cur, err := m.Service(ctx, st.existing.ID)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		if s.Action == Update {
			err = m.UpdateService(ctx, cur.ID, cur.Version, st.spec)
		} else {
			err = m.RollbackService(ctx, cur.ID, cur.Version)
		}
		if err != nil {
			return fmt.Errorf("%s: %s service: %w", s.Name, s.Action, err)
		}
		return o.awaitUpdate(ctx, s.Name, cur, s.Action == Rollback)
	case Remove:
		if err := m.RemoveService(ctx, st.existing.ID); err != nil {
			return fmt.Errorf("%s: remove service: %w", s.Name, err)
		}
		return o.awaitGone(ctx, s.Name, st.existing.ID)
	}
	return fmt.Errorf("%s: no way to %s a service", s.Name, s.Action)
}

// awaitTask waits for a task of the wanted spec to run and returns it. A
// task the node rejects (an image it lacks) fails at once; one that fails is
// restarted by the Swarm and awaited until the wait timeout, then its error
// is reported.
func (o *Orchestrator) awaitTask(ctx context.Context, name, id, hash string) (ServiceTask, error) {
	last := ""
	var found ServiceTask
	err := o.poll(ctx, name, func() (bool, error) {
		tasks, err := o.Swarm.Manager.Tasks(ctx, id)
		if err != nil {
			return false, err
		}
		for _, t := range tasks {
			if t.Labels[LabelSpecHash] != hash || t.DesiredState != "running" {
				continue
			}
			switch {
			case t.State == "running":
				found = t
				return true, nil
			case t.State == "rejected" || strings.Contains(t.Err, "No such image"):
				return false, fmt.Errorf("%s: its task on %s cannot start: %s", name, orAny(t.Node), t.Err)
			case t.Err != "":
				last = t.Err
			}
		}
		return false, nil
	}, func() string { return last })
	return found, err
}

// seedTask runs a new service's first_start_command in its first task's container,
// through the engine of the node that runs it, as the single-engine
// executor does after a create. An update keeps the data seeded before.
func (o *Orchestrator) seedTask(ctx context.Context, name, command string, task ServiceTask) error {
	node, ok := o.Swarm.node(task.Node)
	if !ok {
		return fmt.Errorf("%s: first_start_command: its task runs on node %s, which is no host of hosts.conf", name, orNone(task.Node))
	}
	on := *o
	on.Target = node
	return on.seed(ctx, task.ContainerID, name, command)
}

// awaitUpdate waits until the update (or rollback) that began after before
// has finished.
func (o *Orchestrator) awaitUpdate(ctx context.Context, name string, before ObservedService, rollback bool) error {
	state := ""
	return o.poll(ctx, name, func() (bool, error) {
		sv, err := o.Swarm.Manager.Service(ctx, before.ID)
		if err != nil {
			return false, err
		}
		if !sv.UpdateStarted.After(before.UpdateStarted) {
			return false, nil // not begun yet
		}
		state = sv.UpdateState
		switch {
		case state == "completed" && !rollback, state == "rollback_completed" && rollback:
			return true, nil
		case state == "rollback_completed":
			return false, fmt.Errorf("%s: the update failed and the Swarm rolled it back to the previous spec: %s", name, sv.UpdateMessage)
		case state == "paused", state == "rollback_paused":
			return false, fmt.Errorf("%s: the Swarm paused the %s (%s): %s; see `docker service ps %s` on a manager",
				name, map[bool]string{false: "update", true: "rollback"}[state == "rollback_paused"], state, sv.UpdateMessage, name)
		}
		return false, nil
	}, func() string { return "update state " + orNone(state) })
}

// awaitGone waits until a removed service's tasks are gone, so its data dir
// and network are free.
func (o *Orchestrator) awaitGone(ctx context.Context, name, id string) error {
	return o.poll(ctx, name, func() (bool, error) {
		tasks, err := o.Swarm.Manager.Tasks(ctx, id)
		if err != nil {
			return false, err
		}
		for _, t := range tasks {
			if t.State == "running" || t.State == "starting" {
				return false, nil
			}
		}
		return true, nil
	}, func() string { return "its task still runs" })
}

func (o *Orchestrator) poll(ctx context.Context, name string, try func() (bool, error), last func() string) error {
	deadline := time.Now().Add(o.waitTimeout())
	for {
		done, err := try()
		if done || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not done after %s (%s)", name, o.waitTimeout(), last())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(servicePoll):
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
