package digitalocean

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/digitalocean/godo"
)

// DigitalOcean's volume sizes, in GB.
const (
	MinVolumeGB = 1
	MaxVolumeGB = 16384
)

// maxVolumeName is the API's longest volume name.
const maxVolumeName = 64

// VolumeName is the block storage volume of a host: its droplet's name,
// which is lower case, digits, '-' (the API's alphabet for volume names
// too), prefixed "vol-" when it does not start with a letter as the API
// wants, and cut to 64 characters with a hash of the whole name so that
// two long names stay apart.
func VolumeName(project, host string) string {
	name := DropletName(project, host)
	if name[0] < 'a' || name[0] > 'z' {
		name = "vol-" + name
	}
	if len(name) > maxVolumeName {
		sum := sha256.Sum256([]byte(name))
		name = strings.TrimRight(name[:maxVolumeName-9], "-") + "-" + hex.EncodeToString(sum[:4])
	}
	return name
}

// volumeLabel is the ext4 label (at most 16 characters) of a host's volume,
// by which fstab mounts it: a fixed word and a hash of the volume name, so
// no other volume a droplet has carries it.
func volumeLabel(volumeName string) string {
	sum := sha256.Sum256([]byte(volumeName))
	return "dockerops" + hex.EncodeToString(sum[:])[:7]
}

// VolumeDevice is where a droplet shows an attached volume.
func VolumeDevice(volumeName string) string { return "/dev/disk/by-id/scsi-0DO_Volume_" + volumeName }

// Volume is a host's block storage volume as the account has it.
type Volume struct {
	Host     string
	Name     string
	ID       string
	Region   string
	SizeGB   int64
	Droplets []int // the droplet it is attached to, if any
}

// ProjectVolumes lists the volumes dockerops made for the project's hosts
// (every host when hosts is empty), by the tags it gives them, sorted by
// host.
func ProjectVolumes(ctx context.Context, client *godo.Client, project string, hosts []string) ([]Volume, error) {
	if err := checkProject(project); err != nil {
		return nil, err
	}
	all, err := listAll(func(opt *godo.ListOptions) ([]godo.Volume, *godo.Response, error) {
		return client.Storage.ListVolumes(ctx, &godo.ListVolumeParams{ListOptions: opt})
	})
	if err != nil {
		return nil, explain(err, "list the account's volumes")
	}
	var out []Volume
	for _, v := range all {
		if !slices.Contains(v.Tags, ProjectTag(project)) {
			continue
		}
		host := ""
		for _, t := range v.Tags {
			if h, ok := strings.CutPrefix(t, hostTagPrefix); ok {
				host = h
			}
		}
		if host == "" || len(hosts) > 0 && !slices.Contains(hosts, host) {
			continue
		}
		out = append(out, volumeOf(host, v))
	}
	slices.SortFunc(out, func(a, b Volume) int { return strings.Compare(a.Host, b.Host) })
	return out, nil
}

func volumeOf(host string, v godo.Volume) Volume {
	out := Volume{Host: host, Name: v.Name, ID: v.ID, SizeGB: v.SizeGigaBytes, Droplets: slices.Clone(v.DropletIDs)}
	if v.Region != nil {
		out.Region = v.Region.Slug
	}
	return out
}

// volumeAction starts a volume action once the droplet is unlocked
// (retrying while the API refuses for a pending event, as for droplet
// actions) and waits for it to complete.
func volumeAction(ctx context.Context, client *godo.Client, v Volume, what string, o options, start func() (*godo.Action, *godo.Response, error)) error {
	var a *godo.Action
	err := whileLocked(ctx, o, func() error {
		var err error
		a, _, err = start()
		return err
	})
	if err != nil {
		return explain(err, fmt.Sprintf("%s volume %s", what, v.Name))
	}
	deadline := time.Now().Add(o.timeout)
	for a.Status == godo.ActionInProgress {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s volume %s: action %d still in progress after %s", what, v.Name, a.ID, o.timeout)
		}
		if err := sleepCtx(ctx, o.pollInterval); err != nil {
			return fmt.Errorf("%s volume %s: %w", what, v.Name, err)
		}
		if a, _, err = client.StorageActions.Get(ctx, v.ID, a.ID); err != nil {
			return explain(err, fmt.Sprintf("%s volume %s: look at its action", what, v.Name))
		}
	}
	if a.Status != godo.ActionCompleted {
		return fmt.Errorf("%s volume %s: DigitalOcean's action %d ended %q", what, v.Name, a.ID, a.Status)
	}
	return nil
}

// detachVolume detaches v from the droplet; one already detached is fine.
func detachVolume(ctx context.Context, client *godo.Client, v Volume, dropletID int, o options) error {
	err := volumeAction(ctx, client, v, "detach", o, func() (*godo.Action, *godo.Response, error) {
		return client.StorageActions.DetachByDropletID(ctx, v.ID, dropletID)
	})
	if err != nil && StatusCode(err) == http.StatusUnprocessableEntity && strings.Contains(strings.ToLower(err.Error()), "attachment not found") {
		return nil
	}
	return err
}

// withVolume records the host's volume in its inventory entry, attached or
// not to the host's droplet.
func withVolume(h InventoryHost, v Volume, dropletID int) InventoryHost {
	h.Volume = &InventoryVolume{Name: v.Name, SizeGB: v.SizeGB, Attached: slices.Contains(v.Droplets, dropletID)}
	return h
}
