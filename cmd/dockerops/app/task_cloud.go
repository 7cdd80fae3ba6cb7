package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"time"

	"github.com/digitalocean/godo"
	"golang.org/x/crypto/ssh"

	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/orchestrator/dockerengine"
	"github.com/dockerops/dockerops/project"
)

// dockerWait bounds provision's wait for a new droplet to be ready
// (cloud-init installs Docker after the droplet becomes active).
const dockerWait = 10 * time.Minute

func (s *session) cloud(conf string) (*project.Project, *digitalocean.Hosts, *godo.Client, error) {
	p, err := s.project(conf)
	if err != nil {
		return nil, nil, nil, err
	}
	hosts, err := digitalocean.LoadHosts(p.Dir, p.AppsDir)
	if err != nil {
		return nil, nil, nil, err
	}
	client, err := digitalocean.ClientFromEnv(s.env.Getenv, p.HostConf, s.log)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, hosts, client, nil
}

func inventoryPath(p *project.Project) string { return filepath.Join(p.Dir, "inventory.json") }

func knownHostsPath(p *project.Project) string {
	return filepath.Join(p.DataDir, ".ssh", "known_hosts")
}

func runProvision(ctx context.Context, s *session, a Args) error {
	p, hosts, client, err := s.cloud("")
	if err != nil {
		return err
	}
	var names []string
	if a.Arg != "" && a.Arg != "all" {
		names = []string{a.Arg}
	}
	selected, err := hosts.Select(names...)
	if err != nil {
		return err
	}
	key, err := s.projectKey(p)
	if err != nil {
		return err
	}
	progress, err := s.progressLines(a, "provision")
	if err != nil {
		return err
	}
	defer progress.Close()
	req := digitalocean.ProvisionRequest{Project: p.Name, Hosts: selected, PublicKey: key.AuthorizedKey(), Progress: progress}
	if req.Published, err = publishedPorts(p, hosts); err != nil {
		return err
	}
	if req.ReservedIPs, err = knownReservedIPs(p); err != nil {
		return err
	}
	switch {
	case a.flag("force"):
		req.ConfirmDelete = func(string) bool { return true }
	case isTerminal(s.env.Stdin):
		req.ConfirmDelete = func(q string) bool { return s.confirm(q) == nil }
	}
	if b := a.boolPtr("wait"); b == nil || *b {
		req.Run = func(ctx context.Context, _, ip, command string) (string, int, error) {
			return s.runOnDroplet(ctx, p, key.Signer, ip, command)
		}
		req.ReadyTimeout = dockerWait
		req.NewAddress = func(ip string) error { return dockerengine.ForgetHosts(knownHostsPath(p), ip) }
	}
	inv, err := digitalocean.Provision(ctx, client, req)
	if err != nil {
		return err
	}
	if err := recordReservedIPs(p, inv); err != nil {
		return err
	}
	all, err := digitalocean.ReadInventory(inventoryPath(p))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if all == nil {
		all = digitalocean.Inventory{}
	}
	for h, entry := range inv {
		all[h] = entry
	}
	if err := digitalocean.WriteInventory(inventoryPath(p), all); err != nil {
		return err
	}
	if w := all.PrivateNetworkWarning(); w != "" {
		fmt.Fprintln(progress, w)
	}
	if req.Run == nil {
		fmt.Fprintln(progress, "swarm: not formed with wait=False (Docker may not answer yet): run provision again to form it")
	} else if err := s.formSwarm(ctx, p, hosts, all, key.Signer, progress); err != nil {
		return err
	}
	return printInventory(s, inv)
}

// runOnDroplet runs a shell command as root on the droplet at ip over SSH,
// with the project key and known_hosts. Failing to connect (sshd not up
// yet) wraps digitalocean.ErrNotAnswering so provision tries again; a
// changed host key does not, as waiting cannot fix it.
func (s *session) runOnDroplet(ctx context.Context, p *project.Project, signer ssh.Signer, ip, command string) (string, int, error) {
	out, status, err := dockerengine.RunSSH(ctx, s.dropletSSH(p, signer, ip), command)
	if err != nil && ctx.Err() == nil && !errors.Is(err, dockerengine.ErrHostKeyChanged) {
		err = fmt.Errorf("%w: %w", digitalocean.ErrNotAnswering, err)
	}
	return out, status, err
}

