package orchestrator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// Env keys the orchestrator adds for the base image's entrypoint.
const EnvAuthorizedKeys = "DOCKEROPS_AUTHORIZED_KEYS"

// PersistentMount is where an instance's persistent dir is mounted.
const PersistentMount = "/persistent"

// LabelNetHost marks a container on the machine's own network (nethost),
// which has no address on the project network for links to point to.
const LabelNetHost = "dockerops.nethost"

// containerSpec turns a resolved instance into the container to create.
// linkIPs maps link names to the IP the link resolves to now; linkTargets
// maps link names to the running container the engine should alias.
func (o *Orchestrator) containerSpec(in project.Instance, imageID string, linkIPs, linkTargets map[string]string) ContainerSpec {
	env := maps.Clone(in.Env)
	for name, ip := range linkIPs {
		env[strings.ToUpper(name)+"_CONTAINER_IP"] = ip
		env[strings.ToUpper(name)+"_SERVICE_IP"] = ip // the second layout's name
	}
	if o.AuthorizedKeys != "" {
		env[EnvAuthorizedKeys] = o.AuthorizedKeys
	}
	spec := ContainerSpec{
		Name:     in.Name,
		Image:    in.Image,
		Hostname: in.Hostname,
		Env:      envList(env),
		Network:  o.Project,
		Labels: map[string]string{
			LabelProject:      o.Project,
			LabelContainer:    in.Container,
			LabelInstance:     in.Instance,
			LabelInstanceType: string(in.InstanceType),
			LabelGroup:        in.Group,
		},
	}
	if in.Hostname != in.Name {
		spec.Aliases = []string{in.Hostname}
	}
	spec.Aliases = append(spec.Aliases, dnsAliases(in)...)
	for _, name := range slices.Sorted(maps.Keys(linkTargets)) {
		spec.Links = append(spec.Links, linkTargets[name]+":"+strings.ToLower(name))
	}
	_, publishOn := publishIP(env)
	for _, p := range in.Ports {
		spec.Ports = append(spec.Ports, PortBinding{Container: p.Container, Host: p.Host, Protocol: p.Protocol, HostIP: publishOn})
	}
	if in.NetHost {
		// The machine's own network: its hostname, its ports. Link targets
		// are reached at their addresses on the project network, which the
		// machine routes to; no name of that network resolves there.
		spec.HostNetwork = true
		spec.Network, spec.Hostname, spec.Aliases, spec.Links, spec.Ports = "", "", nil, nil, nil
		spec.Labels[LabelNetHost] = "true"
	}
	if in.PersistentDir != nil {
		spec.Binds = append(spec.Binds, o.PersistentDir(in)+":"+PersistentMount)
		if in.DashDataDir {
			spec.Labels[LabelDataDir] = dashDataDirName
		}
	}
	for _, v := range in.Volumes {
		bind := o.VolumeSource(v) + ":" + v.Target
		if v.ReadOnly {
			bind += ":ro"
		}
		spec.Binds = append(spec.Binds, bind)
	}
	if in.Interactive {
		spec.Cmd = []string{"bash"}
		spec.TTY, spec.OpenStdin, spec.AutoRemove = true, true, true
	}
	if in.SeedCommand != "" {
		// The original's seed: the command after the common set-up and the
		// start-up scripts, instead of supervisord (or the shell).
		spec.Cmd = []string{"/bin/bash", "-c", in.SeedCommand}
	}
	restart := o.restart(in)
	spec.Restart = Restart{Policy: string(restart.Policy()), MaxRetries: restart.Retries()}
	spec.Labels[LabelRestart] = string(restart)
	fields := specFields(spec, imageID)
	spec.Labels[LabelSpecHash] = fingerprint(fields)
	spec.Labels[LabelSpecFields] = encodeFields(fields)
	return spec
}

// LabelSpecFields holds a short hash per part of the spec, so a later run can
// say what changed (`env DB_URL changed`) without storing any value.
const LabelSpecFields = "dockerops.spec.fields"

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// specFields names every part of a spec that, when it changes, needs a new
// container; values are short hashes.
func specFields(s ContainerSpec, imageID string) map[string]string {
	network := s.Network
	if s.HostNetwork {
		network = "host"
	}
	f := map[string]string{
		"image":    short(imageID),
		"hostname": short(s.Hostname),
		"network":  short(network),
		"ports":    short(portsField(s.Ports)),
		"volumes":  short(strings.Join(s.Binds, "\n")),
		"links":    short(strings.Join(s.Links, "\n")),
		"aliases":  short(strings.Join(s.Aliases, "\n")),
		"command":  short(strings.Join(s.Cmd, "\x00")),
		"type":     short(s.Labels[LabelInstanceType] + "/" + s.Labels[LabelGroup]),
	}
	for _, kv := range s.Env {
		k, v, _ := strings.Cut(kv, "=")
		f["env "+k] = short(v)
	}
	// Containers made before restart policies have none: only a policy
	// other than no is a field, so they are not recreated for nothing.
	if s.Restart.Policy != "" && s.Restart.Policy != string(project.RestartNo) {
		f["restart"] = short(fmt.Sprint(s.Restart.Policy, ":", s.Restart.MaxRetries))
	}
	return f
}

// portsField is the ports as they were written before ports could bind to
// one address, so containers made then are not recreated for nothing, with
// the addresses after them.
func portsField(ports []PortBinding) string {
	type port struct {
		Container, Host int
		Protocol        string
	}
	var before []port
	var on []string
	for _, p := range ports {
		before = append(before, port{p.Container, p.Host, p.Protocol})
		if p.HostIP != "" {
			on = append(on, fmt.Sprintf("%d/%s on %s", p.Host, p.Protocol, p.HostIP))
		}
	}
	f := fmt.Sprint(before)
	if len(on) > 0 {
		f += " " + strings.Join(on, " ")
	}
	return f
}

func short(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:5])
}

func fingerprint(fields map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		fmt.Fprintf(h, "%s=%s\n", k, fields[k])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func encodeFields(fields map[string]string) string {
	b, _ := json.Marshal(fields) // a map of strings always marshals
	return string(b)
}

// changes lists, in a stable order, what differs between the fields a
// container was created with and the wanted ones.
func changes(old, new string) []string {
	var had, want map[string]string
	if json.Unmarshal([]byte(old), &had) != nil || json.Unmarshal([]byte(new), &want) != nil {
		return []string{"created by another dockerops version"}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		v, ok := had[k]
		switch {
		case !ok && strings.HasPrefix(k, "env "):
			out = append(out, k+" added")
		case k == "image" && v != want[k]:
			out = append(out, "image rebuilt")
		case v != want[k]:
			out = append(out, k+" changed")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(had)) {
		if _, ok := want[k]; !ok {
			out = append(out, k+" removed")
		}
	}
	return out
}
