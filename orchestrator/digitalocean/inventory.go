package digitalocean

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/digitalocean/godo"
)

// Inventory describes provisioned hosts by host name, in cloudmaker's
// inventory.json shape.
type Inventory map[string]InventoryHost

// InventoryHost is one host of the inventory.
type InventoryHost struct {
	Names   []string `json:"names"` // DNS names, sorted
	Region  string   `json:"region"`
	Size    string   `json:"size"`
	Image   string   `json:"image"` // slug, or the snapshot's name
	Backups bool     `json:"backups"`
	// VPC is the droplet's vpc_uuid: private addresses reach only the
	// droplets of the same VPC. "" in an inventory written before it was
	// recorded (see SameVPC).
	VPC     string     `json:"vpc_uuid,omitempty"`
	Private Interfaces `json:"private_network_interfaces"`
	Public  Interfaces `json:"public_network_interfaces"`

	// ReservedIP is the host's reserved IPv4, which its DNS A records
	// point at; Public.IPv4 stays the droplet's own (SSH goes there).
	ReservedIP string `json:"reserved_ip,omitempty"`
	// Firewalls are the names of the cloud firewalls that cover the host.
	Firewalls []string         `json:"firewalls,omitempty"`
	Volume    *InventoryVolume `json:"volume,omitempty"` // the host's block storage volume, if any
}

// InventoryVolume is a host's block storage volume.
type InventoryVolume struct {
	Name     string `json:"name"`
	SizeGB   int64  `json:"size_gigabytes"`
	Attached bool   `json:"attached"` // to the host's droplet
}

// Interfaces are a host's addresses; a missing one is left out of the JSON.
type Interfaces struct {
	IPv4 string `json:"ipv4,omitempty"`
	IPv6 string `json:"ipv6,omitempty"`
}

// inventoryHost describes a droplet that carries the given DNS names.
func inventoryHost(d *godo.Droplet, names []string) InventoryHost {
	slices.Sort(names)
	names = slices.Compact(names)
	if names == nil {
		names = []string{}
	}
	h := InventoryHost{Names: names, Size: d.SizeSlug, Backups: slices.Contains(d.Features, "backups"), VPC: d.VPCUUID}
	if d.Region != nil {
		h.Region = d.Region.Slug
	}
	if d.Image != nil {
		h.Image = d.Image.Slug
		if h.Image == "" {
			h.Image = d.Image.Name
		}
	}
	h.Public.IPv4, h.Private.IPv4, h.Public.IPv6 = addresses(d)
	return h
}

// WriteInventory writes the inventory as indented JSON (hosts sorted by
// name), replacing path atomically.
func WriteInventory(path string, inv Inventory) error {
	if inv == nil {
		inv = Inventory{}
	}
	data, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write inventory: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write inventory %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write inventory %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write inventory %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write inventory %s: %w", path, err)
	}
	return nil
}

// ReadInventory reads an inventory written by WriteInventory (or cloudmaker).
func ReadInventory(path string) (Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	var inv Inventory
	if err := json.Unmarshal(data, &inv); err != nil {
		return nil, fmt.Errorf("read inventory %s: %w", path, err)
	}
	return inv, nil
}
