package app

import (
	"context"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/dropletsim"
)

// attachDisk shows a volume the fake attached in the droplet's simulated
// droplet, backed by an image file per volume that outlives droplets.
func (c *cloudProject) attachDisk(v *godo.Volume, d *godo.Droplet) {
	c.mu.Lock()
	sim := c.sims[d.Name]
	c.mu.Unlock()
	if sim == nil {
		c.t.Errorf("attach volume %s: droplet %s is not simulated", v.Name, d.Name)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	file := filepath.Join(c.disks, v.ID+".img")
	if err := dropletsim.CreateDisk(file, v.SizeGigaBytes); err != nil {
		c.t.Errorf("attach volume %s: %v", v.Name, err)
		return
	}
	if err := sim.AttachDisk(ctx, v.Name, file); err != nil {
		c.t.Errorf("attach volume %s: %v", v.Name, err)
	}
}

func (c *cloudProject) detachDisk(v *godo.Volume, d *godo.Droplet) {
	c.mu.Lock()
	sim := c.sims[d.Name]
	c.mu.Unlock()
	if sim == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sim.DetachDisk(ctx, v.Name); err != nil {
		c.t.Errorf("detach volume %s: %v", v.Name, err)
	}
}

// Data written under the data root of a host with "volume" lives on the
// volume: it is there again after destroy and provision of the host, which
// re-attach the same volume and mount it without formatting it again. db1
// alone is provisioned, so it manages the swarm.
func TestIntegrationCloudVolumeDataSurvivesDestroy(t *testing.T) {
	c := newCloudProject(t)
	t.Parallel()
	c.editHosts(`"db1": {"region": "fra1"`, `"db1": {"region": "fra1", "volume": 1, "manager": true`)
	dataRoot := path.Join(digitalocean.DefaultDataParent, c.name)
	marker := path.Join(dataRoot, "db", "precious")
	volume := c.name + "-db1"
	t.Cleanup(func() {
		if code, _, stderr := c.run("destroy:all,purge=True,force=True"); code != 0 {
			t.Errorf("cleanup: destroy with purge: exit %d\n%s", code, stderr)
		}
		if out, _ := exec.Command("sh", "-c", "losetup --associated \"$1\"/*.img", "sh", c.disks).Output(); len(out) > 0 {
			t.Errorf("loop devices left: %s", out)
		}
	})
	onDB1 := func(script string) string {
		t.Helper()
		sim := c.sim("db1")
		if sim == nil {
			t.Fatal("db1 has no simulated droplet")
		}
		out, err := sim.Exec(context.Background(), nil, "sh", "-c", script, "sh", dataRoot, marker)
		if err != nil {
			t.Fatalf("on db1: %v", err)
		}
		return strings.TrimSpace(out)
	}

	_, _, stderr := c.run("provision:db1")
	if !strings.Contains(stderr, "db1: volume "+volume+" formatted") {
		t.Fatalf("the first provision does not say it formatted the volume:\n%s", stderr)
	}
	if got := onDB1(`findmnt -no SOURCE "$1"`); got != dropletsim.DiskDevice(volume) {
		t.Fatalf("the data root %s is mounted from %q, want the volume %s", dataRoot, got, dropletsim.DiskDevice(volume))
	}
	onDB1(`mkdir -p "$(dirname "$2")" && echo "written before destroy" > "$2"`)

	c.must("provision:db1")
	if got := onDB1(`grep -c " $1 " /etc/fstab`); got != "1" {
		t.Errorf("/etc/fstab has %s lines for %s after two provisions, want 1", got, dataRoot)
	}

	c.must("destroy:db1,force=True")
	if v := c.fake.Volumes(); len(v) != 1 || len(v[0].DropletIDs) != 0 {
		t.Fatalf("after destroy the volumes are %+v, want %s kept and detached", v, volume)
	}
	_, _, stderr = c.run("provision:db1")
	if strings.Contains(stderr, "formatted") {
		t.Errorf("provision of the new droplet formatted the volume again:\n%s", stderr)
	}
	if got := onDB1(`cat "$2"`); got != "written before destroy" {
		t.Errorf("after destroy and provision, %s holds %q, want what was written before", marker, got)
	}
	if n := c.fake.Calls("POST", "/v2/volumes"); n != 1 {
		t.Errorf("%d volumes created, want 1", n)
	}
}
