package dropletsim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"strings"
	"time"
)

// A block storage volume stands in as an image file on the test machine,
// loop-attached there (the droplet's container is not privileged enough to
// do it) and shown in the droplet where DigitalOcean shows a volume. The
// file outlives droplets, as a volume does: the test keeps it.

// diskRelease bounds the wait for an image file's previous loop device to
// be released (its file system unmounted) before it is attached again.
const diskRelease = 30 * time.Second

// DiskDevice is where the droplet shows an attached volume, as DigitalOcean
// does.
func DiskDevice(volumeName string) string { return "/dev/disk/by-id/scsi-0DO_Volume_" + volumeName }

// CreateDisk makes the image file of a volume of sizeGB, sparse (it takes
// the room its data does), unless it exists.
func CreateDisk(file string, sizeGB int64) error {
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create disk image: %w", err)
	}
	defer f.Close()
	if err := f.Truncate(sizeGB << 30); err != nil {
		return fmt.Errorf("size disk image %s: %w", file, err)
	}
	return nil
}

// AttachDisk loop-attaches the image file and shows it in the droplet as
// DiskDevice(volumeName). It first waits until no earlier loop device of
// the file is left (a droplet that had it mounted is still going away), so
// two file systems never write one image.
func (d *Droplet) AttachDisk(ctx context.Context, volumeName, file string) error {
	if err := awaitReleased(ctx, file); err != nil {
		return fmt.Errorf("attach %s to %s: %w", volumeName, d.Name, err)
	}
	out, err := exec.CommandContext(ctx, "losetup", "--find", "--show", file).CombinedOutput()
	if err != nil {
		return fmt.Errorf("attach %s to %s: losetup %s: %v: %s", volumeName, d.Name, file, err, strings.TrimSpace(string(out)))
	}
	loop := strings.TrimSpace(string(out))
	minor, ok := strings.CutPrefix(loop, "/dev/loop")
	if !ok {
		return errors.Join(fmt.Errorf("attach %s to %s: losetup gave %q, not a loop device", volumeName, d.Name, loop), detachLoop(loop))
	}
	dev := DiskDevice(volumeName)
	script := `set -e; mkdir -p "$(dirname "$1")"; rm -f "$1"; mknod "$1" b 7 "$2"`
	if _, err := d.Exec(ctx, nil, "sh", "-c", script, "sh", dev, minor); err != nil {
		return errors.Join(fmt.Errorf("attach %s to %s: %w", volumeName, d.Name, err), detachLoop(loop))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.disks == nil {
		d.disks = map[string]string{}
	}
	d.disks[volumeName] = loop
	return nil
}

// DetachDisk takes a volume away from the droplet as a detach does: its
// file systems are synced and unmounted (lazily: the droplet's containers
// may still use them), its device goes, and its loop device is detached
// once the last of them is unmounted.
func (d *Droplet) DetachDisk(ctx context.Context, volumeName string) error {
	d.mu.Lock()
	loop, ok := d.disks[volumeName]
	delete(d.disks, volumeName)
	d.mu.Unlock()
	if !ok {
		return nil
	}
	minor := strings.TrimPrefix(loop, "/dev/loop")
	script := `sync
awk -v dev="7:$2" '$3 == dev { print $5 }' /proc/self/mountinfo | while read -r m; do umount -l "$(printf '%b' "$m")"; done
rm -f "$1"`
	_, err := d.Exec(ctx, nil, "sh", "-c", script, "sh", DiskDevice(volumeName), minor)
	return errors.Join(err, detachLoop(loop))
}

// detachDisks detaches the loop devices of every disk still attached, once
// the droplet is gone.
func (d *Droplet) detachDisks() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for name, loop := range d.disks {
		errs = append(errs, detachLoop(loop))
		delete(d.disks, name)
	}
	return errors.Join(errs...)
}

// detachLoop detaches a loop device, or marks it to be detached when its
// file system is unmounted.
func detachLoop(loop string) error {
	if out, err := exec.Command("losetup", "--detach", loop).CombinedOutput(); err != nil {
		return fmt.Errorf("losetup --detach %s: %v: %s", loop, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// awaitReleased waits until no loop device is attached to file.
func awaitReleased(ctx context.Context, file string) error {
	ctx, cancel := context.WithTimeout(ctx, diskRelease)
	defer cancel()
	return poll(ctx, "release of "+path.Base(file), func() error {
		out, err := exec.CommandContext(ctx, "losetup", "--associated", file).CombinedOutput()
		switch {
		case err != nil:
			return fmt.Errorf("losetup --associated: %v: %s", err, strings.TrimSpace(string(out)))
		case strings.TrimSpace(string(out)) != "":
			return fmt.Errorf("still attached: %s", strings.TrimSpace(string(out)))
		}
		return nil
	})
}
