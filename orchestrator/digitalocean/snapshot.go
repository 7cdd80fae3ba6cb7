package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/digitalocean/godo"
)

// SnapshotInfo is a droplet snapshot of the account; its ID (or its name) can be
// a host's "image" in hosts.conf.
type SnapshotInfo struct {
	ID      int      `json:"id"`
	Name    string   `json:"name"`
	Created string   `json:"created_at"`
	Regions []string `json:"regions"`
	SizeGB  float64  `json:"size_gigabytes"`
	Droplet string   `json:"droplet"` // the droplet it was taken of, when that still exists
}

// Snapshot shuts the host's droplet down (cutting its power only when a
// clean shutdown does not finish within the shutdown timeout), snapshots it
// as name ("" = "<droplet>-<UTC time>"), and powers it on again, waiting
// after each action for the droplet itself to be unlocked and in the
// status the action promises. A droplet that was off is left off; one that
// was active is powered on again whatever failed in between, ctx cancelled
// included, until it is active or o.timeout has passed.
func Snapshot(ctx context.Context, client *godo.Client, project, host, name string, opts ...Option) (err error) {
	o := applyOptions(opts)
	d, err := hostDroplet(ctx, client, project, host)
	if err != nil {
		return err
	}
	if name == "" {
		name = d.Name + "-" + time.Now().UTC().Format("20060102-150405")
	}
	if d.Status == "active" {
		defer func() {
			octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.timeout)
			defer cancel()
			err = errors.Join(err, powerBackOn(octx, client, d, host, o))
		}()
		if err := shutDown(ctx, client, d, host, o); err != nil {
			return err
		}
	} else if _, err := awaitDroplet(ctx, client, d, "", o); err != nil {
		return err
	}
	fmt.Fprintf(o.progress, "%s: taking snapshot %q of droplet %s\n", host, name, d.Name)
	if err := runAction(ctx, client, d, fmt.Sprintf("snapshot %q", name), o, func(ctx context.Context, id int) (*godo.Action, *godo.Response, error) {
		return client.DropletActions.Snapshot(ctx, id, name)
	}); err != nil {
		return err
	}
	_, err = awaitDroplet(ctx, client, d, "", o)
	return err
}

