package dockerengine

import (
	"context"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/swarm"

	"github.com/dockerops/dockerops/orchestrator"
	oswarm "github.com/dockerops/dockerops/orchestrator/swarm"
)

var _ orchestrator.Services = (*Engine)(nil)

// ControlAvailable says whether the engine is a manager of its swarm.
func (e *Engine) ControlAvailable(ctx context.Context) (bool, error) {
	info, err := e.cli.Info(ctx)
	if err != nil {
		return false, e.check(err, "engine info")
	}
	return info.Swarm.ControlAvailable, nil
}

// Services lists the project's services ("" = every project's) in one call.
func (e *Engine) Services(ctx context.Context, project string) ([]orchestrator.ObservedService, error) {
	label := orchestrator.LabelProject
	if project != "" {
		label += "=" + project
	}
	list, err := e.cli.ServiceList(ctx, swarm.ServiceListOptions{Filters: filters.NewArgs(filters.Arg("label", label))})
	if err != nil {
		return nil, e.check(err, "list services")
	}
	out := make([]orchestrator.ObservedService, 0, len(list))
	for _, s := range list {
		out = append(out, fromService(s))
	}
	return out, nil
}

// Service inspects one service.
func (e *Engine) Service(ctx context.Context, id string) (orchestrator.ObservedService, error) {
	s, _, err := e.cli.ServiceInspectWithRaw(ctx, id, swarm.ServiceInspectOptions{})
	if err != nil {
		return orchestrator.ObservedService{}, e.check(err, "inspect service %s", id)
	}
	return fromService(s), nil
}

func fromService(s swarm.Service) orchestrator.ObservedService {
	o := orchestrator.ObservedService{ID: s.ID, Name: s.Spec.Name, Version: s.Version.Index,
		Labels: s.Spec.Labels, HasPrevious: s.PreviousSpec != nil}
	if cs := s.Spec.TaskTemplate.ContainerSpec; cs != nil {
		o.Image, o.Env = cs.Image, cs.Env
	}
	if u := s.UpdateStatus; u != nil {
		o.UpdateState, o.UpdateMessage = string(u.State), u.Message
		if u.StartedAt != nil {
			o.UpdateStarted = *u.StartedAt
		}
	}
	return o
}

// CreateService creates a service from the image's local name: no registry
// is asked for a digest, so every node runs the image it has under that
// name (the nodes were given the same image ID first).
func (e *Engine) CreateService(ctx context.Context, spec orchestrator.ServiceSpec) (string, error) {
	s, err := serviceSpec(spec)
	if err != nil {
		return "", fmt.Errorf("create service %s: %w", spec.Name, err)
	}
	r, err := e.cli.ServiceCreate(ctx, s, swarm.ServiceCreateOptions{QueryRegistry: false})
	if err != nil {
		return "", e.check(err, "create service %s", spec.Name)
	}
	return r.ID, nil
}

// UpdateService replaces a service's spec at version.
func (e *Engine) UpdateService(ctx context.Context, id string, version uint64, spec orchestrator.ServiceSpec) error {
	s, err := serviceSpec(spec)
	if err != nil {
		return fmt.Errorf("update service %s: %w", spec.Name, err)
	}
	_, err = e.cli.ServiceUpdate(ctx, id, swarm.Version{Index: version}, s, swarm.ServiceUpdateOptions{QueryRegistry: false})
	return e.check(err, "update service %s", spec.Name)
}

// RollbackService asks the manager to return a service to its previous spec.
func (e *Engine) RollbackService(ctx context.Context, id string, version uint64) error {
	cur, _, err := e.cli.ServiceInspectWithRaw(ctx, id, swarm.ServiceInspectOptions{})
	if err != nil {
		return e.check(err, "inspect service %s", id)
	}
	if cur.PreviousSpec == nil {
		return fmt.Errorf("service %s has no previous spec to roll back to", cur.Spec.Name)
	}
	_, err = e.cli.ServiceUpdate(ctx, id, swarm.Version{Index: version}, cur.Spec, swarm.ServiceUpdateOptions{Rollback: "previous"})
	return e.check(err, "roll back service %s", cur.Spec.Name)
}

// RemoveService removes a service; its tasks stop afterwards.
func (e *Engine) RemoveService(ctx context.Context, id string) error {
	err := e.cli.ServiceRemove(ctx, id)
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	return e.check(err, "remove service %s", id)
}

