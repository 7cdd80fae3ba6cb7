package app

import (
	"context"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/project"
)

// target is the machine a task's host= key names, with its engine and its
// file system: the local disk under the project's data dir, or a droplet's
// disk under its data root, reached through the droplet's own engine.
// p is needed for the local data dir; without it the target has no files.
func (s *session) target(ctx context.Context, a Args, name string, p *project.Project) (orchestrator.Target, error) {
	host := a.strOr("host", "")
	e, err := s.dockerEngine(ctx, host)
	if err != nil {
		return orchestrator.Target{}, err
	}
	t := orchestrator.Target{Host: host, Engine: e}
	switch {
	case host != "":
		root, err := s.hostDataRoot(host, name)
		if err != nil {
			return orchestrator.Target{}, err
		}
		t.Files = orchestrator.HostFiles{Engine: e, Dir: root, Project: name}
	case p != nil:
		t.Files = orchestrator.LocalFiles{Dir: p.DataDir}
	}
	return t, nil
}

// hostDataRoot is where a project's persistent data lives on a droplet:
// its hosts.conf data_dir, /var/lib/dockerops/<project> by default.
func (s *session) hostDataRoot(host, name string) (string, error) {
	_, hosts, err := s.projectHosts()
	if err != nil {
		return "", err
	}
	h, err := hosts.Lookup(host)
	if err != nil {
		return "", err
	}
	return h.DataRoot(name), nil
}

// placement is hosts.conf's hosts and the groups each runs.
func placement(hosts *digitalocean.Hosts) orchestrator.Placement {
	var pl orchestrator.Placement
	for _, h := range hosts.All() {
		pl.Hosts = append(pl.Hosts, orchestrator.PlacedHost{Name: h.Name, Groups: h.Groups})
	}
	return pl
}

// onHost narrows instances to those a host runs, with links to instances of
// other hosts pointed at those hosts' private addresses; a link to a host in
// another VPC is refused (digitalocean.Inventory.LinkAddress).
func (s *session) onHost(ctx context.Context, p *project.Project, host string, instances []project.Instance) ([]project.Instance, error) {
	hosts, err := digitalocean.LoadHosts(p.Dir, p.AppsDir)
	if err != nil {
		return nil, err
	}
	if _, err := hosts.Lookup(host); err != nil {
		return nil, err
	}
	all, err := p.Resolve(project.Selection{Target: "all"}, project.Overrides{})
	if err != nil {
		return nil, err
	}
	return placement(hosts).OnHost(host, instances, all, func(other string) (string, error) {
		inv := digitalocean.Inventory{}
		for _, h := range []string{host, other} {
			entry, err := s.hostEntry(ctx, p, h)
			if err != nil {
				return "", err
			}
			inv[h] = entry
		}
		return inv.LinkAddress(host, other)
	})
}
