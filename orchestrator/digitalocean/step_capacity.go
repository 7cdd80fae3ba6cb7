package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/project/conffile"
)

// maxDropletName is the longest droplet name the API takes (a host name
// label).
const maxDropletName = 63

// imageFit is what of an image decides where a droplet can be made from it.
type imageFit struct {
	regions []string
	minDisk int // GB
}

// checkCapacity checks, before the first POST, what the API would refuse
// only part way through a run (or accept, for a droplet that then fails):
// droplet names fit, the account's droplet_limit leaves room for the new
// hosts, each new host's size is offered in its region, its image is there
// and fits the size's disk, and its VPC is in its region. Each problem is
// named with the host's place in hosts.conf.
func (st *state) checkCapacity(ctx context.Context) error {
	var errs []error
	var fresh []Host
	for _, h := range st.req.Hosts {
		if name := DropletName(st.req.Project, h.Name); len(name) > maxDropletName {
			errs = append(errs, hostErr(h, "droplet name %q is %d characters, DigitalOcean takes at most %d: shorten the project or the host name",
				name, len(name), maxDropletName))
		}
		if st.droplets[h.Name] == nil {
			fresh = append(fresh, h)
		}
	}
	if len(fresh) == 0 {
		return errors.Join(errs...)
	}
	if err := st.checkLimit(ctx, fresh); err != nil {
		errs = append(errs, err)
	}
	sizes, err := listAll(func(opt *godo.ListOptions) ([]godo.Size, *godo.Response, error) {
		return st.client.Sizes.List(ctx, opt)
	})
	if err != nil {
		return errors.Join(append(errs, explain(err, "list the DigitalOcean sizes"))...)
	}
	disk := map[string]int{}
	for _, h := range fresh {
		i := slices.IndexFunc(sizes, func(s godo.Size) bool { return s.Slug == h.Size })
		switch {
		case i < 0:
			errs = append(errs, hostErr(h, "size %q is not a DigitalOcean size", h.Size))
		case !sizes[i].Available || !slices.Contains(sizes[i].Regions, h.Region):
			errs = append(errs, hostErr(h, "size %q is not offered in region %q (it is in: %s)", h.Size, h.Region, orNone(sizes[i].Regions)))
		default:
			disk[h.Name] = sizes[i].Disk
		}
		if fit, ok := st.imageFits[h.Name]; ok {
			if !slices.Contains(fit.regions, h.Region) {
				errs = append(errs, hostErr(h, "image %q is not available in region %q (it is in: %s): transfer it there or change the region",
					h.Image, h.Region, orNone(fit.regions)))
			}
			if d, ok := disk[h.Name]; ok && fit.minDisk > d {
				errs = append(errs, hostErr(h, "image %q needs a disk of at least %d GB; size %q has %d GB", h.Image, fit.minDisk, h.Size, d))
			}
		}
		if err := st.checkVPC(ctx, h); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkLimit names every new host that would be over the account's
// droplet_limit.
func (st *state) checkLimit(ctx context.Context, fresh []Host) error {
	acct, _, err := st.client.Account.Get(ctx)
	if err != nil {
		return explain(err, "read the DigitalOcean account")
	}
	// One droplet a page: the count is the listing's meta.total.
	_, resp, err := st.client.Droplets.List(ctx, &godo.ListOptions{Page: 1, PerPage: 1})
	if err != nil {
		return explain(err, "count the account's droplets")
	}
	used := 0
	if resp != nil && resp.Meta != nil {
		used = resp.Meta.Total
	}
	room := acct.DropletLimit - used
	if acct.DropletLimit <= 0 || len(fresh) <= room {
		return nil
	}
	var errs []error
	for _, h := range fresh[max(room, 0):] {
		errs = append(errs, hostErr(h, "a new droplet would exceed the account's droplet_limit of %d (%d in use, %d new hosts): destroy droplets or ask DigitalOcean support to raise the limit",
			acct.DropletLimit, used, len(fresh)))
	}
	return errors.Join(errs...)
}

// checkVPC checks that a host's VPC is one of the account's, in its region.
func (st *state) checkVPC(ctx context.Context, h Host) error {
	if h.VPCUUID == "" {
		return nil
	}
	vpc, _, err := st.client.VPCs.Get(ctx, h.VPCUUID)
	switch {
	case StatusCode(err) == http.StatusNotFound:
		return hostErr(h, "VPC %s is not in this DigitalOcean account", h.VPCUUID)
	case err != nil:
		return explain(err, fmt.Sprintf("host %q: look up VPC %s", h.Name, h.VPCUUID))
	case !strings.EqualFold(vpc.RegionSlug, h.Region):
		return hostErr(h, "VPC %s is in region %q, not %q: a droplet can only join a VPC of its region", h.VPCUUID, vpc.RegionSlug, h.Region)
	}
	return nil
}

// hostErr is a problem of a host, at its place in the hosts file.
func hostErr(h Host, format string, args ...any) error {
	msg := fmt.Sprintf("host %q: ", h.Name) + fmt.Sprintf(format, args...)
	if h.File == "" {
		return errors.New(msg)
	}
	return conffile.Errorf(h.File, h.Line, "%s", msg)
}
