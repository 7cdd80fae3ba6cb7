package fakedo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

// awaitActive polls a droplet until it is active and unlocked.
func awaitActive(t *testing.T, c *godo.Client, id int) *godo.Droplet {
	t.Helper()
	for range 50 {
		d, _, err := c.Droplets.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == "active" && !d.Locked {
			return d
		}
	}
	t.Fatalf("droplet %d never became active and unlocked", id)
	return nil
}

func TestReservedIPAssignUnassign(t *testing.T) {
	ctx := context.Background()
	f, c := start(t, fakedo.Config{ActivateAfter: 1, ActionPolls: 1, LockAfter: 1})
	d := create(t, c, "web", false)

	rip, _, err := c.ReservedIPs.Create(ctx, &godo.ReservedIPCreateRequest{Region: "fra1"})
	if err != nil {
		t.Fatal(err)
	}
	if rip.Droplet != nil || rip.Region.Slug != "fra1" || rip.IP == "" {
		t.Errorf("new reserved IP: %+v", rip)
	}
	// A droplet still being created is locked.
	if _, _, err := c.ReservedIPActions.Assign(ctx, rip.IP, d.ID); statusOf(err) != 422 || !strings.Contains(err.Error(), "pending event") {
		t.Errorf("assign to a new droplet: %v, want 422 pending event", err)
	}
	own := awaitActive(t, c, d.ID)
	ownIP, _ := own.PublicIPv4()

	a, _, err := c.ReservedIPActions.Assign(ctx, rip.IP, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != godo.ActionInProgress || a.Type != "assign_ip" || a.ResourceType != "reserved_ip" {
		t.Errorf("assign action: %+v", a)
	}
	if _, _, err := c.ReservedIPActions.Unassign(ctx, rip.IP); statusOf(err) != 422 {
		t.Errorf("unassign during the assign: %v, want 422", err)
	}
	for a.Status == godo.ActionInProgress {
		if a, _, err = c.ReservedIPActions.Get(ctx, rip.IP, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if a.Status != godo.ActionCompleted {
		t.Fatalf("assign ended %q", a.Status)
	}
	got, _, err := c.ReservedIPs.Get(ctx, rip.IP)
	if err != nil || got.Droplet == nil || got.Droplet.ID != d.ID {
		t.Fatalf("reserved IP after the assign: %+v, %v", got, err)
	}
	// The droplet lists both public addresses, the reserved one first:
	// the API promises no order.
	cur, _, _ := c.Droplets.Get(ctx, d.ID)
	var public []string
	for _, n := range cur.Networks.V4 {
		if n.Type == "public" {
			public = append(public, n.IPAddress)
		}
	}
	if len(public) != 2 || public[0] != rip.IP || public[1] != ownIP {
		t.Errorf("droplet public IPv4s %v, want the reserved %s and its own %s", public, rip.IP, ownIP)
	}

	// A deleted droplet's reserved IP is unassigned and kept.
	if _, err := c.Droplets.Delete(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	got, _, _ = c.ReservedIPs.Get(ctx, rip.IP)
	if got.Droplet != nil {
		t.Errorf("reserved IP of a deleted droplet is still assigned to %d", got.Droplet.ID)
	}
	if _, err := c.ReservedIPs.Delete(ctx, rip.IP); err != nil {
		t.Fatal(err)
	}
	if len(f.ReservedIPs()) != 0 {
		t.Errorf("reserved IPs after the delete: %v", f.ReservedIPs())
	}
	if _, _, err := c.ReservedIPs.Get(ctx, rip.IP); statusOf(err) != http.StatusNotFound {
		t.Errorf("GET of a released IP: %v, want 404", err)
	}
}

func TestReservedIPRefusals(t *testing.T) {
	ctx := context.Background()
	_, c := start(t, fakedo.Config{})
	d := create(t, c, "web", false) // in fra1
	awaitActive(t, c, d.ID)
	if _, _, err := c.ReservedIPs.Create(ctx, &godo.ReservedIPCreateRequest{Region: "xyz9"}); statusOf(err) != 422 {
		t.Errorf("create in an unknown region: %v, want 422", err)
	}
	ams, _, err := c.ReservedIPs.Create(ctx, &godo.ReservedIPCreateRequest{Region: "ams3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReservedIPActions.Assign(ctx, ams.IP, d.ID); statusOf(err) != 422 || !strings.Contains(err.Error(), "same region") {
		t.Errorf("assign across regions: %v, want 422 same region", err)
	}
	if _, _, err := c.ReservedIPActions.Unassign(ctx, ams.IP); statusOf(err) != 422 {
		t.Errorf("unassign an unassigned IP: %v, want 422", err)
	}
	// Created for a droplet: assigned by an action named in links.
	fra, resp, err := c.ReservedIPs.Create(ctx, &godo.ReservedIPCreateRequest{DropletID: d.ID})
	if err != nil {
		t.Fatal(err)
	}
	if fra.Region.Slug != "fra1" || resp.Links == nil || len(resp.Links.Actions) != 1 || resp.Links.Actions[0].Rel != "assign_ip" {
		t.Errorf("create for a droplet: %+v, links %+v", fra, resp.Links)
	}
	if _, _, err := c.ReservedIPs.Create(ctx, &godo.ReservedIPCreateRequest{Region: "fra1"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReservedIPs.Create(ctx, &godo.ReservedIPCreateRequest{Region: "fra1"}); statusOf(err) != 422 || !strings.Contains(err.Error(), "limit") {
		t.Errorf("a fourth reserved IP: %v, want 422 over the limit of 3", err)
	}
}
