package digitalocean

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

// inbound lists a firewall's inbound rules as "ports/protocol from peers".
func inbound(f *fakedo.Server, name string) []string {
	for _, fw := range f.Firewalls() {
		if fw.Name != name {
			continue
		}
		var out []string
		for _, r := range fw.InboundRules {
			peers := strings.Join(append(slices.Clone(r.Sources.Addresses), r.Sources.Tags...), ",")
			out = append(out, r.PortRange+"/"+r.Protocol+" from "+peers)
		}
		slices.Sort(out)
		return out
	}
	return nil
}

// writes counts the requests that change firewalls.
func writes(f *fakedo.Server) int {
	n := f.Calls("POST", "/v2/firewalls")
	for _, fw := range f.Firewalls() {
		n += f.Calls("PUT", "/v2/firewalls/"+fw.ID)
	}
	return n
}

func TestProvisionFirewalls(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	ctx := context.Background()
	hs := hosts(t, `{"web": {"region": "fra1", "ssh_from": ["198.51.100.7"]}, "db": {"region": "fra1"}}`)
	req := request(t, hs)
	req.Published = map[string][]PublishedPort{"web": {{443, "tcp"}, {80, "tcp"}, {80, "tcp"}}}
	inv, err := Provision(ctx, c, req)
	if err != nil {
		t.Fatal(err)
	}
	tag := "dockerops-project-demo"
	wantProject := []string{"2377/tcp from " + tag, "4789/udp from " + tag, "7946/tcp from " + tag, "7946/udp from " + tag}
	if got := inbound(f, "dockerops.demo"); !slices.Equal(got, wantProject) {
		t.Errorf("project firewall lets in %q, want only the swarm ports from the project's droplets %q", got, wantProject)
	}
	if got, want := inbound(f, "dockerops.demo.web"), []string{"22/tcp from 198.51.100.7", "443/tcp from 0.0.0.0/0,::/0", "80/tcp from 0.0.0.0/0,::/0"}; !slices.Equal(got, want) {
		t.Errorf("web's firewall lets in %q, want %q", got, want)
	}
	if got, want := inbound(f, "dockerops.demo.db"), []string{"22/tcp from 0.0.0.0/0,::/0"}; !slices.Equal(got, want) {
		t.Errorf("db's firewall lets in %q, want SSH alone (it publishes nothing) %q", got, want)
	}
	for _, fw := range f.Firewalls() {
		if fw.Name == "dockerops.demo.web" && !slices.Equal(fw.Tags, []string{"dockerops-project-demo:web"}) {
			t.Errorf("web's firewall covers tags %q, want web's own", fw.Tags)
		}
	}
	if got := inv["web"].Firewalls; !slices.Equal(got, []string{"dockerops.demo", "dockerops.demo.web"}) {
		t.Errorf("inventory firewalls of web: %q", got)
	}

	// Nothing changed: no write.
	before := writes(f)
	if _, err := Provision(ctx, c, req); err != nil {
		t.Fatal(err)
	}
	if n := writes(f) - before; n != 0 {
		t.Errorf("a second provision with nothing changed wrote the firewalls %d times", n)
	}

	// 80 is no longer published: closed at the next provision, by one PUT.
	req.Published["web"] = []PublishedPort{{443, "tcp"}, {53, "udp"}}
	if _, err := Provision(ctx, c, req); err != nil {
		t.Fatal(err)
	}
	if got, want := inbound(f, "dockerops.demo.web"), []string{"22/tcp from 198.51.100.7", "443/tcp from 0.0.0.0/0,::/0", "53/udp from 0.0.0.0/0,::/0"}; !slices.Equal(got, want) {
		t.Errorf("after 80 stopped being published, web lets in %q, want %q", got, want)
	}
	if n := writes(f) - before; n != 1 {
		t.Errorf("changing web's ports made %d firewall writes, want one PUT", n)
	}

	// Destroying db takes its firewall; destroy of all takes the rest.
	if _, err := Destroy(ctx, c, "demo", []string{"db"}, WithPollInterval(1)); err != nil {
		t.Fatal(err)
	}
	if inbound(f, "dockerops.demo.db") != nil || inbound(f, "dockerops.demo.web") == nil {
		t.Errorf("after destroy:db the firewalls are %v", f.Firewalls())
	}
	if _, err := Destroy(ctx, c, "demo", nil, WithPollInterval(1)); err != nil {
		t.Fatal(err)
	}
	if left := f.Firewalls(); len(left) != 0 {
		t.Errorf("destroy of every host left firewalls %v", left)
	}
}

