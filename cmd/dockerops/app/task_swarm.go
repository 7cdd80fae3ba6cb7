package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"golang.org/x/crypto/ssh"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/orchestrator/dockerengine"
	"github.com/dockerops/dockerops/orchestrator/swarm"
	"github.com/dockerops/dockerops/project"
)

// swarmHosts opens the engines of the hosts of hosts.conf that have a
// droplet in inv, reached through SSH at the public address; the swarm
// itself speaks on the private one. release closes the engines.
func (s *session) swarmHosts(ctx context.Context, p *project.Project, hosts *digitalocean.Hosts, inv digitalocean.Inventory, signer ssh.Signer) (out []swarm.Host, release func(), err error) {
	var engines []*dockerengine.Engine
	release = func() {
		for _, e := range engines {
			_ = e.Close()
		}
	}
	for _, h := range hosts.All() {
		entry, ok := inv[h.Name]
		if !ok || entry.Public.IPv4 == "" {
			continue // no droplet yet
		}
		if entry.Private.IPv4 == "" {
			release()
			return nil, nil, fmt.Errorf("host %s has no private IPv4 in inventory.json: the swarm keeps to the private network; run `dockerops inventory`", h.Name)
		}
		e, err := dockerengine.New(ctx, s.dropletSSH(p, signer, entry.Public.IPv4))
		if err != nil {
			release()
			return nil, nil, fmt.Errorf("host %s: %w", h.Name, err)
		}
		engines = append(engines, e)
		out = append(out, swarm.Host{Name: h.Name, Addr: entry.Private.IPv4, Manager: h.Manager, Groups: h.Groups, Engine: e})
	}
	return out, release, nil
}

// swarmManager finds, by swarm.Manager's rule, the manager of project's
// swarm (the swarm labelled dockerops.project=project) among the hosts of
// hosts.conf that answer, and returns its engine and host. Every task that
// acts on the swarm as a whole asks it: run, rollback and clean with
// hosts=all deploy through it, ps with hosts=all reads the services from
// it. Hosts whose engine is no swarm node are skipped; the error wraps
// swarm.ErrNoManager when none manages the project's swarm.
func (s *session) swarmManager(ctx context.Context, project string, hosts *digitalocean.Hosts) (orchestrator.Services, string, error) {
	var members []swarm.Host
	for _, h := range hosts.All() {
		e, err := s.dockerEngine(ctx, h.Name)
		if err != nil {
			return nil, "", err
		}
		if se, ok := e.(swarm.Engine); ok {
			members = append(members, swarm.Host{Name: h.Name, Manager: h.Manager, Groups: h.Groups, Engine: se})
		}
	}
	m, err := swarm.Manager(ctx, project, members)
	if err != nil {
		return nil, "", err
	}
	svc, ok := m.Engine.(orchestrator.Services)
	if !ok {
		return nil, "", fmt.Errorf("host %s manages the swarm, but its engine takes no service calls", m.Name)
	}
	return svc, m.Name, nil
}

// formSwarm makes every provisioned host of the project one swarm.
func (s *session) formSwarm(ctx context.Context, p *project.Project, hosts *digitalocean.Hosts, inv digitalocean.Inventory, signer ssh.Signer, progress io.Writer) error {
	members, release, err := s.swarmHosts(ctx, p, hosts, inv, signer)
	if err != nil {
		return err
	}
	defer release()
	return swarm.Form(ctx, members, swarm.Options{Project: p.Name, Progress: progress})
}

// leaveSwarm takes host out of the project's swarm before its droplet goes.
// Without an inventory there is no droplet known to reach: nothing to do.
func (s *session) leaveSwarm(ctx context.Context, p *project.Project, hosts *digitalocean.Hosts, host string, progress io.Writer) error {
	inv, err := digitalocean.ReadInventory(inventoryPath(p))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, ok := inv[host]; !ok {
		return nil
	}
	key, err := s.projectKey(p)
	if err != nil {
		return err
	}
	members, release, err := s.swarmHosts(ctx, p, hosts, inv, key.Signer)
	if err != nil {
		return err
	}
	defer release()
	return swarm.Remove(ctx, members, host, swarm.Options{Project: p.Name, Progress: progress})
}
