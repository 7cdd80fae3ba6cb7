package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/digitalocean/godo"
)

// WithPurgeVolumes makes Destroy delete the hosts' block storage volumes,
// and the data on them, once their droplets are gone; without it they are
// detached and kept for the host's next droplet.
func WithPurgeVolumes() Option { return func(o *options) { o.purgeVolumes = true } }

// releaseVolumes detaches the hosts' volumes (every host's when hosts is
// empty) from the droplets Destroy deleted, which the API does by itself
// but maybe not at once, and deletes them when purging. A volume attached to
// a droplet Destroy did not delete is kept.
func releaseVolumes(ctx context.Context, client *godo.Client, project string, hosts []string, deleted []godo.Droplet, o options) error {
	vols, err := ProjectVolumes(ctx, client, project, hosts)
	if err != nil {
		return err
	}
	for _, v := range vols {
		var foreign []int
		for _, id := range v.Droplets {
			if !slices.ContainsFunc(deleted, func(d godo.Droplet) bool { return d.ID == id }) {
				foreign = append(foreign, id)
				continue
			}
			if err := detachVolume(ctx, client, v, id, o); err != nil {
				return fmt.Errorf("host %q: %w", v.Host, err)
			}
		}
		switch {
		case len(foreign) > 0:
			fmt.Fprintf(o.progress, "%s: volume %s (%d GB) is attached to droplet %d, which was not destroyed: it is kept\n", v.Host, v.Name, v.SizeGB, foreign[0])
		case o.purgeVolumes:
			if err := deleteVolume(ctx, client, v, o); err != nil {
				return fmt.Errorf("host %q: %w", v.Host, err)
			}
			fmt.Fprintf(o.progress, "%s: deleted volume %s (%d GB) and its data\n", v.Host, v.Name, v.SizeGB)
		default:
			fmt.Fprintf(o.progress, "%s: volume %s (%d GB) is detached and kept: provision re-attaches it; destroy with purge=True deletes it\n", v.Host, v.Name, v.SizeGB)
		}
	}
	return nil
}

// deleteVolume deletes a detached volume, retrying while the API still
// counts it attached (409) to a droplet it is detaching it from.
func deleteVolume(ctx context.Context, client *godo.Client, v Volume, o options) error {
	deadline := time.Now().Add(o.timeout)
	for {
		_, err := client.Storage.DeleteVolume(ctx, v.ID)
		switch {
		case err == nil || StatusCode(err) == http.StatusNotFound:
			return nil
		case StatusCode(err) != http.StatusConflict || !strings.Contains(err.Error(), "attached") || time.Now().After(deadline):
			return explain(err, "delete volume "+v.Name)
		}
		if err := sleepCtx(ctx, o.pollInterval); err != nil {
			return fmt.Errorf("delete volume %s: %w", v.Name, err)
		}
	}
}
