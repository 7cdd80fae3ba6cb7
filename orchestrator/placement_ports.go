package orchestrator

import (
	"cmp"
	"slices"

	"github.com/dockerops/dockerops/project"
)

// PublishedOn lists the host ports (sorted, once each) that the instances
// of all may publish on host: those of every instance whose group the host
// runs. That is what runs there with host=HOST, and where a swarm service
// can land: its ports are published in host mode on the node that runs its
// task, and a service pinned to one of several candidate nodes is pinned
// when it is first created, after provision, so every candidate counts.
func (pl Placement) PublishedOn(host string, all []project.Instance) []project.Port {
	var out []project.Port
	for _, in := range all {
		if !pl.Runs(host, in.Group) {
			continue
		}
		for _, p := range in.Ports {
			if p.Host == 0 {
				continue
			}
			out = append(out, project.Port{Host: p.Host, Protocol: cmp.Or(p.Protocol, "tcp")})
		}
	}
	slices.SortFunc(out, func(a, b project.Port) int {
		return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.Protocol, b.Protocol))
	})
	return slices.Compact(out)
}
