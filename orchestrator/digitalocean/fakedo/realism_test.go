package fakedo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func status(err error) int {
	if er, ok := err.(*godo.ErrorResponse); ok && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

// active creates a droplet and GETs it until it is active.
func active(t *testing.T, c *godo.Client) *godo.Droplet {
	t.Helper()
	d := create(t, c, "web", false)
	for d.Status != "active" {
		var err error
		if d, _, err = c.Droplets.Get(context.Background(), d.ID); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestLockAfterEachAction(t *testing.T) {
	_, c := start(t, fakedo.Config{LockAfter: 2})
	ctx := context.Background()
	d := active(t, c) // the GET that saw it active was the first locked one
	if !d.Locked {
		t.Fatal("a droplet just created is not locked")
	}
	_, _, err := c.DropletActions.Shutdown(ctx, d.ID)
	if status(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "pending event") {
		t.Fatalf("action on a locked droplet: %v, want 422 pending event", err)
	}
	if d, _, _ = c.Droplets.Get(ctx, d.ID); d.Locked {
		t.Fatal("still locked after LockAfter requests")
	}
	if _, err := c.Droplets.Delete(ctx, d.ID); err != nil {
		t.Fatalf("delete of an unlocked droplet: %v", err)
	}
}

func TestDeleteLingersThenArchive(t *testing.T) {
	_, c := start(t, fakedo.Config{DeleteLinger: 2})
	ctx := context.Background()
	d := active(t, c)
	if _, err := c.Droplets.Delete(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for range 6 {
		cur, _, err := c.Droplets.Get(ctx, d.ID)
		if status(err) == http.StatusNotFound {
			seen = append(seen, "404")
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, cur.Status)
	}
	if got := strings.Join(seen, " "); got != "active active archive archive 404 404" {
		t.Errorf("GETs after the delete saw %s", got)
	}
}

func TestShutdownFailsAndErroredCreate(t *testing.T) {
	_, c := start(t, fakedo.Config{ShutdownFails: true, ErroredCreates: []string{"dead"}})
	ctx := context.Background()
	d := active(t, c)
	a, _, err := c.DropletActions.Shutdown(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a, _, _ = c.Actions.Get(ctx, a.ID); a.Status != "errored" {
		t.Errorf("shutdown action %s, want errored", a.Status)
	}
	if d, _, _ = c.Droplets.Get(ctx, d.ID); d.Status != "active" {
		t.Errorf("droplet %s after a failed shutdown, want active", d.Status)
	}
	dead, resp, err := c.Droplets.Create(ctx, &godo.DropletCreateRequest{Name: "dead", Region: "fra1", Size: "s-1vcpu-1gb",
		Image: godo.DropletCreateImage{Slug: "debian-12-x64"}})
	if err != nil || resp.Links == nil || len(resp.Links.Actions) != 1 || resp.Links.Actions[0].Rel != "create" {
		t.Fatalf("create: %v, links %+v", err, resp.Links)
	}
	if a, _, _ = c.Actions.Get(ctx, resp.Links.Actions[0].ID); a.Status != "errored" {
		t.Errorf("create action %s, want errored", a.Status)
	}
	as, _, err := c.Droplets.Actions(ctx, dead.ID, nil)
	if err != nil || len(as) != 1 || as[0].Type != "create" {
		t.Errorf("the dead droplet's actions: %+v, %v", as, err)
	}
}

func TestAccountLimitsSizesAndServerErrors(t *testing.T) {
	f, c := start(t, fakedo.Config{DropletLimit: 1, SizeRegions: map[string][]string{"s-2vcpu-4gb": {"ams3"}}, KeyListLimit: 1})
	ctx := context.Background()
	acct, _, err := c.Account.Get(ctx)
	if err != nil || acct.DropletLimit != 1 {
		t.Fatalf("account %+v, %v", acct, err)
	}
	sizes, _, err := c.Sizes.List(ctx, nil)
	if err != nil || len(sizes) == 0 {
		t.Fatal(err)
	}
	for _, s := range sizes {
		if s.Slug == "s-2vcpu-4gb" && strings.Join(s.Regions, ",") != "ams3" {
			t.Errorf("s-2vcpu-4gb regions %q, want ams3", s.Regions)
		}
	}
	create(t, c, "one", false)
	_, _, err = c.Droplets.Create(ctx, &godo.DropletCreateRequest{Name: "two", Region: "fra1", Size: "s-1vcpu-1gb",
		Image: godo.DropletCreateImage{Slug: "debian-12-x64"}})
	if status(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "droplet limit") {
		t.Errorf("create over the limit: %v", err)
	}
	for i := range 2 {
		_, _, err := c.Keys.List(ctx, nil)
		if (i == 0) != (err == nil) {
			t.Errorf("key listing %d: %v, want only the first allowed", i+1, err)
		}
	}
	f.FailNext(1, http.StatusBadGateway)
	if _, _, err := c.Account.Get(ctx); status(err) != http.StatusBadGateway {
		t.Errorf("during the burst: %v, want 502", err)
	}
	if _, _, err := c.Account.Get(ctx); err != nil {
		t.Errorf("after the burst: %v", err)
	}
}
