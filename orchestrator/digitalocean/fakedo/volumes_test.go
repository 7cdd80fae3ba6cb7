package fakedo_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func newVolume(t *testing.T, c *godo.Client, name, region string) *godo.Volume {
	t.Helper()
	v, _, err := c.Storage.CreateVolume(context.Background(), &godo.VolumeCreateRequest{Name: name, Region: region, SizeGigaBytes: 10, Tags: []string{"t1"}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// awaitAction GETs a volume action until it is no longer in progress.
func awaitAction(t *testing.T, c *godo.Client, volumeID string, a *godo.Action) *godo.Action {
	t.Helper()
	for a.Status == godo.ActionInProgress {
		var err error
		if a, _, err = c.StorageActions.Get(context.Background(), volumeID, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

func TestVolumeNamesAreUniquePerRegion(t *testing.T) {
	_, c := start(t, fakedo.Config{})
	ctx := context.Background()
	v := newVolume(t, c, "data", "fra1")
	if v.SizeGigaBytes != 10 || v.Region.Slug != "fra1" || len(v.DropletIDs) != 0 {
		t.Errorf("created volume %+v", v)
	}
	_, _, err := c.Storage.CreateVolume(ctx, &godo.VolumeCreateRequest{Name: "data", Region: "fra1", SizeGigaBytes: 5})
	if status(err) != http.StatusConflict || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second volume of the same name and region: %v, want 409 already exists", err)
	}
	newVolume(t, c, "data", "ams3")
	for _, bad := range []godo.VolumeCreateRequest{
		{Name: "Data", Region: "fra1", SizeGigaBytes: 1}, {Name: "1data", Region: "fra1", SizeGigaBytes: 1},
		{Name: "big", Region: "fra1", SizeGigaBytes: fakedo.MaxVolumeGB + 1}, {Name: "none", Region: "fra1"},
		{Name: "where", Region: "mars1", SizeGigaBytes: 1},
	} {
		if _, _, err := c.Storage.CreateVolume(ctx, &bad); status(err) != http.StatusUnprocessableEntity {
			t.Errorf("create %+v: %v, want 422", bad, err)
		}
	}
	list, _, err := c.Storage.ListVolumes(ctx, &godo.ListVolumeParams{Name: "data", Region: "ams3"})
	if err != nil || len(list) != 1 || list[0].Region.Slug != "ams3" {
		t.Errorf("list by name and region: %v, %v", list, err)
	}
}

func TestVolumeAttachDetachAndDelete(t *testing.T) {
	var mu sync.Mutex
	var events []string
	hook := func(what string) func(*godo.Volume, *godo.Droplet) {
		return func(v *godo.Volume, d *godo.Droplet) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, what+" "+v.Name+" "+d.Name)
		}
	}
	_, c := start(t, fakedo.Config{ActionPolls: 1, LockAfter: 1, OnAttach: hook("attach"), OnDetach: hook("detach")})
	ctx := context.Background()
	d := active(t, c) // in fra1; the GET that saw it active used its lock
	far := newVolume(t, c, "far", "ams3")
	if _, _, err := c.StorageActions.Attach(ctx, far.ID, d.ID); status(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "same region") {
		t.Errorf("attach to a droplet of another region: %v, want 422", err)
	}
	v := newVolume(t, c, "data", "fra1")
	a, _, err := c.StorageActions.Attach(ctx, v.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := c.Storage.GetVolume(ctx, v.ID); len(got.DropletIDs) != 0 {
		t.Errorf("attached before its action completed: %v", got.DropletIDs)
	}
	if _, _, err := c.DropletActions.Reboot(ctx, d.ID); status(err) != http.StatusUnprocessableEntity {
		t.Errorf("droplet action during an attach: %v, want 422 pending event", err)
	}
	if a = awaitAction(t, c, v.ID, a); a.Status != godo.ActionCompleted || a.Type != "attach_volume" {
		t.Fatalf("attach action %s %s", a.Type, a.Status)
	}
	got, _, _ := c.Storage.GetVolume(ctx, v.ID)
	dr, _, _ := c.Droplets.Get(ctx, d.ID) // locked once more after the action
	if !slices.Equal(got.DropletIDs, []int{d.ID}) || !slices.Equal(dr.VolumeIDs, []string{v.ID}) {
		t.Errorf("after attach: volume droplet_ids %v, droplet volume_ids %v", got.DropletIDs, dr.VolumeIDs)
	}
	if _, err := c.Storage.DeleteVolume(ctx, v.ID); status(err) != http.StatusConflict || !strings.Contains(err.Error(), "attached volume cannot be deleted") {
		t.Errorf("delete of an attached volume: %v, want 409", err)
	}
	if _, _, err := c.StorageActions.DetachByDropletID(ctx, far.ID, d.ID); status(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "Attachment not found") {
		t.Errorf("detach of a volume that is not attached: %v, want 422", err)
	}
	if _, err := c.Droplets.Delete(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := c.Storage.GetVolume(ctx, v.ID); len(got.DropletIDs) != 0 {
		t.Errorf("still attached to a deleted droplet: %v", got.DropletIDs)
	}
	if _, err := c.Storage.DeleteVolume(ctx, v.ID); err != nil {
		t.Errorf("delete of a detached volume: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"attach data web", "detach data web"}; !slices.Equal(events, want) {
		t.Errorf("hooks %q, want %q", events, want)
	}
}

func TestVolumeAttachToLockedDropletIsRefused(t *testing.T) {
	_, c := start(t, fakedo.Config{LockAfter: 3})
	ctx := context.Background()
	d := active(t, c)
	v := newVolume(t, c, "data", "fra1")
	_, _, err := c.StorageActions.Attach(ctx, v.ID, d.ID)
	if status(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "pending event") {
		t.Fatalf("attach to a locked droplet: %v, want 422 pending event", err)
	}
	var a *godo.Action
	for range 3 { // each refused try counts against the lock
		if a, _, err = c.StorageActions.Attach(ctx, v.ID, d.ID); status(err) != http.StatusUnprocessableEntity {
			break
		}
	}
	if err != nil {
		t.Fatalf("attach once the lock is over: %v", err)
	}
	if a = awaitAction(t, c, v.ID, a); a.Status != godo.ActionCompleted {
		t.Errorf("attach ended %s", a.Status)
	}
	for range 4 { // locked again after the attach
		if a, _, err = c.StorageActions.DetachByDropletID(ctx, v.ID, d.ID); status(err) != http.StatusUnprocessableEntity {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	awaitAction(t, c, v.ID, a)
	if got, _, _ := c.Storage.GetVolume(ctx, v.ID); len(got.DropletIDs) != 0 {
		t.Errorf("still attached after detach: %v", got.DropletIDs)
	}
}