func printInventory(s *session, inv digitalocean.Inventory) error {
	out, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.env.Stdout, "%s\n", out)
	return err
}

func runInventory(ctx context.Context, s *session, _ Args) error {
	p, _, client, err := s.cloud("")
	if err != nil {
		return err
	}
	inv, err := digitalocean.RebuildInventory(ctx, client, p.Name)
	if err != nil {
		return err
	}
	if err := digitalocean.WriteInventory(inventoryPath(p), inv); err != nil {
		return err
	}
	if err := sayKeptVolumes(ctx, s.env.Stderr, client, p.Name, inv); err != nil {
		return err
	}
	return printInventory(s, inv)
}

// confirmDestroy checks destroy's argument and asks, unless force=True,
// before the task takes the deploy locks; without purge=True it asks the
// API nothing. With purge=True the question names every volume and
// reserved IP that goes for good, and what it named is what runDestroy
// deletes (s.purge).
func confirmDestroy(ctx context.Context, s *session, a Args) error {
	p, hosts, client, err := s.cloud("")
	if err != nil {
		return err
	}
	if a.Arg == "" {
		return usagef("destroy needs all or a host name, e.g. `dockerops destroy:web1`")
	}
	what := "every droplet of project " + p.Name
	var names []string
	if a.Arg != "all" {
		if _, err := hosts.Lookup(a.Arg); err != nil {
			return err
		}
		what = "droplet " + digitalocean.DropletName(p.Name, a.Arg)
		names = []string{a.Arg}
	}
	selected, err := hosts.Select(names...)
	if err != nil {
		return err
	}
	release, released, ips, err := purgeReservedIPs(ctx, a, client, p, selected)
	if err != nil {
		return err
	}
	volumes, vols, err := purgeVolumes(ctx, a, client, p.Name, names)
	if err != nil {
		return err
	}
	s.purge = destroyPurge{released: released}
	for _, o := range []digitalocean.Option{release, volumes} {
		if o != nil {
			s.purge.opts = append(s.purge.opts, o)
		}
	}
	if a.flag("force") {
		return nil
	}
	return s.confirm("Destroy " + what + " and its DNS records" + purgeQuestion(append(vols, ips...)) + "?")
}

// destroyPurge is what destroy's question named for deletion for good:
// the options that make Destroy delete it and the reserved IPs released.
type destroyPurge struct {
	opts     []digitalocean.Option
	released map[string]string // host -> reserved IP
}

// runDestroy destroys what confirmDestroy asked about.
func runDestroy(ctx context.Context, s *session, a Args) error {
	p, hosts, client, err := s.cloud("")
	if err != nil {
		return err
	}
	var names []string
	if a.Arg != "all" {
		names = []string{a.Arg}
	}
	progress, err := s.progressLines(a, "destroy")
	if err != nil {
		return err
	}
	defer progress.Close()
	if names != nil {
		if err := s.leaveSwarm(ctx, p, hosts, a.Arg, progress); err != nil {
			return err
		}
	}
	deleted, err := digitalocean.Destroy(ctx, client, p.Name, names, append(s.purge.opts, digitalocean.WithProgress(progress))...)
	s.markDestroyed(deleted...)
	// The addresses go to the next droplets, with other host keys.
	if ferr := dockerengine.ForgetHosts(knownHostsPath(p), deleted...); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if err := forgetReservedIPs(p, s.purge.released); err != nil {
		return err
	}
	inv, err := digitalocean.ReadInventory(inventoryPath(p))
	if err != nil {
		return nil // nothing recorded locally
	}
	for h := range inv {
		if names == nil || h == a.Arg {
			delete(inv, h)
		}
	}
	return digitalocean.WriteInventory(inventoryPath(p), inv)
}