// A droplet made before host firewalls lacks its host tag: provision adds
// it, or the host firewall would not cover the droplet.
func TestProvisionTagsOldDroplets(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	ctx := context.Background()
	if _, _, err := c.Droplets.Create(ctx, &godo.DropletCreateRequest{Name: "demo-web", Region: "fra1", Size: DefaultSize,
		Image: godo.DropletCreateImage{Slug: DefaultImage}, Tags: []string{TagDockerops, ProjectTag("demo"), hostTag("web")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Provision(ctx, c, request(t, hosts(t, `{"web": {"region": "fra1"}}`))); err != nil {
		t.Fatal(err)
	}
	if tags := f.Droplets()[0].Tags; !slices.Contains(tags, "dockerops-project-demo:web") {
		t.Errorf("old droplet's tags %q lack its host tag", tags)
	}
}

func TestReservedIPSurvivesReplacement(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{LockAfter: 2})
	ctx := context.Background()
	req := request(t, hosts(t, `{"web": {"region": "fra1", "reserved_ip": true, "names": ["web.example.com"]}, "db": {"region": "fra1"}}`))
	inv, err := Provision(ctx, c, req)
	if err != nil {
		t.Fatal(err)
	}
	ips := f.ReservedIPs()
	if len(ips) != 1 || ips[0].Droplet == nil || ips[0].Droplet.Name != "demo-web" || ips[0].Region.Slug != "fra1" {
		t.Fatalf("reserved IPs after provision: %+v", ips)
	}
	ip := ips[0].IP
	if inv["web"].ReservedIP != ip || inv["web"].Public.IPv4 == ip || inv["web"].Public.IPv4 == "" {
		t.Errorf("inventory of web: reserved %q, public %q; want reserved %s and the droplet's own address", inv["web"].ReservedIP, inv["web"].Public.IPv4, ip)
	}
	if inv["db"].ReservedIP != "" {
		t.Errorf("db has no reserved_ip but got %s", inv["db"].ReservedIP)
	}
	wantA := "A web.example.com -> " + ip
	if recs := recordsOf(f, "example.com"); !slices.Contains(recs, wantA) || len(recs) != 2 {
		t.Errorf("records %q, want %s (and its AAAA)", recs, wantA)
	}
	rebuilt, err := RebuildInventory(ctx, c, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if rebuilt["web"].ReservedIP != ip || rebuilt["web"].Public.IPv4 != inv["web"].Public.IPv4 || !slices.Equal(rebuilt["web"].Names, []string{"web.example.com"}) {
		t.Errorf("rebuilt inventory of web: %+v", rebuilt["web"])
	}

	before := f.Calls("POST", "/v2/reserved_ips") + f.Calls("POST", "/v2/reserved_ips/"+ip+"/actions")
	if _, err := Provision(ctx, c, req); err != nil {
		t.Fatal(err)
	}
	if n := f.Calls("POST", "/v2/reserved_ips") + f.Calls("POST", "/v2/reserved_ips/"+ip+"/actions") - before; n != 0 {
		t.Errorf("a second provision made %d reserved IP writes", n)
	}

	// Replaced droplet: the address is kept, then goes to the new droplet;
	// the A record still points at it.
	if _, err := Destroy(ctx, c, "demo", []string{"web"}, WithPollInterval(1)); err != nil {
		t.Fatal(err)
	}
	if ips := f.ReservedIPs(); len(ips) != 1 || ips[0].IP != ip || ips[0].Droplet != nil {
		t.Fatalf("after destroy:web without purge, reserved IPs %+v, want %s kept unassigned", ips, ip)
	}
	if recs := recordsOf(f, "example.com"); !slices.Contains(recs, wantA) {
		t.Errorf("destroy dropped the A record to the kept reserved IP: %q", recs)
	}
	inv, err = Provision(ctx, c, req)
	if err != nil {
		t.Fatal(err)
	}
	if inv["web"].ReservedIP != ip {
		t.Errorf("inventory after re-provision: reserved IP %q, want %s", inv["web"].ReservedIP, ip)
	}
	ips = f.ReservedIPs()
	if len(ips) != 1 || ips[0].IP != ip || ips[0].Droplet == nil || ips[0].Droplet.ID != f.Droplets()[len(f.Droplets())-1].ID {
		t.Errorf("after re-provision, reserved IPs %+v, want %s on the new droplet", ips, ip)
	}
	if recs := recordsOf(f, "example.com"); !slices.Contains(recs, wantA) {
		t.Errorf("records after the replacement %q, want %s", recs, wantA)
	}

	// purge: released, and its record goes.
	found, err := HostReservedIPs(ctx, c, "demo", hosts(t, `{"web": {"region": "fra1", "names": ["web.example.com"]}}`), nil)
	if err != nil || found["web"] != ip {
		t.Fatalf("HostReservedIPs = %v, %v; want web: %s", found, err, ip)
	}
	if _, err := Destroy(ctx, c, "demo", []string{"web"}, WithPollInterval(1), WithReleaseReservedIPs(found)); err != nil {
		t.Fatal(err)
	}
	if ips := f.ReservedIPs(); len(ips) != 0 {
		t.Errorf("purge left reserved IPs %+v", ips)
	}
	if recs := recordsOf(f, "example.com"); slices.ContainsFunc(recs, func(r string) bool { return strings.Contains(r, "web.example.com") }) {
		t.Errorf("purge left records of web: %q", recs)
	}
}

// Without DNS names, the record of an earlier run finds the address again.
func TestReservedIPFoundFromRecord(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	ctx := context.Background()
	req := request(t, hosts(t, `{"web": {"region": "fra1", "reserved_ip": true}}`))
	inv, err := Provision(ctx, c, req)
	if err != nil {
		t.Fatal(err)
	}
	ip := inv["web"].ReservedIP
	if _, err := Destroy(ctx, c, "demo", nil, WithPollInterval(1)); err != nil {
		t.Fatal(err)
	}
	req.ReservedIPs = map[string]string{"web": ip}
	if inv, err = Provision(ctx, c, req); err != nil {
		t.Fatal(err)
	}
	if inv["web"].ReservedIP != ip || len(f.ReservedIPs()) != 1 {
		t.Errorf("re-provision with the recorded %s: reserved %q, account %+v", ip, inv["web"].ReservedIP, f.ReservedIPs())
	}
}
