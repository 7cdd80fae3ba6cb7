package orchestrator

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dockerops/dockerops/project"
)

// EnvLinks tells the base image's entrypoint which link names to resolve at
// start ("DB=db,CACHE=cache"): a service's link targets are DNS names on the
// project's overlay network, so no address is frozen into its spec.
const EnvLinks = "DOCKEROPS_LINKS"

// defaultMonitor is how long the Swarm watches a new task before it counts
// an update as done; a task failing within it (a failing HEALTHCHECK) rolls
// the update back.
const defaultMonitor = 10 * time.Second

// linkAliases maps every link name the project's instances use (lower case,
// as a DNS name) to the one instance it points to. One name for two
// instances cannot be an alias on one network: that is an error naming both.
func linkAliases(all []project.Instance) (map[string]string, error) {
	target, user := map[string]string{}, map[string]string{}
	var errs []string
	for _, in := range all {
		for _, l := range in.Links {
			t, ok := findTarget(l, all)
			if !ok {
				continue
			}
			alias := strings.ToLower(l.Name)
			if had, seen := target[alias]; seen && had != t.Name {
				errs = append(errs, fmt.Sprintf("link name %q points to %s (for %s) and to %s (for %s); on a swarm a link name is a DNS name of the project network, so it can name one instance only",
					l.Name, had, user[alias], t.Name, in.Name))
				continue
			}
			target[alias], user[alias] = t.Name, in.Name
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return target, nil
}

// serviceSpec turns a resolved instance into the service that runs it on
// node (nil = any node that runs its group), whose data root holds its
// persistent dir and volume copies. aliases are the link names other
// instances use for it; links the DOCKEROPS_LINKS value.
func (o *Orchestrator) serviceSpec(in project.Instance, imageID string, node *Target, aliases []string, links string, monitor time.Duration) ServiceSpec {
	env := maps.Clone(in.Env)
	for _, l := range in.Links {
		// An empty address is a placeholder the entrypoint fills from
		// DOCKEROPS_LINKS; an empty value would only hide that.
		if key := strings.ToUpper(l.Name) + "_CONTAINER_IP"; env[key] == "" {
			delete(env, key)
		} else {
			env[strings.ToUpper(l.Name)+"_SERVICE_IP"] = env[key] // the second layout's name
		}
	}
	if links != "" {
		env[EnvLinks] = links
	}
	if o.AuthorizedKeys != "" {
		env[EnvAuthorizedKeys] = o.AuthorizedKeys
	}
	labels := map[string]string{
		LabelProject:      o.Project,
		LabelContainer:    in.Container,
		LabelInstance:     in.Instance,
		LabelInstanceType: string(in.InstanceType),
		LabelGroup:        in.Group,
	}
	spec := ServiceSpec{
		Name:     in.Name,
		Image:    in.Image,
		Hostname: in.Hostname,
		Env:      envList(env),
		Network:  o.Project,
	}
	for _, a := range append([]string{in.Hostname}, aliases...) {
		if a != in.Name && !slices.Contains(spec.Aliases, a) {
			spec.Aliases = append(spec.Aliases, a)
		}
	}
	for _, p := range in.Ports {
		spec.Ports = append(spec.Ports, PortBinding{Container: p.Container, Host: p.Host, Protocol: p.Protocol})
	}
	if in.PersistentDir != nil {
		spec.Binds = append(spec.Binds, node.PersistentDir(in)+":"+PersistentMount)
	}
	for _, v := range in.Volumes {
		src := v.Source // an absolute path: the same on every node
		if node != nil {
			src = node.VolumeSource(v)
		}
		bind := src + ":" + v.Target
		if v.ReadOnly {
			bind += ":ro"
		}
		spec.Binds = append(spec.Binds, bind)
	}
	if node != nil {
		spec.Constraints = []string{"node.labels." + LabelHost + "==" + node.Host}
	}
	// Two tasks cannot hold one host port, and two containers writing one
	// data dir could corrupt it: those stop the old task first.
	spec.StopFirst = len(spec.Ports) > 0 || in.PersistentDir != nil
	spec.Monitor = monitor
	spec.Restart, spec.MaxAttempts = swarmRestart(in.Restart)
	spec.ContainerLabels = labels
	fields := serviceFields(spec, imageID)
	labels[LabelSpecHash] = fingerprint(fields)
	labels[LabelSpecFields] = encodeFields(fields)
	spec.Labels = maps.Clone(labels)
	if node != nil {
		spec.Labels[LabelNode] = node.Host
	}
	return spec
}

// serviceFields names every part of a service spec that, when it changes,
// needs an update; as for containers, values are short hashes.
func serviceFields(s ServiceSpec, imageID string) map[string]string {
	c := ContainerSpec{Hostname: s.Hostname, Network: s.Network, Ports: s.Ports, Binds: s.Binds,
		Aliases: s.Aliases, Cmd: s.Cmd, Env: s.Env, Labels: s.ContainerLabels}
	f := specFields(c, imageID)
	delete(f, "links")
	f["node"] = short(strings.Join(s.Constraints, "\n"))
	f["update"] = short(fmt.Sprint(s.StopFirst, s.Monitor))
	// Services made before restart policies restart on any exit: only
	// another condition is a field, so they are not updated for nothing.
	if s.Restart != swarmRestartAny || s.MaxAttempts != 0 {
		f["restart"] = short(fmt.Sprint(s.Restart, ":", s.MaxAttempts))
	}
	return f
}

// The swarm's restart conditions.
const (
	swarmRestartNone      = "none"
	swarmRestartOnFailure = "on-failure"
	swarmRestartAny       = "any"
)

// swarmRestart maps a restart policy to the swarm's condition; not given is
// unless-stopped, as on a host. A service keeps no "stopped by hand" state
// (a task stopped by hand is replaced): unless-stopped and always are both
// any.
func swarmRestart(r project.RestartPolicy) (string, int) {
	switch r.Policy() {
	case project.RestartNo:
		return swarmRestartNone, 0
	case project.RestartOnFailure:
		return swarmRestartOnFailure, r.Retries()
	}
	return swarmRestartAny, 0
}
