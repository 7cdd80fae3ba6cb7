package digitalocean

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func TestDestroyRemovesDropletsAndTheirRecords(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	ctx := context.Background()
	conf := `{"web": {"region": "fra1", "names": ["web.example.com"]}, "api": {"region": "fra1", "names": ["api.example.com"]}}`
	if _, err := Provision(ctx, c, request(t, hosts(t, conf))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddRecord("example.com", "A", "mail", "198.51.100.99"); err != nil {
		t.Fatal(err)
	}
	// Another project's droplet must survive.
	if _, err := Provision(ctx, c, ProvisionRequest{Project: "other", Hosts: hosts(t, `{"web": {"region": "fra1"}}`),
		PublicKey: testKey(t, 1), PollInterval: time.Millisecond}); err != nil {
		t.Fatal(err)
	}

	var progress bytes.Buffer
	deleted, err := Destroy(ctx, c, "demo", []string{"web"}, WithProgress(&progress))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(deleted, "203.0.113.2") || slices.Contains(deleted, "203.0.113.3") {
		t.Errorf("destroying web reports the addresses %q, want web's (203.0.113.2) and not api's", deleted)
	}
	if got := dropletNames(f); !reflect.DeepEqual(got, []string{"demo-api", "other-web"}) {
		t.Errorf("droplets after destroying web: %q", got)
	}
	want := []string{"A api.example.com -> 203.0.113.3", "AAAA api.example.com -> 2001:db8:1::2", "A mail.example.com -> 198.51.100.99"}
	if got := recordsOf(f, "example.com"); !reflect.DeepEqual(got, want) {
		t.Errorf("records after destroying web:\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(progress.String(), "deleted DNS record A web.example.com -> 203.0.113.2") {
		t.Errorf("progress: %s", progress.String())
	}

	if _, err := Destroy(ctx, c, "demo", nil); err != nil {
		t.Fatal(err)
	}
	if got := dropletNames(f); !reflect.DeepEqual(got, []string{"other-web"}) {
		t.Errorf("droplets after destroying the project: %q", got)
	}
	if got := recordsOf(f, "example.com"); !reflect.DeepEqual(got, want[2:]) {
		t.Errorf("records after destroying the project: %q", got)
	}
	if deleted, err := Destroy(ctx, c, "demo", nil); err != nil || len(deleted) != 0 {
		t.Errorf("destroying nothing: %q, %v", deleted, err)
	}
	inv, err := RebuildInventory(ctx, c, "demo")
	if err != nil || len(inv) != 0 {
		t.Errorf("inventory after destroy: %v, %v", inv, err)
	}
}

func dropletNames(f *fakedo.Server) []string {
	var out []string
	for _, d := range f.Droplets() {
		out = append(out, d.Name)
	}
	slices.Sort(out)
	return out
}

func TestSnapshotThenProvisionFromIt(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{ActionPolls: 2})
	ctx := context.Background()
	if _, err := Provision(ctx, c, request(t, hosts(t, `{"web": {"region": "fra1"}}`))); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	err := Snapshot(ctx, c, "demo", "web", "web-golden", WithProgress(&progress), WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatalf("snapshot: %v\n%s", err, progress.String())
	}
	web := f.Droplets()[0]
	if web.Status != "active" {
		t.Errorf("droplet is %q after the snapshot, want it powered on again", web.Status)
	}
	actions := f.Calls("POST", "/v2/droplets/"+strconv.Itoa(web.ID)+"/actions")
	if actions != 3 {
		t.Errorf("%d droplet actions, want shutdown, snapshot, power_on", actions)
	}
	snaps, err := ListSnapshots(ctx, c, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 1 || snaps[0].Name != "web-golden" || snaps[0].Droplet != "demo-web" {
		t.Fatalf("snapshots %+v, want web-golden of demo-web", snaps)
	}
	if others, _ := ListSnapshots(ctx, c, "other"); len(others) != 0 {
		t.Errorf("project other lists %+v", others)
	}

	// A host made from the snapshot already has Docker: no user data.
	if _, err := Provision(ctx, c, request(t, hosts(t, `{"web2": {"region": "fra1", "image": "web-golden"}, "web3": {"region": "fra1", "image": `+strconv.Itoa(snaps[0].ID)+`}}`))); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"demo-web2", "demo-web3"} {
		if ud, ok := f.UserData(name); !ok || ud != "" {
			t.Errorf("%s: user data %q (found %v), want none for a snapshot", name, ud, ok)
		}
	}
	if ud, _ := f.UserData("demo-web"); ud != UserData(false) {
		t.Errorf("demo-web user data %q, want the Docker install script", ud)
	}
	inv, err := RebuildInventory(ctx, c, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if inv["web2"].Image != "web-golden" || inv["web"].Image != "debian-12-x64" {
		t.Errorf("inventory images: web %q, web2 %q", inv["web"].Image, inv["web2"].Image)
	}
}

func TestSnapshotLeavesAnOffDropletOff(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	ctx := context.Background()
	if _, err := Provision(ctx, c, request(t, hosts(t, `{"web": {"region": "fra1"}}`))); err != nil {
		t.Fatal(err)
	}
	d := f.Droplets()[0]
	a, _, err := c.DropletActions.PowerOff(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitAction(ctx, c, a, "power off", applyOptions([]Option{WithPollInterval(time.Millisecond)})); err != nil {
		t.Fatal(err)
	}
	if err := Snapshot(ctx, c, "demo", "web", "", WithPollInterval(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if got := f.Droplets()[0].Status; got != "off" {
		t.Errorf("droplet is %q, want it left off", got)
	}
	snaps := f.Snapshots()
	if len(snaps) != 1 || !strings.HasPrefix(snaps[0].Name, "demo-web-") {
		t.Errorf("snapshots %+v, want one named demo-web-<time>", snaps)
	}
	_, err = Provision(ctx, c, request(t, hosts(t, `{"web": {"region": "fra1"}}`)))
	if err == nil || !strings.Contains(err.Error(), `host "web": droplet demo-web is off: power it on`) {
		t.Errorf("provision of a powered-off droplet: %v", err)
	}
	err = Snapshot(ctx, c, "demo", "nosuch", "", WithPollInterval(time.Millisecond))
	if err == nil || !strings.Contains(err.Error(), `no droplet for host "nosuch"`) {
		t.Errorf("snapshot of an unknown host: %v", err)
	}
}

func TestProvisionImageChecks(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	conf := `{"a": {"region": "fra1", "image": 99999}, "b": {"region": "fra1", "image": "debian-99-x64"}}`
	_, err := Provision(context.Background(), c, request(t, hosts(t, conf)))
	for _, want := range []string{
		`host "a": image 99999 is not in this DigitalOcean account`,
		`host "b": image "debian-99-x64" is neither a snapshot of this account nor a DigitalOcean image slug`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if n := f.Calls("POST", "/v2/droplets"); n != 0 {
		t.Errorf("POST /v2/droplets made %d times", n)
	}
}

func TestPaginationAcrossPages(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{MaxPerPage: 2})
	ctx := context.Background()
	// Other keys fill the first pages, so the project's key is on page 3.
	for seed := byte(10); seed < 14; seed++ {
		if _, _, err := c.Keys.Create(ctx, &godo.KeyCreateRequest{Name: "k" + strconv.Itoa(int(seed)), PublicKey: testKey(t, seed)}); err != nil {
			t.Fatal(err)
		}
	}
	conf := `{"h1": {"region": "fra1", "names": ["h1.example.com"]}, "h2": {"region": "fra1"}, "h3": {"region": "fra1"},
	"h4": {"region": "fra1"}, "h5": {"region": "fra1", "names": ["h5.example.com"]}}`
	req := request(t, hosts(t, conf))
	first, err := Provision(ctx, c, req)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Provision(ctx, c, req)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Calls("POST", "/v2/droplets"); n != 5 {
		t.Errorf("POST /v2/droplets made %d times over two runs, want 5", n)
	}
	if n := f.Calls("POST", "/v2/account/keys"); n != 5 {
		t.Errorf("POST /v2/account/keys made %d times, want 4 by the test and 1 by provision", n)
	}
	if n := f.Calls("POST", "/v2/domains/example.com/records"); n != 4 {
		t.Errorf("POST records made %d times, want 4", n)
	}
	if n := f.Calls("GET", "/v2/droplets"); n != 5 {
		t.Errorf("GET /v2/droplets made %d times, want 1 (none yet) + 1 (the account's count, for droplet_limit) + 3 (5 droplets, 2 a page)", n)
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("inventories differ")
	}
	rebuilt, err := RebuildInventory(ctx, c, "demo")
	if err != nil || !reflect.DeepEqual(rebuilt, first) {
		t.Errorf("rebuilt inventory differs (%v):\n%+v\n%+v", err, rebuilt, first)
	}
}
