package dropletsim_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/dropletsim"
)

// A disk written on one droplet and detached shows the same data on the
// next droplet it is attached to, at DigitalOcean's device path; nothing is
// left attached once the droplets are gone.
func TestIntegrationDiskOutlivesDroplet(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	file := filepath.Join(t.TempDir(), "data.img")
	if err := dropletsim.CreateDisk(file, 1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if out, _ := exec.Command("losetup", "--associated", file).Output(); len(out) > 0 {
			t.Errorf("loop devices left on %s: %s", file, out)
		}
	})
	signer := newSigner(t)
	dev := dropletsim.DiskDevice("data")
	for i, script := range []string{
		`mkfs.ext4 -q -L data "$1" && mkdir -p /mnt/data && mount LABEL=data /mnt/data && echo kept > /mnt/data/file`,
		`mkdir -p /mnt/data && mount LABEL=data /mnt/data && cat /mnt/data/file`,
	} {
		d, err := dropletsim.Start(ctx, uniqueName(t), authorizedKey(signer), dropletsim.WithImages())
		if err != nil {
			t.Fatal(err)
		}
		if err := d.AttachDisk(ctx, "data", file); err != nil {
			t.Fatal(errors.Join(err, d.Remove(ctx)))
		}
		out, err := d.Exec(ctx, nil, "sh", "-c", script, "sh", dev)
		if err != nil {
			t.Errorf("droplet %d: %v", i+1, err)
		}
		if i == 1 && strings.TrimSpace(out) != "kept" {
			t.Errorf("the second droplet reads %q from the disk, want what the first wrote", out)
		}
		if i == 0 {
			err = d.DetachDisk(ctx, "data")
			if out, _ := d.Exec(ctx, nil, "sh", "-c", `test -e "$1" && echo present`, "sh", dev); strings.Contains(out, "present") {
				t.Errorf("%s is still there after DetachDisk", dev)
			}
		}
		if err := errors.Join(err, d.Remove(ctx)); err != nil {
			t.Fatal(err)
		}
	}
}
