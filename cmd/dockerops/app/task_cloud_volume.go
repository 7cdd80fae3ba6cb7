package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/digitalocean/godo"

	"github.com/dockerops/dockerops/orchestrator/digitalocean"
)

// purgeVolumes is destroy's purge=True for block storage: unless force=True
// it asks one question naming each volume of the hosts (every host's when
// hosts is empty) and its size, and returns the option that makes Destroy
// delete them. Without purge=True, Destroy detaches and keeps them.
func (s *session) purgeVolumes(ctx context.Context, a Args, client *godo.Client, project string, hosts []string) ([]digitalocean.Option, error) {
	if !a.flag("purge") {
		return nil, nil
	}
	vols, err := digitalocean.ProjectVolumes(ctx, client, project, hosts)
	if err != nil || len(vols) == 0 {
		return nil, err
	}
	if !a.flag("force") {
		named := make([]string, len(vols))
		for i, v := range vols {
			named[i] = fmt.Sprintf("%s (%d GB, host %s)", v.Name, v.SizeGB, v.Host)
		}
		question := fmt.Sprintf("DELETE %d volume(s) and all the data on them: %s? This cannot be undone.", len(vols), strings.Join(named, ", "))
		if err := s.confirm(question); err != nil {
			return nil, err
		}
	}
	return []digitalocean.Option{digitalocean.WithPurgeVolumes()}, nil
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
