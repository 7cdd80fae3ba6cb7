package dockerengine

import (
	"context"
	"sort"
	"strings"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/swarm"

	"github.com/dockerops/dockerops/orchestrator"
)

var _ orchestrator.SwarmView = (*Engine)(nil)

// SwarmManager reports whether the engine is a Swarm manager.
func (e *Engine) SwarmManager(ctx context.Context) (bool, error) {
	info, err := e.cli.Info(ctx)
	if err != nil {
		return false, e.check(err, "engine info")
	}
	return info.Swarm.ControlAvailable, nil
}

// ServiceTasks lists the project's services and their tasks, with each
// task's node named by the node's dockerops.host label.
func (e *Engine) ServiceTasks(ctx context.Context, project string) ([]orchestrator.Service, error) {
	services, err := e.cli.ServiceList(ctx, swarm.ServiceListOptions{})
	if err != nil {
		return nil, e.check(err, "list services")
	}
	nodes, err := e.cli.NodeList(ctx, swarm.NodeListOptions{})
	if err != nil {
		return nil, e.check(err, "list nodes")
	}
	hostOf := map[string]string{}
	for _, n := range nodes {
		hostOf[n.ID] = n.Spec.Labels[orchestrator.LabelHost]
	}
	var out []orchestrator.Service
	for _, sv := range services {
		labels := map[string]string{}
		if cs := sv.Spec.TaskTemplate.ContainerSpec; cs != nil {
			for k, v := range cs.Labels {
				labels[k] = v
			}
		}
		for k, v := range sv.Spec.Labels {
			if strings.HasPrefix(k, "dockerops.") {
				labels[k] = v
			}
		}
		if p := labels[orchestrator.LabelProject]; p == "" || (project != "" && p != project) {
			continue
		}
		tasks, err := e.cli.TaskList(ctx, swarm.TaskListOptions{Filters: serviceFilter(sv.ID)})
		if err != nil {
			return nil, e.check(err, "list tasks of %s", sv.Spec.Name)
		}
		out = append(out, orchestrator.Service{Name: sv.Spec.Name, Labels: labels, Tasks: swarmTasks(tasks, hostOf)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// swarmTasks converts tasks, newest first.
func swarmTasks(tasks []swarm.Task, hostOf map[string]string) []orchestrator.SwarmTask {
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].Status.Timestamp.After(tasks[j].Status.Timestamp) })
	out := make([]orchestrator.SwarmTask, 0, len(tasks))
	for _, t := range tasks {
		st := orchestrator.SwarmTask{ID: t.ID, NodeID: t.NodeID, Host: hostOf[t.NodeID], State: string(t.Status.State),
			DesiredState: string(t.DesiredState), Message: t.Status.Message, Err: t.Status.Err}
		if cs := t.Status.ContainerStatus; cs != nil {
			st.ContainerID = cs.ContainerID
		}
		out = append(out, st)
	}
	return out
}

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

func serviceFilter(id string) filters.Args { return filters.NewArgs(filters.Arg("service", id)) }
