package dockerengine

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"

	"github.com/dockerops/dockerops/orchestrator"
)

// Containers lists the project's containers (every dockerops container when
// project is "") in one call: no inspect per container.
func (e *Engine) Containers(ctx context.Context, project string) ([]orchestrator.Observed, error) {
	label := orchestrator.LabelProject
	if project != "" {
		label += "=" + project
	}
	list, err := e.cli.ContainerList(ctx, container.ListOptions{
		All:     true,
		Filters: filters.NewArgs(filters.Arg("label", label)),
	})
	if err != nil {
		return nil, e.check(err, "list containers")
	}
	out := make([]orchestrator.Observed, 0, len(list))
	for _, s := range list {
		out = append(out, fromSummary(s))
	}
	return out, nil
}

var _ orchestrator.LockObserver = (*Engine)(nil)

// ContainersAndLock lists the project's containers and finds its deploy
// lock container in one call. The engine cannot filter on "this label or
// that name", so the list is of every container, sorted here: on a machine
// that runs little besides the project that costs less than a second
// request, most of all over ssh://.
func (e *Engine) ContainersAndLock(ctx context.Context, project string) ([]orchestrator.Observed, *orchestrator.Observed, error) {
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true})
	if err != nil {
		return nil, nil, e.check(err, "list containers")
	}
	var out []orchestrator.Observed
	var lock *orchestrator.Observed
	for _, s := range list {
		ob := fromSummary(s)
		switch {
		case s.Labels[orchestrator.LabelProject] == project:
			out = append(out, ob)
		case ob.Name == orchestrator.LockName(project):
			lock = &ob
		}
	}
	return out, lock, nil
}

// Inspect returns one container's state, with its health check's last output.
func (e *Engine) Inspect(ctx context.Context, id string) (orchestrator.Observed, error) {
	r, err := e.cli.ContainerInspect(ctx, id)
	if err != nil {
		return orchestrator.Observed{}, e.check(err, "inspect container %s", id)
	}
	return fromInspect(r), nil
}

// ImageID returns the local image's ID, "" when there is no such image.
func (e *Engine) ImageID(ctx context.Context, ref string) (string, error) {
	id, _, err := e.ImageInfo(ctx, ref)
	return id, err
}

// Create creates a container already joined to its network, with its
// aliases and links, so no separate connect call is needed. Its restart
// policy is the spec's: "no" (the zero value, and the local engine's
// default) because dockerops starts what the run conf says and an engine
// restart should not bring back instances the user stopped; a host's
// default is unless-stopped, which survives a reboot yet keeps a stopped
// instance stopped.
func (e *Engine) Create(ctx context.Context, spec orchestrator.ContainerSpec) (string, error) {
	exposed, bindings, err := portSets(spec.Ports)
	if err != nil {
		return "", fmt.Errorf("create container %s: %w", spec.Name, err)
	}
	cfg := &container.Config{
		Image:        spec.Image,
		Hostname:     spec.Hostname,
		Env:          spec.Env,
		Labels:       spec.Labels,
		Entrypoint:   spec.Entrypoint,
		Cmd:          spec.Cmd,
		Tty:          spec.TTY,
		OpenStdin:    spec.OpenStdin,
		StdinOnce:    spec.OpenStdin,
		AttachStdin:  spec.OpenStdin,
		AttachStdout: spec.OpenStdin || spec.TTY,
		AttachStderr: spec.OpenStdin || spec.TTY,
		ExposedPorts: exposed,
	}
	host := &container.HostConfig{
		Binds:         spec.Binds,
		PortBindings:  bindings,
		AutoRemove:    spec.AutoRemove,
		RestartPolicy: restartPolicy(spec.Restart),
	}
	var netCfg *network.NetworkingConfig
	switch {
	case spec.HostNetwork:
		// nethost: the engine discards port bindings there anyway.
		host.NetworkMode = network.NetworkHost
		cfg.ExposedPorts, host.PortBindings = nil, nil
	case spec.Network != "":
		host.NetworkMode = container.NetworkMode(spec.Network)
		ep := &network.EndpointSettings{Aliases: spec.Aliases, Links: spec.Links}
		if spec.IP != "" {
			ep.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: spec.IP}
		}
		netCfg = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{spec.Network: ep}}
	}
	resp, err := e.cli.ContainerCreate(ctx, cfg, host, netCfg, nil, spec.Name)
	if err != nil {
		return "", e.check(err, "create container %s", spec.Name)
	}
	return resp.ID, nil
}

func restartPolicy(r orchestrator.Restart) container.RestartPolicy {
	if r.Policy == "" {
		return container.RestartPolicy{Name: container.RestartPolicyDisabled}
	}
	return container.RestartPolicy{Name: container.RestartPolicyMode(r.Policy), MaximumRetryCount: r.MaxRetries}
}

// portSets publishes each port on the same host port, on its HostIP or
// else on every interface (host 0 lets the engine pick one).
func portSets(ports []orchestrator.PortBinding) (nat.PortSet, nat.PortMap, error) {
	if len(ports) == 0 {
		return nil, nil, nil
	}
	exposed, bindings := nat.PortSet{}, nat.PortMap{}
	for _, p := range ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		port, err := nat.NewPort(proto, strconv.Itoa(p.Container))
		if err != nil {
			return nil, nil, fmt.Errorf("port %d/%s: %w", p.Container, proto, err)
		}
		exposed[port] = struct{}{}
		hostPort := ""
		if p.Host != 0 {
			hostPort = strconv.Itoa(p.Host)
		}
		bindings[port] = append(bindings[port], nat.PortBinding{HostIP: p.HostIP, HostPort: hostPort})
	}
	return exposed, bindings, nil
}

// Start starts a container; starting a running one is not an error (the
// engine answers 304 Not Modified).
func (e *Engine) Start(ctx context.Context, id string) error {
	return e.check(e.cli.ContainerStart(ctx, id, container.StartOptions{}), "start container %s", id)
}

// Stop stops a container, killing it after timeout (rounded up to whole
// seconds; negative = the container's own default). Stopping a stopped or
// missing container is not an error.
func (e *Engine) Stop(ctx context.Context, id string, timeout time.Duration) error {
	var opts container.StopOptions
	if timeout >= 0 {
		secs := int(math.Ceil(timeout.Seconds()))
		opts.Timeout = &secs
	}
	err := e.cli.ContainerStop(ctx, id, opts)
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	return e.check(err, "stop container %s", id)
}

// Remove removes a container, running or not, with its anonymous volumes
// (as `docker rm -fv`); bind mounts and named volumes, where dockerops keeps
// persistent data, are never touched by the engine. A missing container, or
// one already being removed, is not an error.
func (e *Engine) Remove(ctx context.Context, id string) error {
	err := e.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if cerrdefs.IsNotFound(err) || (cerrdefs.IsConflict(err) && isRemovalInProgress(err)) {
		return nil
	}
	return e.check(err, "remove container %s", id)
}

// CopyTo unpacks a tar archive into dir in a container (docker cp).
func (e *Engine) CopyTo(ctx context.Context, id, dir string, archive io.Reader) error {
	return e.check(e.cli.CopyToContainer(ctx, id, dir, archive, container.CopyToContainerOptions{}), "copy into container %s", id)
}
