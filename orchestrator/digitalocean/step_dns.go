package digitalocean

import (
	"context"
	"fmt"

	"github.com/digitalocean/godo"
)

// publishDNS gives every name of a host an A record to its droplet's public
// IPv4 and, when the droplet has IPv6, an AAAA record; records that already
// say so are left alone.
type publishDNS struct{}

func (publishDNS) Run(ctx context.Context, st *state) error {
	for _, h := range st.req.Hosts {
		d := st.droplets[h.Name]
		pub4, _, pub6 := addresses(d)
		if ip := st.reserved[h.Name]; ip != "" {
			pub4 = ip
		}
		for _, n := range h.Names {
			zone := st.zoneOf[n]
			for _, want := range []godo.DomainRecordEditRequest{
				{Type: "A", Name: relativeName(n, zone), Data: pub4},
				{Type: "AAAA", Name: relativeName(n, zone), Data: pub6},
			} {
				if want.Data == "" || st.hasRecord(zone, n, want) {
					continue
				}
				rec, _, err := st.client.Domains.CreateRecord(ctx, zone, &want)
				if err != nil {
					return explain(err, fmt.Sprintf("host %q: create DNS record %s %s", h.Name, want.Type, n))
				}
				st.records[zone] = append(st.records[zone], *rec)
				st.made = true
				st.say("%s: DNS %s %s -> %s", h.Name, want.Type, n, want.Data)
			}
		}
	}
	return nil
}

func (st *state) hasRecord(zone, name string, want godo.DomainRecordEditRequest) bool {
	for _, r := range st.records[zone] {
		if r.Type == want.Type && fqdn(r.Name, zone) == name && sameIP(r.Data, want.Data) {
			return true
		}
	}
	return false
}
