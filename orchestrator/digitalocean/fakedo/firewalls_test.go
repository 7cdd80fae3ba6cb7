package fakedo_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func sshRule(from ...string) godo.InboundRule {
	return godo.InboundRule{Protocol: "tcp", PortRange: "22", Sources: &godo.Sources{Addresses: from}}
}

var allOut = []godo.OutboundRule{{Protocol: "tcp", PortRange: "1-65535", Destinations: &godo.Destinations{Addresses: []string{"0.0.0.0/0", "::/0"}}}}

func statusOf(err error) int {
	if er, ok := err.(*godo.ErrorResponse); ok && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

// A firewall reads "waiting", with a pending change per covered droplet,
// until the API has pushed it; "all ports" reads back as "0".
func TestFirewallLifecycle(t *testing.T) {
	ctx := context.Background()
	f, c := start(t, fakedo.Config{ActionPolls: 1})
	d := create(t, c, "web", false)

	fw, _, err := c.Firewalls.Create(ctx, &godo.FirewallRequest{
		Name: "dockerops.demo", Tags: []string{"t1"}, InboundRules: []godo.InboundRule{sshRule("0.0.0.0/0", "::/0")}, OutboundRules: allOut,
	})
	if err != nil {
		t.Fatal(err)
	}
	if fw.Status != "waiting" || len(fw.PendingChanges) != 1 || fw.PendingChanges[0].DropletID != d.ID || fw.Created == "" || fw.ID == "" {
		t.Errorf("new firewall: status %q, pending %+v, created %q, id %q", fw.Status, fw.PendingChanges, fw.Created, fw.ID)
	}
	if got := fw.OutboundRules[0].PortRange; got != "0" {
		t.Errorf("outbound 1-65535 reads %q, want \"0\" as the API shows every port", got)
	}
	for range 2 {
		fw, _, err = c.Firewalls.Get(ctx, fw.ID)
		if err != nil {
			t.Fatal(err)
		}
	}
	if fw.Status != "succeeded" || len(fw.PendingChanges) != 0 {
		t.Errorf("after two GETs: status %q, pending %+v", fw.Status, fw.PendingChanges)
	}
	byDroplet, _, err := c.Firewalls.ListByDroplet(ctx, d.ID, nil)
	if err != nil || len(byDroplet) != 1 {
		t.Errorf("firewalls of droplet %d: %v, %v", d.ID, byDroplet, err)
	}

	// PUT replaces the whole firewall: leaving out the tags drops them.
	fw, _, err = c.Firewalls.Update(ctx, fw.ID, &godo.FirewallRequest{Name: "dockerops.demo", InboundRules: []godo.InboundRule{sshRule("192.0.2.0/24")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fw.Tags) != 0 || len(fw.OutboundRules) != 0 || fw.InboundRules[0].Sources.Addresses[0] != "192.0.2.0/24" {
		t.Errorf("after a PUT without tags and outbound rules: %+v", fw)
	}
	if _, err := c.Firewalls.AddTags(ctx, fw.ID, "t1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Firewalls.AddRules(ctx, fw.ID, &godo.FirewallRulesRequest{InboundRules: []godo.InboundRule{{Protocol: "udp", PortRange: "53", Sources: &godo.Sources{Tags: []string{"t1"}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Firewalls.RemoveRules(ctx, fw.ID, &godo.FirewallRulesRequest{InboundRules: []godo.InboundRule{sshRule("192.0.2.0/24")}}); err != nil {
		t.Fatal(err)
	}
	got := f.Firewalls()[0]
	if !slices.Equal(got.Tags, []string{"t1"}) || len(got.InboundRules) != 1 || got.InboundRules[0].Protocol != "udp" {
		t.Errorf("after adding a tag and a rule and removing the SSH rule: %+v", got)
	}

	if _, err := c.Firewalls.Delete(ctx, fw.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Firewalls.Get(ctx, fw.ID); statusOf(err) != http.StatusNotFound {
		t.Errorf("GET of a deleted firewall: %v, want 404", err)
	}
}

func TestFirewallRefusals(t *testing.T) {
	ctx := context.Background()
	_, c := start(t, fakedo.Config{})
	create(t, c, "web", false)
	if _, _, err := c.Firewalls.Create(ctx, &godo.FirewallRequest{Name: "taken", InboundRules: []godo.InboundRule{sshRule("0.0.0.0/0")}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		req  godo.FirewallRequest
		code int
		want string
	}{
		{"duplicate name", godo.FirewallRequest{Name: "taken", InboundRules: []godo.InboundRule{sshRule("0.0.0.0/0")}}, 409, "duplicate name"},
		{"bad name", godo.FirewallRequest{Name: "_x", InboundRules: []godo.InboundRule{sshRule("0.0.0.0/0")}}, 422, "alphanumeric"},
		{"no rule", godo.FirewallRequest{Name: "x"}, 422, "at least one inbound or outbound"},
		{"bad protocol", godo.FirewallRequest{Name: "x", InboundRules: []godo.InboundRule{{Protocol: "sctp", PortRange: "22", Sources: &godo.Sources{Addresses: []string{"0.0.0.0/0"}}}}}, 422, "protocol"},
		{"ports all", godo.FirewallRequest{Name: "x", InboundRules: []godo.InboundRule{{Protocol: "tcp", PortRange: "all", Sources: &godo.Sources{Addresses: []string{"0.0.0.0/0"}}}}}, 422, "valid range for ports"},
		{"port too high", godo.FirewallRequest{Name: "x", InboundRules: []godo.InboundRule{{Protocol: "udp", PortRange: "70000", Sources: &godo.Sources{Addresses: []string{"0.0.0.0/0"}}}}}, 422, "valid range for ports"},
		{"tcp without ports", godo.FirewallRequest{Name: "x", InboundRules: []godo.InboundRule{{Protocol: "tcp", Sources: &godo.Sources{Addresses: []string{"0.0.0.0/0"}}}}}, 422, "valid range for ports"},
		{"bad address", godo.FirewallRequest{Name: "x", InboundRules: []godo.InboundRule{sshRule("10.0.0.0/33")}}, 422, "invalid address"},
		{"unknown tag", godo.FirewallRequest{Name: "x", Tags: []string{"nope"}, InboundRules: []godo.InboundRule{sshRule("0.0.0.0/0")}}, 422, `"nope"`},
		{"unknown source tag", godo.FirewallRequest{Name: "x", InboundRules: []godo.InboundRule{{Protocol: "tcp", PortRange: "2377", Sources: &godo.Sources{Tags: []string{"nope"}}}}}, 422, `"nope"`},
	} {
		_, _, err := c.Firewalls.Create(ctx, &tc.req)
		if statusOf(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %d mentioning %q", tc.name, err, tc.code, tc.want)
		}
	}
	var many []godo.InboundRule
	for p := range 51 {
		many = append(many, godo.InboundRule{Protocol: "tcp", PortRange: fmt.Sprint(8000 + p), Sources: &godo.Sources{Addresses: []string{"0.0.0.0/0"}}})
	}
	if _, _, err := c.Firewalls.Create(ctx, &godo.FirewallRequest{Name: "many", InboundRules: many}); statusOf(err) != 422 {
		t.Errorf("51 rules: %v, want 422", err)
	}
}

func TestFirewallListIsPaged(t *testing.T) {
	ctx := context.Background()
	_, c := start(t, fakedo.Config{MaxPerPage: 2})
	for i := range 5 {
		if _, _, err := c.Firewalls.Create(ctx, &godo.FirewallRequest{Name: fmt.Sprintf("fw%d", i), InboundRules: []godo.InboundRule{sshRule("0.0.0.0/0")}}); err != nil {
			t.Fatal(err)
		}
	}
	list, resp, err := c.Firewalls.List(ctx, &godo.ListOptions{PerPage: 200})
	if err != nil || len(list) != 2 || resp.Links == nil || resp.Links.IsLastPage() || resp.Meta.Total != 5 {
		t.Errorf("first page: %d firewalls, links %+v, err %v", len(list), resp.Links, err)
	}
}

// Tagging needs the tag to exist (404 before POST /v2/tags).
func TestTagResources(t *testing.T) {
	ctx := context.Background()
	f, c := start(t, fakedo.Config{})
	d := create(t, c, "web", false)
	res := &godo.TagResourcesRequest{Resources: []godo.Resource{{ID: fmt.Sprint(d.ID), Type: godo.DropletResourceType}}}
	if _, err := c.Tags.TagResources(ctx, "new-tag", res); statusOf(err) != 404 {
		t.Errorf("tagging with a tag that does not exist: %v, want 404", err)
	}
	if _, _, err := c.Tags.Create(ctx, &godo.TagCreateRequest{Name: "new-tag"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tags.TagResources(ctx, "new-tag", res); err != nil {
		t.Fatal(err)
	}
	if tags := f.Droplets()[0].Tags; !slices.Contains(tags, "new-tag") {
		t.Errorf("droplet tags %v lack new-tag", tags)
	}
}
