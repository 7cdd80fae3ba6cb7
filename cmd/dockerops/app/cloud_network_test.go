package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/digitalocean/godo"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

// firewall lists what the named cloud firewall lets in, as "ports/protocol
// from peers", sorted; nil when there is no such firewall.
func (c *cloudAPI) firewall(name string) []string {
	for _, fw := range c.fake.Firewalls() {
		if fw.Name != name {
			continue
		}
		out := []string{}
		for _, r := range fw.InboundRules {
			out = append(out, r.PortRange+"/"+r.Protocol+" from "+strings.Join(append(slices.Clone(r.Sources.Addresses), r.Sources.Tags...), ","))
		}
		slices.Sort(out)
		return out
	}
	return nil
}

// networkWrites counts the requests that write firewalls or reserved IPs.
func (c *cloudAPI) networkWrites() int {
	n := 0
	for call, count := range c.fake.AllCalls() {
		if (strings.HasPrefix(call, "POST ") || strings.HasPrefix(call, "PUT ")) &&
			(strings.Contains(call, "/v2/firewalls") || strings.Contains(call, "/v2/reserved_ips")) {
			n += count
		}
	}
	return n
}

func (c *cloudAPI) editRunConf(old, new string) {
	c.t.Helper()
	path := filepath.Join(c.dir, "apps_containers", "run.conf")
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	text := strings.Replace(string(data), old, new, 1)
	if text == string(data) {
		c.t.Fatalf("run.conf has no %s", old)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// The firewalls follow run.conf: back publishes 2222 on db1, so db1's
// firewall opens it and web1's does not; once front publishes instead, the
// next provision moves the port. A provision with nothing changed writes
// nothing, and destroy:all removes every firewall.
func TestCloudFirewallsFollowPublishedPorts(t *testing.T) {
	t.Parallel()
	c := newCloudAPI(t, fakedo.Config{})
	c.editHosts(`"db1": {"region": "fra1",`, `"db1": {"region": "fra1", "ssh_from": ["198.51.100.0/24"],`)
	c.must("provision,wait=False")
	everyone := "0.0.0.0/0,::/0"
	project, web, db := "dockerops."+c.name, "dockerops."+c.name+".web1", "dockerops."+c.name+".db1"
	tag := "dockerops-project-" + c.name
	if got, want := c.firewall(project), []string{"2377/tcp from " + tag, "4789/udp from " + tag, "7946/tcp from " + tag, "7946/udp from " + tag}; !slices.Equal(got, want) {
		t.Errorf("project firewall lets in %q, want %q", got, want)
	}
	if got, want := c.firewall(db), []string{"22/tcp from 198.51.100.0/24", "2222/tcp from " + everyone}; !slices.Equal(got, want) {
		t.Errorf("db1's firewall lets in %q, want %q", got, want)
	}
	if got, want := c.firewall(web), []string{"22/tcp from " + everyone}; !slices.Equal(got, want) {
		t.Errorf("web1 publishes nothing, but its firewall lets in %q, want %q", got, want)
	}
	if inv := c.inventory(); inv["web1"].Public["ipv4"] == "" {
		t.Errorf("inventory after provision: %+v", inv)
	}
	data, _ := os.ReadFile(filepath.Join(c.dir, "inventory.json"))
	if !strings.Contains(string(data), `"`+db+`"`) {
		t.Errorf("inventory.json does not name db1's firewall:\n%s", data)
	}

	before := c.networkWrites()
	c.must("provision,wait=False")
	if n := c.networkWrites() - before; n != 0 {
		t.Errorf("a second provision with nothing changed made %d firewall writes", n)
	}

	c.editRunConf(`"group": "back", "publish_ports": true`, `"group": "back"`)
	c.editRunConf(`"group": "front",`, `"group": "front", "publish_ports": true,`)
	c.must("provision,wait=False")
	if got, want := c.firewall(db), []string{"22/tcp from 198.51.100.0/24"}; !slices.Equal(got, want) {
		t.Errorf("back no longer publishes 2222, but db1's firewall lets in %q", got)
	}
	if got, want := c.firewall(web), []string{"22/tcp from " + everyone, "2222/tcp from " + everyone}; !slices.Equal(got, want) {
		t.Errorf("front publishes 2222, web1's firewall lets in %q, want %q", got, want)
	}

	c.must("destroy:all,force=True")
	if left := c.fake.Firewalls(); len(left) != 0 {
		t.Errorf("destroy:all left firewalls %v", left)
	}
}

// A reserved_ip host keeps its address across a droplet replacement, with
// its DNS name pointing at it; purge=True releases it.
func TestCloudReservedIPAcrossReplacement(t *testing.T) {
	t.Parallel()
	c := newCloudAPI(t, fakedo.Config{})
	c.editHosts(`"names": ["web1.example.com"],`, `"names": ["web1.example.com"], "reserved_ip": true,`)
	c.must("provision,wait=False")
	ips := c.fake.ReservedIPs()
	if len(ips) != 1 || ips[0].Droplet == nil || ips[0].Droplet.Name != c.name+"-web1" {
		t.Fatalf("reserved IPs after provision: %+v", ips)
	}
	ip := ips[0].IP
	if got := c.records()["A web1"]; !slices.Equal(got, []string{ip}) {
		t.Errorf("A web1 -> %v, want the reserved IP %s", got, ip)
	}
	if inv := c.inventory(); inv["web1"].Public["ipv4"] == ip || inv["web1"].Public["ipv4"] == "" {
		t.Errorf("inventory's public ipv4 of web1 is %q: want the droplet's own, not the reserved %s", inv["web1"].Public["ipv4"], ip)
	}
	out := c.must("inventory")
	var inv map[string]struct {
		ReservedIP string `json:"reserved_ip"`
	}
	if err := json.Unmarshal([]byte(out), &inv); err != nil || inv["web1"].ReservedIP != ip {
		t.Errorf("dockerops inventory does not show web1's reserved IP %s:\n%s", ip, out)
	}

	first := c.fake.Droplets()
	code, _, stderr := c.run("destroy:web1,force=True")
	if code != 0 || !strings.Contains(stderr, "reserved IP "+ip+" is kept") {
		t.Errorf("destroy:web1: exit %d, want it to say the reserved IP is kept:\n%s", code, stderr)
	}
	if ips := c.fake.ReservedIPs(); len(ips) != 1 || ips[0].Droplet != nil {
		t.Errorf("after destroy:web1, reserved IPs %+v, want %s kept unassigned", ips, ip)
	}
	c.must("provision:web1,wait=False")
	ips = c.fake.ReservedIPs()
	if len(ips) != 1 || ips[0].IP != ip || ips[0].Droplet == nil || slices.ContainsFunc(first, func(d godo.Droplet) bool { return d.ID == ips[0].Droplet.ID }) {
		t.Errorf("after the replacement, reserved IPs %+v, want %s on the new droplet", ips, ip)
	}
	if got := c.records()["A web1"]; !slices.Equal(got, []string{ip}) {
		t.Errorf("after the replacement, A web1 -> %v, want %s", got, ip)
	}

	c.fails("destroy:web1,purge=True", 1, "DELETE for good reserved IP "+ip+" of host web1", "force=True")
	if len(c.fake.ReservedIPs()) != 1 {
		t.Errorf("purge without a terminal released the reserved IP")
	}
	c.must("destroy:web1,purge=True,force=True")
	if ips := c.fake.ReservedIPs(); len(ips) != 0 {
		t.Errorf("purge left reserved IPs %+v", ips)
	}
	if got := c.records()["A web1"]; len(got) != 0 {
		t.Errorf("purge left A web1 -> %v", got)
	}
	if known, _ := os.ReadFile(filepath.Join(c.dir, "reserved_ips.json")); strings.Contains(string(known), ip) {
		t.Errorf("reserved_ips.json still names the released %s:\n%s", ip, known)
	}
	c.must("destroy:all,force=True")
}

// A second provision of hosts with every production default (a volume, a
// reserved IP, firewalls, DNS names) writes nothing: no POST, PUT or
// DELETE of any kind reaches the API.
func TestCloudSecondProvisionWritesNothing(t *testing.T) {
	t.Parallel()
	c := newCloudAPI(t, fakedo.Config{})
	c.editHosts(`"db1": {"region": "fra1",`, `"db1": {"region": "fra1", "volume": 10, "reserved_ip": true, "ssh_from": ["198.51.100.0/24"],`)
	c.must("provision,wait=False")
	if len(c.fake.Volumes()) != 1 || len(c.fake.Firewalls()) == 0 {
		t.Fatalf("first provision made %d volumes and %d firewalls, want 1 and some", len(c.fake.Volumes()), len(c.fake.Firewalls()))
	}
	before := c.fake.AllCalls()
	c.must("provision,wait=False")
	for call, n := range c.fake.AllCalls() {
		if method, _, _ := strings.Cut(call, " "); method != "GET" && n != before[call] {
			t.Errorf("second provision sent %d× %s", n-before[call], call)
		}
	}
}