func runSnapshot(ctx context.Context, s *session, a Args) error {
	p, hosts, client, err := s.cloud("")
	if err != nil {
		return err
	}
	switch {
	case a.Arg == "list":
		snaps, err := digitalocean.ListSnapshots(ctx, client, p.Name)
		if err != nil {
			return err
		}
		digitalocean.PrintSnapshots(s.env.Stdout, snaps)
		return nil
	case a.Arg == "":
		return usagef("snapshot needs a host name or list, e.g. `dockerops snapshot:web1`")
	}
	if _, err := hosts.Lookup(a.Arg); err != nil {
		return err
	}
	progress, err := s.progressLines(a, "snapshot")
	if err != nil {
		return err
	}
	defer progress.Close()
	return digitalocean.Snapshot(ctx, client, p.Name, a.Arg, a.strOr("name", ""), digitalocean.WithProgress(progress))
}

// hostAddresses finds a host's public and private IPv4 in inventory.json,
// rebuilding it from the account when the host is not recorded there.
func (s *session) hostAddresses(ctx context.Context, p *project.Project, host string) (public, private string, err error) {
	entry, err := s.hostEntry(ctx, p, host)
	return entry.Public.IPv4, entry.Private.IPv4, err
}

// hostEntry is a host's entry of inventory.json, rebuilt from the account
// when the host is not recorded there.
func (s *session) hostEntry(ctx context.Context, p *project.Project, host string) (digitalocean.InventoryHost, error) {
	inv, err := digitalocean.ReadInventory(inventoryPath(p))
	if entry, ok := inv[host]; err == nil && ok && entry.Public.IPv4 != "" {
		return entry, nil
	}
	client, err := digitalocean.ClientFromEnv(s.env.Getenv, p.HostConf, s.log)
	if err != nil {
		return digitalocean.InventoryHost{}, fmt.Errorf("host %s is not in inventory.json, and the account cannot be asked: %w", host, err)
	}
	if inv, err = digitalocean.RebuildInventory(ctx, client, p.Name); err != nil {
		return digitalocean.InventoryHost{}, err
	}
	if err := digitalocean.WriteInventory(inventoryPath(p), inv); err != nil {
		return digitalocean.InventoryHost{}, err
	}
	entry, ok := inv[host]
	if !ok || entry.Public.IPv4 == "" {
		return digitalocean.InventoryHost{}, fmt.Errorf("host %s has no droplet; run `dockerops provision:%s` first", host, host)
	}
	return entry, nil
}

// remoteEngineOptions reach a droplet's Docker socket through SSH as root,
// with the project key and the project's known_hosts.
func (s *session) remoteEngineOptions(ctx context.Context, host string) (dockerengine.Options, error) {
	p, hosts, err := s.projectHosts()
	if err != nil {
		return dockerengine.Options{}, err
	}
	if _, err := hosts.Lookup(host); err != nil {
		return dockerengine.Options{}, err
	}
	ip, _, err := s.hostAddresses(ctx, p, host)
	if err != nil {
		return dockerengine.Options{}, err
	}
	key, err := s.projectKey(p)
	if err != nil {
		return dockerengine.Options{}, err
	}
	return s.dropletSSH(p, key.Signer, ip), nil
}

// dropletSSH reaches a droplet at ip as root over SSH, with the project key
// and the project's known_hosts.
func (s *session) dropletSSH(p *project.Project, signer ssh.Signer, ip string) dockerengine.Options {
	return dockerengine.Options{Host: "ssh://root@" + ip, SSHSigners: []ssh.Signer{signer}, KnownHostsFile: knownHostsPath(p), Log: s.log}
}

// projectHosts is the project and its hosts.conf.
func (s *session) projectHosts() (*project.Project, *digitalocean.Hosts, error) {
	p, err := s.project("")
	if err != nil {
		return nil, nil, err
	}
	hosts, err := digitalocean.LoadHosts(p.Dir, p.AppsDir)
	return p, hosts, err
}

// hostNames lists hosts.conf's hosts for hosts=all.
func (s *session) hostNames() ([]string, error) {
	_, hosts, err := s.projectHosts()
	if err != nil {
		return nil, err
	}
	names := append([]string(nil), hosts.Names...)
	sort.Strings(names)
	return names, nil
}
