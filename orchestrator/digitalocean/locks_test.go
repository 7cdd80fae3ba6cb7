package digitalocean

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

var fast = []Option{WithPollInterval(time.Millisecond), WithTimeout(5 * time.Second)}

func provisioned(t *testing.T, cfg fakedo.Config, conf string) (*fakedo.Server, *godo.Client) {
	t.Helper()
	f, c, _ := newFake(t, cfg)
	if _, err := Provision(context.Background(), c, request(t, hosts(t, conf))); err != nil {
		t.Fatal(err)
	}
	return f, c
}

func TestSnapshotOfADropletThatStaysLockedEndsActive(t *testing.T) {
	f, c := provisioned(t, fakedo.Config{ActionPolls: 1, LockAfter: 4}, `{"web": {"region": "fra1"}}`)
	var progress bytes.Buffer
	if err := Snapshot(context.Background(), c, "demo", "web", "web-snap", append(fast, WithProgress(&progress))...); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, &progress)
	}
	web := f.Droplets()[0]
	if web.Status != "active" {
		t.Errorf("droplet is %q after the snapshot, want active", web.Status)
	}
	want := []string{"create:completed", "shutdown:completed", "snapshot:completed", "power_on:completed"}
	if got := f.ActionTypes(web.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("actions %q, want %q (a clean shutdown, not a power cut)", got, want)
	}
	if len(f.Snapshots()) != 1 {
		t.Errorf("snapshots: %+v", f.Snapshots())
	}
}

func TestSnapshotCutsThePowerOnlyWhenShutdownFails(t *testing.T) {
	f, c := provisioned(t, fakedo.Config{ActionPolls: 1, LockAfter: 2, ShutdownFails: true}, `{"web": {"region": "fra1"}}`)
	var progress bytes.Buffer
	if err := Snapshot(context.Background(), c, "demo", "web", "web-snap", append(fast, WithProgress(&progress))...); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, &progress)
	}
	web := f.Droplets()[0]
	want := []string{"create:completed", "shutdown:errored", "power_off:completed", "snapshot:completed", "power_on:completed"}
	if got := f.ActionTypes(web.ID); !reflect.DeepEqual(got, want) || web.Status != "active" {
		t.Errorf("actions %q, droplet %s; want %q and active", got, web.Status, want)
	}
	if !strings.Contains(progress.String(), "did not shut down") {
		t.Errorf("progress does not say the power was cut:\n%s", &progress)
	}
}

func TestSnapshotPowersOnAgainWhenCancelled(t *testing.T) {
	f, c := provisioned(t, fakedo.Config{ActionPolls: 1, LockAfter: 3}, `{"web": {"region": "fra1"}}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Past the lock of its create, so the snapshot gets as far as powering off.
	if _, err := awaitDroplet(ctx, c, &godo.Droplet{ID: f.Droplets()[0].ID}, "active", applyOptions(fast)); err != nil {
		t.Fatal(err)
	}
	// Ctrl-C as the snapshot starts.
	progress := writerFunc(func(p []byte) (int, error) {
		if strings.Contains(string(p), "taking snapshot") {
			cancel()
		}
		return len(p), nil
	})
	err := Snapshot(ctx, c, "demo", "web", "web-snap", append(fast, WithProgress(progress))...)
	if err == nil {
		t.Fatal("a cancelled snapshot reports success")
	}
	if web := f.Droplets()[0]; web.Status != "active" {
		t.Errorf("droplet left %q after a cancelled snapshot (%v), want active", web.Status, err)
	}
}

func TestDestroyKeepsTheRecordsOfALockedDroplet(t *testing.T) {
	conf := `{"web": {"region": "fra1", "names": ["web.example.com"]}}`
	f, c := provisioned(t, fakedo.Config{LockAfter: 1000}, conf)
	opts := []Option{WithPollInterval(time.Millisecond), WithTimeout(30 * time.Millisecond)}
	_, err := Destroy(context.Background(), c, "demo", nil, opts...)
	if err == nil {
		t.Fatal("destroying a droplet that stays locked succeeded")
	}
	if got := recordsOf(f, "example.com"); len(got) != 2 || len(f.Droplets()) != 1 {
		t.Errorf("after a refused delete: records %q, %d droplets; want both records and the droplet kept (%v)", got, len(f.Droplets()), err)
	}
	if !strings.Contains(err.Error(), "its DNS records are kept") {
		t.Errorf("error %q does not say the records are kept", err)
	}
}

func TestDestroyWaitsForTheLockAndTheDropletToGo(t *testing.T) {
	conf := `{"web": {"region": "fra1", "names": ["web.example.com"]}}`
	f, c := provisioned(t, fakedo.Config{LockAfter: 5, DeleteLinger: 3}, conf)
	ctx := context.Background()
	if _, err := Destroy(ctx, c, "demo", nil, fast...); err != nil {
		t.Fatal(err)
	}
	if got := recordsOf(f, "example.com"); len(got) != 0 {
		t.Errorf("records left: %q", got)
	}
	// Provision right after: the dying droplet is not taken for web's.
	if _, err := Provision(ctx, c, request(t, hosts(t, conf))); err != nil {
		t.Fatal(err)
	}
	if n := f.Calls("POST", "/v2/droplets"); n != 2 {
		t.Errorf("POST /v2/droplets made %d times, want a new droplet after destroy", n)
	}
	if got := recordsOf(f, "example.com"); len(got) != 2 {
		t.Errorf("records after the re-provision: %q", got)
	}
}

func TestProvisionIgnoresArchivedDroplets(t *testing.T) {
	conf := `{"web": {"region": "fra1"}}`
	f, c := provisioned(t, fakedo.Config{DeleteLinger: 50}, conf)
	ctx := context.Background()
	id := f.Droplets()[0].ID
	if _, err := c.Droplets.Delete(ctx, id); err != nil { // by another process
		t.Fatal(err)
	}
	for f.Droplets()[0].Status != "archive" {
		if _, _, err := c.Droplets.Get(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Provision(ctx, c, request(t, hosts(t, conf))); err != nil {
		t.Fatal(err)
	}
	if n := f.Calls("POST", "/v2/droplets"); n != 2 {
		t.Errorf("POST /v2/droplets made %d times, want a new droplet next to the archived one", n)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
