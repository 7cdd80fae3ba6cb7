package digitalocean

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func TestProvisionPreflightCapacity(t *testing.T) {
	const vpc = "5a4981aa-9653-4bd1-bef5-d6bff52042e4"
	long := strings.Repeat("h", 60)
	for _, tc := range []struct {
		name  string
		cfg   fakedo.Config
		setup func(f *fakedo.Server) string // returns hosts.conf
		want  []string
	}{
		{"droplet limit", fakedo.Config{DropletLimit: 2}, func(f *fakedo.Server) string {
			return "{\"a\": {\"region\": \"fra1\"},\n\"b\": {\"region\": \"fra1\"},\n\"c\": {\"region\": \"fra1\"}}"
		}, []string{`hosts.conf:3: host "c": a new droplet would exceed the account's droplet_limit of 2 (0 in use, 3 new hosts)`}},
		{"size not in the region", fakedo.Config{SizeRegions: map[string][]string{"s-2vcpu-4gb": {"ams3"}}}, func(f *fakedo.Server) string {
			return "{\"a\": {\"region\": \"fra1\"},\n\"b\": {\"region\": \"fra1\", \"size\": \"s-2vcpu-4gb\"}}"
		}, []string{`hosts.conf:2: host "b": size "s-2vcpu-4gb" is not offered in region "fra1" (it is in: ams3)`}},
		{"snapshot in another region", fakedo.Config{}, func(f *fakedo.Server) string {
			f.AddSnapshot("golden", "ams3")
			return "{\"a\": {\"region\": \"fra1\"},\n\"b\": {\"region\": \"fra1\", \"image\": \"golden\"}}"
		}, []string{`hosts.conf:2: host "b": image "golden" is not available in region "fra1" (it is in: ams3)`}},
		{"snapshot larger than the size's disk", fakedo.Config{}, func(f *fakedo.Server) string {
			id := f.AddSnapshot("golden", "fra1")
			f.SetMinDiskSize(id, 50)
			return "{\"a\": {\"region\": \"fra1\"},\n\"b\": {\"region\": \"fra1\", \"image\": " + strconv.Itoa(id) + "}}"
		}, []string{`hosts.conf:2: host "b": image "`, `needs a disk of at least 50 GB; size "s-1vcpu-1gb" has 25 GB`}},
		{"VPC of another region", fakedo.Config{}, func(f *fakedo.Server) string {
			f.AddVPC(vpc, "ams3")
			return "{\"a\": {\"region\": \"fra1\"},\n\"b\": {\"region\": \"fra1\", \"vpc_uuid\": \"" + vpc + "\"}}"
		}, []string{`hosts.conf:2: host "b": VPC ` + vpc + ` is in region "ams3", not "fra1"`}},
		{"droplet name too long", fakedo.Config{}, func(f *fakedo.Server) string {
			return "{\"a\": {\"region\": \"fra1\"},\n\"" + long + "\": {\"region\": \"fra1\"}}"
		}, []string{`hosts.conf:2: host "` + long + `": droplet name "demo-` + long + `" is 65 characters, DigitalOcean takes at most 63`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, _ := newFake(t, tc.cfg)
			conf := tc.setup(f)
			_, err := Provision(context.Background(), c, request(t, hosts(t, conf)))
			if err == nil {
				t.Fatal("provision succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, call := range []string{"/v2/droplets", "/v2/account/keys"} {
				if n := f.Calls("POST", call); n != 0 {
					t.Errorf("POST %s made %d times before the preflight failed", call, n)
				}
			}
		})
	}
}