// Tasks lists a service's tasks, newest first, each node named by its
// dockerops.host label.
func (e *Engine) Tasks(ctx context.Context, serviceID string) ([]orchestrator.ServiceTask, error) {
	list, err := e.cli.TaskList(ctx, swarm.TaskListOptions{Filters: filters.NewArgs(filters.Arg("service", serviceID))})
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return nil, nil
		}
		return nil, e.check(err, "list tasks of %s", serviceID)
	}
	var hostOf map[string]string
	if len(list) > 0 {
		if hostOf, err = oswarm.NodeHosts(ctx, e); err != nil {
			return nil, err
		}
	}
	out := make([]orchestrator.ServiceTask, 0, len(list))
	for _, t := range list {
		task := orchestrator.ServiceTask{ID: t.ID, Node: t.NodeID, DesiredState: string(t.DesiredState),
			State: string(t.Status.State), Err: t.Status.Err, Message: t.Status.Message, Created: t.CreatedAt}
		if h := hostOf[t.NodeID]; h != "" {
			task.Node = h
		}
		if task.Err == "" && t.Status.State != swarm.TaskStateRunning {
			task.Err = t.Status.Message
		}
		if cs := t.Spec.ContainerSpec; cs != nil {
			task.Labels = cs.Labels
		}
		if c := t.Status.ContainerStatus; c != nil {
			task.ContainerID = c.ContainerID
		}
		out = append(out, task)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Created.After(out[j-1].Created); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// EnsureOverlay creates an attachable overlay network unless one of that
// name exists; standalone containers (a node's helpers, `docker run`) can
// then join it too.
func (e *Engine) EnsureOverlay(ctx context.Context, name string, labels map[string]string, encrypted bool) error {
	exists, err := e.networkExists(ctx, name)
	if err != nil || exists {
		return err
	}
	opts := network.CreateOptions{Driver: "overlay", Attachable: true, Labels: labels}
	if encrypted {
		opts.Options = map[string]string{"encrypted": ""}
	}
	_, err = e.cli.NetworkCreate(ctx, name, opts)
	if cerrdefs.IsConflict(err) {
		return nil
	}
	return e.check(err, "create overlay network %s", name)
}

// restartCondition is the service's restart condition ("" = any), with the
// delay between two new tasks.
func restartCondition(s orchestrator.ServiceSpec, delay time.Duration) *swarm.RestartPolicy {
	p := &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionAny, Delay: &delay}
	if s.Restart != "" {
		p.Condition = swarm.RestartPolicyCondition(s.Restart)
	}
	if s.MaxAttempts > 0 {
		n := uint64(s.MaxAttempts)
		p.MaxAttempts = &n
	}
	return p
}

// serviceSpec is one replica of an instance: restarted as its spec says, updated
// one task at a time and rolled back when the new task fails within the
// monitor window.
func serviceSpec(s orchestrator.ServiceSpec) (swarm.ServiceSpec, error) {
	mounts, err := serviceMounts(s.Binds)
	if err != nil {
		return swarm.ServiceSpec{}, err
	}
	one := uint64(1)
	delay := 5 * time.Second
	order := swarm.UpdateOrderStartFirst
	if s.StopFirst {
		order = swarm.UpdateOrderStopFirst
	}
	spec := swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: s.Name, Labels: s.Labels},
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{
				Image: s.Image, Labels: s.ContainerLabels, Hostname: s.Hostname,
				Env: s.Env, Args: s.Cmd, Mounts: mounts,
			},
			RestartPolicy: restartCondition(s, delay),
			Placement:     &swarm.Placement{Constraints: s.Constraints},
			Networks:      []swarm.NetworkAttachmentConfig{{Target: s.Network, Aliases: s.Aliases}},
		},
		Mode: swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &one}},
		UpdateConfig: &swarm.UpdateConfig{Parallelism: 1, FailureAction: swarm.UpdateFailureActionRollback,
			Monitor: s.Monitor, Order: order, Delay: time.Second},
		RollbackConfig: &swarm.UpdateConfig{Parallelism: 1, FailureAction: swarm.UpdateFailureActionPause,
			Monitor: s.Monitor, Order: order},
		// dnsrr: a service name resolves to its task's own address, as a
		// container name does on a bridge network; a VIP would not pass
		// the ports the instance listens on unless each were declared.
		EndpointSpec: &swarm.EndpointSpec{Mode: swarm.ResolutionModeDNSRR},
	}
	for _, p := range s.Ports {
		spec.EndpointSpec.Ports = append(spec.EndpointSpec.Ports, swarm.PortConfig{
			Protocol: swarm.PortConfigProtocol(p.Protocol), TargetPort: uint32(p.Container),
			PublishedPort: uint32(p.Host), PublishMode: swarm.PortConfigPublishModeHost,
		})
	}
	return spec, nil
}

func serviceMounts(binds []string) ([]mount.Mount, error) {
	var out []mount.Mount
	for _, b := range binds {
		parts := strings.Split(b, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, fmt.Errorf("bind %q is not host:container[:ro]", b)
		}
		m := mount.Mount{Type: mount.TypeBind, Source: parts[0], Target: parts[1]}
		m.ReadOnly = len(parts) == 3 && parts[2] == "ro"
		out = append(out, m)
	}
	return out, nil
}
