package dockerengine

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"

	"github.com/dockerops/dockerops/orchestrator"
)

// fromSummary turns one entry of the container list into an Observed,
// without asking the engine anything more.
func fromSummary(s container.Summary) orchestrator.Observed {
	o := orchestrator.Observed{
		ID:      s.ID,
		Labels:  s.Labels,
		State:   string(s.State),
		Status:  s.Status,
		Health:  healthFromStatus(s.Status),
		ImageID: s.ImageID,
		Image:   s.Image,
		Ports:   summaryPorts(s.Ports),
	}
	if len(s.Names) > 0 {
		o.Name = strings.TrimPrefix(s.Names[0], "/")
	}
	if s.NetworkSettings != nil {
		o.IP = projectIP(s.NetworkSettings.Networks, s.Labels[orchestrator.LabelProject])
	}
	return o
}

// fromInspect turns a container's full description into an Observed.
func fromInspect(r container.InspectResponse) orchestrator.Observed {
	o := orchestrator.Observed{
		ID:      r.ID,
		Name:    strings.TrimPrefix(r.Name, "/"),
		ImageID: r.Image,
	}
	if r.Config != nil {
		o.Labels = r.Config.Labels
	}
	o.Restarts = r.RestartCount
	if st := r.State; st != nil {
		o.State = string(st.Status)
		o.Status = string(st.Status)
		if t, err := time.Parse(time.RFC3339Nano, st.StartedAt); err == nil {
			o.StartedAt = t
		}
		if h := st.Health; h != nil {
			o.Health = string(h.Status)
			o.Status += " (" + o.Health + ")"
			if n := len(h.Log); n > 0 && h.Log[n-1] != nil {
				o.HealthLog = strings.TrimSpace(h.Log[n-1].Output)
			}
		}
	}
	if ns := r.NetworkSettings; ns != nil {
		o.IP = projectIP(ns.Networks, o.Labels[orchestrator.LabelProject])
		o.Ports = mappedPorts(ns.Ports)
	}
	return o
}

// healthFromStatus reads the health word the engine puts in the list's
// human status ("Up 2 minutes (healthy)"), "" when there is no check.
func healthFromStatus(status string) string {
	switch {
	case strings.HasSuffix(status, "(healthy)"):
		return "healthy"
	case strings.HasSuffix(status, "(unhealthy)"):
		return "unhealthy"
	case strings.HasSuffix(status, "(health: starting)"):
		return "starting"
	}
	return ""
}

// projectIP is the address on the project's network (named after the
// project), else on the first network, by name, that gave one; Swarm's
// ingress network comes last, as no link or ssh goes through it.
func projectIP(nets map[string]*network.EndpointSettings, project string) string {
	if ep := nets[project]; project != "" && ep != nil && ep.IPAddress != "" {
		return ep.IPAddress
	}
	names := make([]string, 0, len(nets))
	for name := range nets {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "ingress") != (names[j] == "ingress") {
			return names[j] == "ingress"
		}
		return names[i] < names[j]
	})
	for _, name := range names {
		if ep := nets[name]; ep != nil && ep.IPAddress != "" {
			return ep.IPAddress
		}
	}
	return ""
}

// summaryPorts keeps the published ports, once each: engines list a port
// once per host address family.
func summaryPorts(ports []container.Port) []orchestrator.PortBinding {
	var out []orchestrator.PortBinding
	for _, p := range ports {
		if p.PublicPort == 0 {
			continue
		}
		out = append(out, orchestrator.PortBinding{
			Container: int(p.PrivatePort), Host: int(p.PublicPort), Protocol: p.Type, HostIP: boundIP(p.IP)})
	}
	return sortPorts(out)
}

func mappedPorts(pm nat.PortMap) []orchestrator.PortBinding {
	var out []orchestrator.PortBinding
	for port, bindings := range pm {
		for _, b := range bindings {
			host, err := strconv.Atoi(b.HostPort)
			if err != nil || host == 0 {
				continue
			}
			out = append(out, orchestrator.PortBinding{
				Container: port.Int(), Host: host, Protocol: port.Proto(), HostIP: boundIP(b.HostIP)})
		}
	}
	return sortPorts(out)
}

// boundIP is the host address a port is bound to, "" for every one (the
// engine reports 0.0.0.0 and :: for those).
func boundIP(ip string) string {
	if ip == "0.0.0.0" || ip == "::" {
		return ""
	}
	return ip
}

// sortPorts orders ports by container port and protocol and drops repeats.
func sortPorts(ports []orchestrator.PortBinding) []orchestrator.PortBinding {
	sort.Slice(ports, func(i, j int) bool {
		a, b := ports[i], ports[j]
		if a.Container != b.Container {
			return a.Container < b.Container
		}
		if a.Protocol != b.Protocol {
			return a.Protocol < b.Protocol
		}
		return a.Host < b.Host
	})
	var out []orchestrator.PortBinding
	for _, p := range ports {
		if len(out) == 0 || p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}