// shutDown asks the droplet's OS to shut down and, when that fails or does
// not finish within o.shutdown, cuts its power: power_off is a hard cut that
// may lose what the OS had not written yet, so it is the fallback only.
func shutDown(ctx context.Context, client *godo.Client, d *godo.Droplet, host string, o options) error {
	if _, err := awaitDroplet(ctx, client, d, "", o); err != nil {
		return err
	}
	fmt.Fprintf(o.progress, "%s: shutting down droplet %s\n", host, d.Name)
	so := o
	so.timeout = o.shutdown
	err := runAction(ctx, client, d, "shutdown", so, client.DropletActions.Shutdown)
	if err == nil {
		var cur *godo.Droplet
		if cur, err = awaitDroplet(ctx, client, d, "off", so); err == nil && cur != nil {
			return nil
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(o.progress, "%s: droplet %s did not shut down (%v): powering it off\n", host, d.Name, err)
	cur, err := awaitDroplet(ctx, client, d, "", o)
	if err != nil || cur == nil || cur.Status == "off" {
		return err
	}
	if err := runAction(ctx, client, d, "power off", o, client.DropletActions.PowerOff); err != nil {
		return err
	}
	_, err = awaitDroplet(ctx, client, d, "off", o)
	return err
}

// powerBackOn powers the droplet on until it is active and unlocked,
// retrying whatever fails (a refused power_on, an errored action) until ctx
// ends: a production droplet must not be left off.
func powerBackOn(ctx context.Context, client *godo.Client, d *godo.Droplet, host string, o options) error {
	var last error
	for {
		cur, err := awaitDroplet(ctx, client, d, "", o)
		if err == nil && cur != nil && cur.Status == "active" {
			return nil
		}
		if err == nil && cur == nil {
			return fmt.Errorf("droplet %s is gone: it cannot be powered on", d.Name)
		}
		if err == nil {
			fmt.Fprintf(o.progress, "%s: powering on droplet %s\n", host, d.Name)
			if err = runAction(ctx, client, d, "power on", o, client.DropletActions.PowerOn); err == nil {
				_, err = awaitDroplet(ctx, client, d, "active", o)
			}
		}
		if err != nil {
			last = err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("droplet %s may still be off: power it on (DigitalOcean control panel, or `dockerops snapshot` again): %w", d.Name, last)
		}
		if err := sleepCtx(ctx, o.pollInterval); err != nil {
			return fmt.Errorf("droplet %s may still be off: power it on (DigitalOcean control panel): %w", d.Name, errors.Join(last, err))
		}
	}
}

// hostDroplet finds the project's droplet of a host.
func hostDroplet(ctx context.Context, client *godo.Client, project, host string) (*godo.Droplet, error) {
	if err := checkProject(project); err != nil {
		return nil, err
	}
	ds, err := projectDroplets(ctx, client, project)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if hostOf(ds[i], project) == host {
			return &ds[i], nil
		}
	}
	return nil, fmt.Errorf("project %q has no droplet for host %q: provision it first", project, host)
}

// runAction starts a droplet action, retrying while the droplet has a
// pending event, and waits until the action completes.
func runAction(ctx context.Context, client *godo.Client, d *godo.Droplet, what string, o options,
	start func(context.Context, int) (*godo.Action, *godo.Response, error)) error {
	var a *godo.Action
	err := whileLocked(ctx, o, func() (err error) {
		a, _, err = start(ctx, d.ID)
		return err
	})
	if err != nil {
		return explain(err, fmt.Sprintf("%s of droplet %s", what, d.Name))
	}
	return waitAction(ctx, client, a, fmt.Sprintf("%s of droplet %s", what, d.Name), o)
}

// waitAction polls an action until it completes, errors, or o.timeout.
func waitAction(ctx context.Context, client *godo.Client, a *godo.Action, what string, o options) error {
	deadline := time.Now().Add(o.timeout)
	for {
		switch a.Status {
		case godo.ActionCompleted:
			return nil
		case "errored":
			return fmt.Errorf("%s failed (action %d errored)", what, a.ID)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: still %s after %s (action %d)", what, a.Status, o.timeout, a.ID)
		}
		if err := sleepCtx(ctx, o.pollInterval); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		next, _, err := client.Actions.Get(ctx, a.ID)
		if err != nil {
			return explain(err, what)
		}
		a = next
	}
}

// ListSnapshots lists the account's droplet snapshots, oldest first; with a
// project, only those taken of its droplets (by source droplet, or by the
// "<project>-" name prefix Snapshot gives them).
func ListSnapshots(ctx context.Context, client *godo.Client, project string) ([]SnapshotInfo, error) {
	list, err := listAll(func(opt *godo.ListOptions) ([]godo.Snapshot, *godo.Response, error) {
		return client.Snapshots.ListDroplet(ctx, opt)
	})
	if err != nil {
		return nil, explain(err, "list the account's droplet snapshots")
	}
	droplets := map[string]string{} // ID -> name
	if project != "" {
		ds, err := projectDroplets(ctx, client, project)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			droplets[strconv.Itoa(d.ID)] = d.Name
		}
	}
	prefix := DropletName(project, "")
	var out []SnapshotInfo
	for _, s := range list {
		_, mine := droplets[s.ResourceID]
		if project != "" && !mine && !strings.HasPrefix(s.Name, prefix) {
			continue
		}
		id, _ := strconv.Atoi(s.ID)
		out = append(out, SnapshotInfo{ID: id, Name: s.Name, Created: s.Created, Regions: s.Regions,
			SizeGB: s.SizeGigaBytes, Droplet: droplets[s.ResourceID]})
	}
	slices.SortStableFunc(out, func(a, b SnapshotInfo) int { return strings.Compare(a.Created, b.Created) })
	return out, nil
}

// PrintSnapshots writes snapshots as a table.
func PrintSnapshots(w io.Writer, snaps []SnapshotInfo) {
	fmt.Fprintf(w, "%-12s %-40s %-22s %-10s %s\n", "ID", "NAME", "CREATED", "SIZE", "REGIONS")
	for _, s := range snaps {
		fmt.Fprintf(w, "%-12d %-40s %-22s %-10s %s\n", s.ID, s.Name, s.Created,
			strconv.FormatFloat(s.SizeGB, 'f', 2, 64)+"GB", strings.Join(s.Regions, ","))
	}
}
