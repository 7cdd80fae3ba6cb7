package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/digitalocean/godo"

	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/project"
)

// publishedPorts is, by host, the ports run.conf's instances publish there
// (orchestrator.Placement.PublishedOn), for the hosts' cloud firewalls.
func publishedPorts(p *project.Project, hosts *digitalocean.Hosts) (map[string][]digitalocean.PublishedPort, error) {
	all, err := p.Resolve(project.Selection{Target: "all"}, project.Overrides{})
	if err != nil {
		return nil, fmt.Errorf("the hosts' firewalls open the ports run.conf publishes: %w", err)
	}
	pl := placement(hosts)
	out := map[string][]digitalocean.PublishedPort{}
	for _, h := range hosts.Names {
		for _, port := range pl.PublishedOn(h, all) {
			out[h] = append(out[h], digitalocean.PublishedPort{Port: port.Host, Protocol: port.Protocol})
		}
	}
	return out, nil
}

// reservedIPsPath records, by host, the reserved IP provision gave it:
// the API has no name or tag for a reserved IP, and once destroy (without
// purge) has deleted the droplet this file is what says which kept
// address is the host's (a DNS A record says it too, for a host with names).
func reservedIPsPath(p *project.Project) string { return filepath.Join(p.Dir, "reserved_ips.json") }

func readReservedIPs(p *project.Project) (map[string]string, error) {
	data, err := os.ReadFile(reservedIPsPath(p))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read reserved IPs: %w", err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", reservedIPsPath(p), err)
	}
	return m, nil
}

func writeReservedIPs(p *project.Project, m map[string]string) error {
	if len(m) == 0 {
		if err := os.Remove(reservedIPsPath(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write reserved IPs: %w", err)
		}
		return nil
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := reservedIPsPath(p) + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write reserved IPs: %w", err)
	}
	return os.Rename(tmp, reservedIPsPath(p))
}

// knownReservedIPs is what earlier runs recorded: reserved_ips.json, and
// inventory.json for a droplet deleted outside dockerops.
func knownReservedIPs(p *project.Project) (map[string]string, error) {
	known, err := readReservedIPs(p)
	if err != nil {
		return nil, err
	}
	if inv, err := digitalocean.ReadInventory(inventoryPath(p)); err == nil {
		for h, e := range inv {
			if e.ReservedIP != "" && known[h] == "" {
				known[h] = e.ReservedIP
			}
		}
	}
	return known, nil
}

// recordReservedIPs adds provision's reserved IPs to reserved_ips.json.
func recordReservedIPs(p *project.Project, inv digitalocean.Inventory) error {
	known, err := readReservedIPs(p)
	if err != nil {
		return err
	}
	for h, e := range inv {
		if e.ReservedIP != "" {
			known[h] = e.ReservedIP
		}
	}
	return writeReservedIPs(p, known)
}

// purgeReservedIPs finds the reserved IPs destroy's purge=True releases
// and returns the option that makes Destroy release them, the addresses by
// host, and how to name them in destroy's question (see purgeQuestion);
// without purge it finds nothing.
func purgeReservedIPs(ctx context.Context, a Args, client *godo.Client, p *project.Project, hosts []digitalocean.Host) (digitalocean.Option, map[string]string, []string, error) {
	if !a.flag("purge") {
		return nil, nil, nil, nil
	}
	known, err := knownReservedIPs(p)
	if err != nil {
		return nil, nil, nil, err
	}
	ips, err := digitalocean.HostReservedIPs(ctx, client, p.Name, hosts, known)
	if err != nil {
		return nil, nil, nil, err
	}
	var items []string
	for _, h := range slices.Sorted(maps.Keys(ips)) {
		items = append(items, fmt.Sprintf("reserved IP %s of host %s", ips[h], h))
	}
	return digitalocean.WithReleaseReservedIPs(ips), ips, items, nil
}

// purgeQuestion is what destroy's question adds for purge=True, naming
// everything it deletes for good; "" when there is nothing.
func purgeQuestion(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return ", and DELETE for good " + strings.Join(items, ", ") + " (this cannot be undone)"
}

// forgetReservedIPs drops released addresses from reserved_ips.json.
func forgetReservedIPs(p *project.Project, released map[string]string) error {
	if len(released) == 0 {
		return nil
	}
	known, err := readReservedIPs(p)
	if err != nil {
		return err
	}
	for h := range released {
		delete(known, h)
	}
	return writeReservedIPs(p, known)
}
