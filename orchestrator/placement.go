package orchestrator

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// Placement is which host runs which groups (hosts.conf's groups), for
// placing a project's instances on its hosts.
type Placement struct {
	// Hosts in hosts.conf order, each with its groups (none = every group).
	Hosts []PlacedHost
}

// PlacedHost is one host and the groups it runs.
type PlacedHost struct {
	Name   string
	Groups []string
}

// Runs says whether host runs the instances of group.
func (pl Placement) Runs(host, group string) bool {
	for _, h := range pl.Hosts {
		if h.Name == host {
			return h.Runs(group)
		}
	}
	return false
}

// Runs says whether h runs group: a host that lists no group runs every one.
func (h PlacedHost) Runs(group string) bool {
	return len(h.Groups) == 0 || slices.Contains(h.Groups, group)
}

// HostFor is the first host that runs group.
func (pl Placement) HostFor(group string) (string, bool) {
	for _, h := range pl.Hosts {
		if h.Runs(group) {
			return h.Name, true
		}
	}
	return "", false
}

// OnHost narrows the selected instances to those host runs. A link whose
// target (looked up among all the project's instances) runs on another host
// gets that host's address in <NAME>_CONTAINER_IP, from address, unless the
// environment or host.conf already gives one. Only published ports answer on
// another host's address, so a link to a target there that publishes none is
// an error (every such link is named): Swarm mode (hosts=all) is what joins
// hosts on one network. An error of address (say, the two hosts share no
// private network) is reported for the link, naming both instances and
// both hosts.
func (pl Placement) OnHost(host string, selected, all []project.Instance, address func(host string) (string, error)) ([]project.Instance, error) {
	var out []project.Instance
	var errs []error
	for _, in := range selected {
		if !pl.Runs(host, in.Group) {
			continue
		}
		for _, l := range in.Links {
			key := strings.ToUpper(l.Name) + "_CONTAINER_IP"
			target, found := findTarget(l, all)
			if in.Env[key] != "" || !found || pl.Runs(host, target.Group) {
				continue
			}
			other, ok := pl.HostFor(target.Group)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: link %s targets group %q, which no host runs", in.Name, l.Name, target.Group))
				continue
			}
			if !target.PublishPorts || len(target.Ports) == 0 {
				errs = append(errs, fmt.Errorf("%s on host %s: link %s targets %s on host %s, which publishes no port there, so nothing would answer at %s's address; "+
					"run the project in Swarm mode (hosts=all), publish %s's ports (publish_ports=True, EXPOSE in its Dockerfile) or set %s",
					in.Name, host, l.Name, target.Name, other, other, target.Name, key))
				continue
			}
			addr, err := address(other)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s on host %s: link %s to %s on host %s: %w", in.Name, host, l.Name, target.Name, other, err))
				continue
			}
			in.Env = maps.Clone(in.Env)
			in.Env[key] = addr
		}
		out = append(out, in)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("host %s runs groups %v: none of the selected instances is in them", host, pl.groupsOf(host))
	}
	return out, nil
}

func (pl Placement) groupsOf(host string) []string {
	for _, h := range pl.Hosts {
		if h.Name == host {
			return h.Groups
		}
	}
	return nil
}
