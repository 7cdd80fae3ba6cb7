package digitalocean

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func TestProvisionTwiceMakesEverythingOnce(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{ActivateAfter: 2})
	ctx := context.Background()
	var progress bytes.Buffer
	req := request(t, hosts(t, twoHosts))
	req.Progress = &progress
	first, err := Provision(ctx, c, req)
	if err != nil {
		t.Fatalf("first provision: %v\n%s", err, progress.String())
	}
	wantRecords := []string{
		"A web.example.com -> 203.0.113.2", "AAAA web.example.com -> 2001:db8:1::1",
		"A example.com -> 203.0.113.2", "AAAA example.com -> 2001:db8:1::1",
	}
	if got := recordsOf(f, "example.com"); !reflect.DeepEqual(got, wantRecords) {
		t.Errorf("records after the first run:\n got %q\nwant %q", got, wantRecords)
	}
	apex := 0
	for _, r := range f.Records("example.com") {
		if r.Name == "@" && (r.Type == "A" || r.Type == "AAAA") {
			apex++
		}
	}
	if apex != 2 {
		t.Errorf("%d apex records named \"@\", want A and AAAA", apex)
	}
	for _, line := range []string{"web: creating droplet demo-web (fra1, s-1vcpu-1gb, debian-12-x64)", "db: droplet demo-db is active"} {
		if !strings.Contains(progress.String(), line) {
			t.Errorf("progress lacks %q:\n%s", line, progress.String())
		}
	}

	second, err := Provision(ctx, c, req)
	if err != nil {
		t.Fatalf("second provision: %v", err)
	}
	for call, want := range map[string]int{
		"POST /v2/droplets":                    2,
		"POST /v2/account/keys":                1,
		"POST /v2/domains/example.com/records": 4,
	} {
		if got := f.Calls(strings.Fields(call)[0], strings.Fields(call)[1]); got != want {
			t.Errorf("%s made %d times over two runs, want %d", call, got, want)
		}
	}
	if n := len(f.Droplets()); n != 2 {
		t.Errorf("%d droplets after two runs, want 2", n)
	}
	if got := recordsOf(f, "example.com"); !reflect.DeepEqual(got, wantRecords) {
		t.Errorf("records after the second run: %q", got)
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("the second run's inventory differs:\n%+v\n%+v", first, second)
	}
}

func TestProvisionDropletShape(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	f.AddVPC("5a4981aa-9653-4bd1-bef5-d6bff52042e4", "fra1")
	conf := `{"web_1": {"region": "fra1", "backups": true, "monitoring": true, "tags": ["frontend"],
	"vpc_uuid": "5a4981aa-9653-4bd1-bef5-d6bff52042e4"}}`
	if _, err := Provision(context.Background(), c, request(t, hosts(t, conf))); err != nil {
		t.Fatal(err)
	}
	ds := f.Droplets()
	if len(ds) != 1 {
		t.Fatalf("%d droplets, want 1", len(ds))
	}
	d := ds[0]
	if d.Name != "demo-web-1" {
		t.Errorf("droplet name %q, want demo-web-1 (underscores become dashes)", d.Name)
	}
	wantTags := []string{"dockerops", "dockerops-project-demo", "dockerops-host:web_1", "dockerops-project-demo:web_1", "frontend"}
	if !reflect.DeepEqual(d.Tags, wantTags) {
		t.Errorf("tags %q, want %q", d.Tags, wantTags)
	}
	for _, feat := range []string{"backups", "monitoring", "ipv6"} {
		if !slices.Contains(d.Features, feat) {
			t.Errorf("droplet features %q lack %q", d.Features, feat)
		}
	}
	if d.VPCUUID != "5a4981aa-9653-4bd1-bef5-d6bff52042e4" {
		t.Errorf("vpc %q", d.VPCUUID)
	}
	keys := f.Keys()
	if len(keys) != 1 || keys[0].Name != "dockerops-demo" {
		t.Errorf("keys %+v, want one named dockerops-demo", keys)
	}
}

func TestProvisionIPv6(t *testing.T) {
	for _, tc := range []struct {
		ipv6     string
		wantAAAA bool
	}{{"true", true}, {"false", false}} {
		t.Run("ipv6="+tc.ipv6, func(t *testing.T) {
			f, c, _ := newFake(t, fakedo.Config{})
			conf := `{"web": {"region": "fra1", "ipv6": ` + tc.ipv6 + `, "names": ["www.example.com"]}}`
			inv, err := Provision(context.Background(), c, request(t, hosts(t, conf)))
			if err != nil {
				t.Fatal(err)
			}
			recs := strings.Join(recordsOf(f, "example.com"), "\n")
			if got := strings.Contains(recs, "AAAA www.example.com"); got != tc.wantAAAA {
				t.Errorf("AAAA record present = %v, want %v; records:\n%s", got, tc.wantAAAA, recs)
			}
			if !strings.Contains(recs, "A www.example.com -> 203.0.113.2") {
				t.Errorf("no A record:\n%s", recs)
			}
			if got := inv["web"].Public.IPv6 != ""; got != tc.wantAAAA {
				t.Errorf("inventory ipv6 = %q", inv["web"].Public.IPv6)
			}
			data, _ := json.Marshal(inv["web"].Public)
			if !tc.wantAAAA && strings.Contains(string(data), "ipv6") {
				t.Errorf("public_network_interfaces %s should have no ipv6 key", data)
			}
		})
	}
}

func TestProvisionInventoryGoldenAndRebuild(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	f.AddDomain("dev.example.com")
	conf := twoHosts[:len(twoHosts)-2] + `,
"api": {"region": "fra1", "names": ["api.dev.example.com"]}
}`
	ctx := context.Background()
	inv, err := Provision(ctx, c, request(t, hosts(t, conf)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "inventory.json")
	if err := WriteInventory(path, inv); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "inventory.golden.json", raw)
	written, err := ReadInventory(path)
	if err != nil {
		t.Fatal(err)
	}

	if got := recordsOf(f, "dev.example.com"); !slices.Contains(got, "A api.dev.example.com -> 203.0.113.4") {
		t.Errorf("api's name should land in the longest matching domain, dev.example.com: %q", got)
	}
	rebuilt, err := RebuildInventory(ctx, c, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rebuilt, written) {
		t.Errorf("inventory rebuilt from the account differs from the written one:\n%+v\n%+v", rebuilt, written)
	}
}
