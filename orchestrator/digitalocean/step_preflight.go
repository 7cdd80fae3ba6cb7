package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/digitalocean/godo"
	"golang.org/x/crypto/ssh"
)

// preflight reads the account and checks everything that can be checked
// without changing anything, so a bad request fails before anything is made:
// the SSH key parses, every image exists, every DNS name falls in a domain of
// the account and is not taken by a record pointing elsewhere.
type preflight struct{}

func (preflight) Run(ctx context.Context, st *state) error {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(st.req.PublicKey))
	if err != nil {
		return fmt.Errorf("the project's public SSH key is not an authorized_keys line: %w", err)
	}
	st.fingerprint = strings.TrimPrefix(ssh.FingerprintLegacyMD5(pub), "MD5:")

	existing, err := projectDroplets(ctx, st.client, st.req.Project)
	if err != nil {
		return err
	}
	for _, h := range st.req.Hosts {
		name := DropletName(st.req.Project, h.Name)
		for i := range existing {
			if existing[i].Name == name {
				st.droplets[h.Name] = &existing[i]
				break
			}
		}
	}
	var errs []error
	snapshots := map[string]godo.Snapshot(nil)
	for _, h := range st.req.Hosts {
		if st.droplets[h.Name] != nil {
			continue
		}
		if err := st.resolveImage(ctx, h, &snapshots); err != nil {
			errs = append(errs, err)
		}
	}
	if err := st.findReservedIPs(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := st.checkDNS(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := st.checkCapacity(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// resolveImage decides what a new host's droplet is made from: a numeric
// image ID, a snapshot of the account by name (Docker already installed), or
// a DigitalOcean image slug (Docker installed at first boot). Only an image
// of type "snapshot" is taken to have Docker: backups and custom images
// have no slug either, but may come from anywhere.
func (st *state) resolveImage(ctx context.Context, h Host, snapshots *map[string]godo.Snapshot) error {
	if id, err := strconv.Atoi(h.Image); err == nil {
		img, _, err := st.client.Images.GetByID(ctx, id)
		if err != nil {
			if StatusCode(err) == 404 {
				return fmt.Errorf("host %q: image %d is not in this DigitalOcean account", h.Name, id)
			}
			return explain(err, fmt.Sprintf("host %q: look up image %d", h.Name, id))
		}
		st.images[h.Name] = godo.DropletCreateImage{ID: id}
		st.snapshot[h.Name] = img.Type == "snapshot"
		st.imageFits[h.Name] = imageFit{regions: img.Regions, minDisk: img.MinDiskSize}
		return nil
	}
	if *snapshots == nil {
		list, err := listAll(func(opt *godo.ListOptions) ([]godo.Snapshot, *godo.Response, error) {
			return st.client.Snapshots.ListDroplet(ctx, opt)
		})
		if err != nil {
			return explain(err, "list the account's droplet snapshots")
		}
		*snapshots = map[string]godo.Snapshot{}
		for _, s := range list {
			(*snapshots)[s.Name] = s
		}
	}
	if s, ok := (*snapshots)[h.Image]; ok {
		if id, err := strconv.Atoi(s.ID); err == nil {
			st.images[h.Name] = godo.DropletCreateImage{ID: id}
			st.snapshot[h.Name] = true
			st.imageFits[h.Name] = imageFit{regions: s.Regions, minDisk: s.MinDiskSize}
			return nil
		}
	}
	img, _, err := st.client.Images.GetBySlug(ctx, h.Image)
	if err != nil {
		if StatusCode(err) == 404 {
			return fmt.Errorf("host %q: image %q is neither a snapshot of this account nor a DigitalOcean image slug", h.Name, h.Image)
		}
		return explain(err, fmt.Sprintf("host %q: look up image %q", h.Name, h.Image))
	}
	st.images[h.Name] = godo.DropletCreateImage{Slug: h.Image}
	st.imageFits[h.Name] = imageFit{regions: img.Regions, minDisk: img.MinDiskSize}
	return nil
}

// checkDNS maps every DNS name to the longest domain of the account it is
// in, reads those domains' records, and reports every name that has an
// A, AAAA or CNAME record pointing anywhere but the host's droplet.
func (st *state) checkDNS(ctx context.Context) error {
	var all []string
	for _, h := range st.req.Hosts {
		all = append(all, h.Names...)
	}
	if len(all) == 0 {
		return nil
	}
	domains, err := listDomains(ctx, st.client)
	if err != nil {
		return err
	}
	zones := make([]string, len(domains))
	for i, d := range domains {
		zones[i] = strings.ToLower(d.Name)
	}
	var errs []error
	for _, h := range st.req.Hosts {
		for _, n := range h.Names {
			z := zoneOf(n, zones)
			if z == "" {
				errs = append(errs, fmt.Errorf("host %q: DNS name %q is in no domain of this DigitalOcean account (domains: %s)",
					h.Name, n, orNone(zones)))
				continue
			}
			st.zoneOf[n] = z
			if _, read := st.records[z]; !read {
				rs, err := addressRecords(ctx, st.client, z)
				if err != nil {
					return err
				}
				st.records[z] = rs
			}
		}
	}
	for _, h := range st.req.Hosts {
		d := st.droplets[h.Name]
		for _, n := range h.Names {
			z, ok := st.zoneOf[n]
			if !ok {
				continue
			}
			for _, r := range st.records[z] {
				if fqdn(r.Name, z) == n && !pointsAt(r, d) && !st.pointsAtReserved(r, h) {
					errs = append(errs, fmt.Errorf("host %q: DNS name %q is taken: record %s %s -> %s (id %d) points elsewhere; delete it or drop the name from hosts.conf",
						h.Name, n, r.Type, n, r.Data, r.ID))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// pointsAt reports whether an A or AAAA record points at the droplet.
func pointsAt(r godo.DomainRecord, d *godo.Droplet) bool {
	if d == nil {
		return false
	}
	pub4, _, pub6 := addresses(d)
	return (r.Type == "A" && sameIP(r.Data, pub4)) || (r.Type == "AAAA" && sameIP(r.Data, pub6))
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
