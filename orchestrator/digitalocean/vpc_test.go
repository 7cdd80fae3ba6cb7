package digitalocean

import (
	"context"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

// The inventory records each droplet's VPC as the API reports it: the
// region's default VPC when hosts.conf names none, the named one otherwise.
// Only hosts of one VPC link over their private addresses.
func TestProvisionRecordsVPCs(t *testing.T) {
	const custom = "5a4bd6c5-1b2e-4f3a-9c8d-7e6f5a4b3c2d"
	f, c, _ := newFake(t, fakedo.Config{})
	f.AddVPC(custom, "fra1")
	inv, err := Provision(context.Background(), c, request(t, hosts(t, `{
"web": {"region": "fra1"},
"db": {"region": "fra1"},
"far": {"region": "nyc1"},
"next": {"region": "nyc3"},
"own": {"region": "fra1", "vpc_uuid": "`+custom+`"}
}`)))
	if err != nil {
		t.Fatal(err)
	}
	for h, e := range inv {
		if e.VPC == "" {
			t.Errorf("host %s: no vpc_uuid in the inventory: %+v", h, e)
		}
	}
	if inv["web"].VPC != inv["db"].VPC {
		t.Errorf("two droplets of fra1's default VPC: %s and %s", inv["web"].VPC, inv["db"].VPC)
	}
	if inv["far"].VPC == inv["next"].VPC {
		t.Errorf("nyc1 and nyc3 share default VPC %s", inv["far"].VPC)
	}
	if inv["far"].VPC == inv["web"].VPC || inv["own"].VPC != custom {
		t.Errorf("VPCs: far (nyc1) %s, web (fra1) %s, own %s (want %s)", inv["far"].VPC, inv["web"].VPC, inv["own"].VPC, custom)
	}

	if got, err := inv.LinkAddress("web", "db"); err != nil || got != inv["db"].Private.IPv4 || got == "" {
		t.Errorf("web -> db in one VPC: %q, %v; want db's private IPv4 %s", got, err, inv["db"].Private.IPv4)
	}
	for _, to := range []string{"far", "own"} {
		_, err := inv.LinkAddress("web", to)
		if err == nil {
			t.Errorf("web -> %s across VPCs: no error", to)
			continue
		}
		for _, want := range []string{"web", to, inv[to].VPC, "same region", "vpc_uuid"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("web -> %s: %q does not say %q", to, err, want)
			}
		}
	}
	w := inv.PrivateNetworkWarning()
	for _, want := range []string{"db, web (VPC " + inv["web"].VPC, "far (VPC " + inv["far"].VPC + " in nyc1)", "own (VPC " + custom, "same region", "vpc_uuid in hosts.conf"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q does not say %q", w, want)
		}
	}
	delete(inv, "far")
	delete(inv, "own")
	delete(inv, "next")
	if w := inv.PrivateNetworkWarning(); w != "" {
		t.Errorf("hosts of one VPC: warning %q", w)
	}
}

// An inventory written before VPCs were recorded counts a host as in its
// region's default VPC.
func TestSameVPCWithoutRecordedVPC(t *testing.T) {
	for _, tt := range []struct {
		a, b InventoryHost
		want bool
	}{
		{InventoryHost{Region: "fra1"}, InventoryHost{Region: "fra1"}, true},
		{InventoryHost{Region: "fra1"}, InventoryHost{Region: "nyc1"}, false},
		{InventoryHost{Region: "fra1", VPC: "a"}, InventoryHost{Region: "fra1", VPC: "b"}, false},
		{InventoryHost{Region: "fra1", VPC: "a"}, InventoryHost{Region: "fra1"}, true},
		{InventoryHost{Region: "fra1", VPC: "a"}, InventoryHost{Region: "nyc1", VPC: "a"}, true},
	} {
		if got := SameVPC(tt.a, tt.b); got != tt.want {
			t.Errorf("SameVPC(%+v, %+v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
