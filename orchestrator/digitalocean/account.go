package digitalocean

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/digitalocean/godo"
)

// perPage is the largest page the API serves; fewer pages, fewer requests.
const perPage = 200

// listAll follows the API's pagination until the last page.
func listAll[T any](list func(opt *godo.ListOptions) ([]T, *godo.Response, error)) ([]T, error) {
	opt := &godo.ListOptions{Page: 1, PerPage: perPage}
	var all []T
	for range 10000 {
		items, resp, err := list(opt)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if resp == nil || resp.Links == nil || resp.Links.IsLastPage() {
			return all, nil
		}
		page, err := resp.Links.CurrentPage()
		if err != nil || page < opt.Page {
			return nil, fmt.Errorf("DigitalOcean API: unreadable pagination links (%v)", err)
		}
		opt.Page = page + 1
	}
	return nil, fmt.Errorf("DigitalOcean API: more than 10000 pages")
}

// projectDroplets lists the droplets tagged with the project, by ID,
// leaving out those that are as good as gone (see absent).
func projectDroplets(ctx context.Context, c *godo.Client, project string) ([]godo.Droplet, error) {
	ds, err := listAll(func(opt *godo.ListOptions) ([]godo.Droplet, *godo.Response, error) {
		return c.Droplets.ListByTag(ctx, ProjectTag(project), opt)
	})
	if err != nil {
		return nil, explain(err, fmt.Sprintf("list the droplets of project %q", project))
	}
	ds = slices.DeleteFunc(ds, func(d godo.Droplet) bool { return absent(c, d) })
	slices.SortFunc(ds, func(a, b godo.Droplet) int { return a.ID - b.ID })
	return ds, nil
}

// hostOf names the hosts.conf host a project droplet was made for: its host
// tag, or else its name without the project prefix.
func hostOf(d godo.Droplet, project string) string {
	for _, t := range d.Tags {
		if h, ok := strings.CutPrefix(t, hostTagPrefix); ok && h != "" {
			return h
		}
	}
	return strings.TrimPrefix(d.Name, DropletName(project, ""))
}

func listDomains(ctx context.Context, c *godo.Client) ([]godo.Domain, error) {
	ds, err := listAll(func(opt *godo.ListOptions) ([]godo.Domain, *godo.Response, error) {
		return c.Domains.List(ctx, opt)
	})
	return ds, explain(err, "list the account's DNS domains")
}

// addressRecords lists a zone's A, AAAA and CNAME records, the ones that
// say where a name points.
func addressRecords(ctx context.Context, c *godo.Client, zone string) ([]godo.DomainRecord, error) {
	rs, err := listAll(func(opt *godo.ListOptions) ([]godo.DomainRecord, *godo.Response, error) {
		return c.Domains.Records(ctx, zone, opt)
	})
	if err != nil {
		return nil, explain(err, fmt.Sprintf("list the DNS records of %s", zone))
	}
	return slices.DeleteFunc(rs, func(r godo.DomainRecord) bool {
		return r.Type != "A" && r.Type != "AAAA" && r.Type != "CNAME"
	}), nil
}

// fqdn is the full name of a record of zone ("@" is the zone itself).
func fqdn(name, zone string) string {
	if name == "@" || name == "" {
		return zone
	}
	return strings.ToLower(strings.TrimSuffix(name, ".")) + "." + zone
}

// relativeName is the record name of a full name in zone, as the API wants.
func relativeName(name, zone string) string {
	if name == zone {
		return "@"
	}
	return strings.TrimSuffix(name, "."+zone)
}

// zoneOf is the longest domain of the account that name is in, or "".
func zoneOf(name string, zones []string) string {
	best := ""
	for _, z := range zones {
		if (name == z || strings.HasSuffix(name, "."+z)) && len(z) > len(best) {
			best = z
		}
	}
	return best
}

// sameIP compares addresses whatever their spelling ("::1" and "0:0::1").
func sameIP(a, b string) bool {
	x, y := net.ParseIP(a), net.ParseIP(b)
	return x != nil && y != nil && x.Equal(y)
}

// addresses returns a droplet's public IPv4, private IPv4 and public IPv6.
func addresses(d *godo.Droplet) (pub4, priv4, pub6 string) {
	pub4, _ = d.PublicIPv4()
	priv4, _ = d.PrivateIPv4()
	pub6, _ = d.PublicIPv6()
	return pub4, priv4, pub6
}
