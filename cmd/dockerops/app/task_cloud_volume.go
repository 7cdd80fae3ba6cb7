package app

import (
	"context"
	"fmt"
	"io"

	"github.com/digitalocean/godo"

	"github.com/dockerops/dockerops/orchestrator/digitalocean"
)

// purgeVolumes is destroy's purge=True for block storage: it names each
// volume of the hosts (every host's when hosts is empty) and its size, for
// destroy's one question, and returns the option that makes Destroy delete
// them. Without purge=True, Destroy detaches and keeps them.
func purgeVolumes(ctx context.Context, a Args, client *godo.Client, project string, hosts []string) (digitalocean.Option, []string, error) {
	if !a.flag("purge") {
		return nil, nil, nil
	}
	vols, err := digitalocean.ProjectVolumes(ctx, client, project, hosts)
	if err != nil || len(vols) == 0 {
		return nil, nil, err
	}
	named := make([]string, len(vols))
	for i, v := range vols {
		named[i] = fmt.Sprintf("volume %s (%d GB, host %s) and all the data on it", v.Name, v.SizeGB, v.Host)
	}
	return digitalocean.WithPurgeVolumes(), named, nil
}

// sayKeptVolumes tells, on w, of the project's volumes that no droplet of
// the inventory has: kept by destroy, for the host's next droplet.
func sayKeptVolumes(ctx context.Context, w io.Writer, client *godo.Client, project string, inv digitalocean.Inventory) error {
	vols, err := digitalocean.ProjectVolumes(ctx, client, project, nil)
	if err != nil {
		return err
	}
	for _, v := range vols {
		if entry, ok := inv[v.Host]; !ok || entry.Volume == nil {
			fmt.Fprintf(w, "%s: volume %s (%d GB, %s) is kept, attached to no droplet of the host: provision:%s attaches it; destroy:%s,purge=True deletes it\n",
				v.Host, v.Name, v.SizeGB, v.Region, v.Host, v.Host)
		}
	}
	return nil
}
