package digitalocean

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func TestProvisionBadToken(t *testing.T) {
	f, _, _ := newFake(t, fakedo.Config{})
	c, err := NewClient("not-"+f.Token(), f.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Provision(context.Background(), c, request(t, hosts(t, twoHosts)))
	want := regexp.MustCompile(`^DigitalOcean rejected the token \(401 unauthorized\): check DIGITALOCEAN_ACCESS_TOKEN \(request id [0-9a-f-]{36}\)$`)
	if err == nil || !want.MatchString(err.Error()) {
		t.Fatalf("error %q, want %q", err, want)
	}
	if StatusCode(err) != 401 {
		t.Errorf("StatusCode = %d, want 401", StatusCode(err))
	}
	if strings.Contains(err.Error(), f.Token()) {
		t.Error("the error shows the token")
	}
}

func TestProvisionRegionRejectedThenFixed(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{Regions: []string{"fra1", "ams3"}})
	ctx := context.Background()
	bad := `{"web": {"region": "fra1"},
"db": {"region": "nyc3"}}`
	_, err := Provision(ctx, c, request(t, hosts(t, bad)))
	if err == nil {
		t.Fatal("provision in a region the account cannot use succeeded")
	}
	// The preflight names the host at its line, before anything is made.
	for _, want := range []string{`hosts.conf:2: host "db": size "s-1vcpu-1gb" is not offered in region "nyc3" (it is in: fra1, ams3)`,
		`hosts.conf:2: host "db": image "debian-12-x64" is not available in region "nyc3"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), `"web"`) || len(f.Droplets()) != 0 {
		t.Errorf("error %q names web, or %d droplets were made", err, len(f.Droplets()))
	}

	fixed := `{"web": {"region": "fra1"}, "db": {"region": "ams3"}}`
	if _, err := Provision(ctx, c, request(t, hosts(t, fixed))); err != nil {
		t.Fatalf("re-run after fixing hosts.conf: %v", err)
	}
	names := map[string]int{}
	for _, d := range f.Droplets() {
		names[d.Name]++
	}
	if len(names) != 2 || names["demo-web"] != 1 || names["demo-db"] != 1 {
		t.Errorf("droplets after the re-run: %v, want demo-web and demo-db once each", names)
	}
}

func TestProvisionDNSConflictFailsBeforeAnyChange(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	id, err := f.AddRecord("example.com", "A", "web", "198.51.100.250")
	if err != nil {
		t.Fatal(err)
	}
	conf := `{"web": {"region": "fra1", "names": ["web.example.com", "web.example.org"]}}`
	_, err = Provision(context.Background(), c, request(t, hosts(t, conf)))
	if err == nil {
		t.Fatal("provision over a taken name succeeded")
	}
	for _, want := range []string{
		`host "web": DNS name "web.example.com" is taken: record A web.example.com -> 198.51.100.250 (id ` + strconv.Itoa(id) + `)`,
		`host "web": DNS name "web.example.org" is in no domain of this DigitalOcean account (domains: example.com)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	for _, call := range [][2]string{{"POST", "/v2/droplets"}, {"POST", "/v2/account/keys"}, {"POST", "/v2/domains/example.com/records"}} {
		if n := f.Calls(call[0], call[1]); n != 0 {
			t.Errorf("%s %s made %d times before failing, want 0", call[0], call[1], n)
		}
	}
}

func TestProvisionCNAMEIsAConflict(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	if _, err := f.AddRecord("example.com", "CNAME", "www", "elsewhere.example.net."); err != nil {
		t.Fatal(err)
	}
	_, err := Provision(context.Background(), c, request(t, hosts(t, `{"web": {"region": "fra1", "names": ["www.example.com"]}}`)))
	if err == nil || !strings.Contains(err.Error(), "record CNAME www.example.com -> elsewhere.example.net.") {
		t.Fatalf("error %v, want the CNAME named", err)
	}
	if n := f.Calls("POST", "/v2/droplets"); n != 0 {
		t.Errorf("POST /v2/droplets made %d times", n)
	}
}

func TestProvisionNeverActiveTimesOutThenResumes(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{ActivateAfter: fakedo.Never})
	req := request(t, hosts(t, `{"web": {"region": "fra1", "names": ["web.example.com"]}}`))
	req.Timeout = 30 * time.Millisecond
	_, err := Provision(context.Background(), c, req)
	if err == nil {
		t.Fatal("provision of a droplet that never becomes active succeeded")
	}
	for _, want := range []string{"droplet demo-web", `host "web"`, `still "new" after 30ms`, "run provision again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if recs := recordsOf(f, "example.com"); len(recs) != 0 {
		t.Errorf("records were made for a droplet that is not active: %q", recs)
	}

	f.SetActivateAfter(0)
	inv, err := Provision(context.Background(), c, req)
	if err != nil {
		t.Fatalf("re-run once the droplet is active: %v", err)
	}
	if n := f.Calls("POST", "/v2/droplets"); n != 1 {
		t.Errorf("POST /v2/droplets made %d times over both runs, want 1", n)
	}
	if len(f.Droplets()) != 1 || inv["web"].Public.IPv4 == "" {
		t.Errorf("droplets %d, inventory %+v", len(f.Droplets()), inv)
	}
}

func TestProvisionRateLimited(t *testing.T) {
	f, c, sl := newFake(t, fakedo.Config{})
	f.LimitNext(2, 3*time.Second)
	if _, err := Provision(context.Background(), c, request(t, hosts(t, `{"web": {"region": "fra1"}}`))); err != nil {
		t.Fatalf("provision through two 429s: %v", err)
	}
	if len(sl.waits) != 2 || sl.waits[0] != 3*time.Second {
		t.Errorf("waits %v, want two of 3s as Retry-After said", sl.waits)
	}

	f.LimitNext(10, 0)
	_, err := Provision(context.Background(), c, request(t, hosts(t, `{"web": {"region": "fra1"}}`)))
	if err == nil || !strings.Contains(err.Error(), "rate limit exceeded (429 too_many_requests)") {
		t.Fatalf("error %v, want the rate limit named", err)
	}
	if len(sl.waits) != 2+rateLimitRetries {
		t.Errorf("%d waits, want %d retries after the first two", len(sl.waits), rateLimitRetries)
	}
}

func TestProvisionAPIUnreachable(t *testing.T) {
	c, err := NewClient("tok", "http://127.0.0.1:1/", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Provision(context.Background(), c, request(t, hosts(t, `{"web": {"region": "fra1"}}`)))
	want := `list the droplets of project "demo": cannot reach the DigitalOcean API: dial tcp 127.0.0.1:1: connect: connection refused`
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestProvisionRejectsBadRequests(t *testing.T) {
	_, c, _ := newFake(t, fakedo.Config{})
	for _, tc := range []struct {
		name string
		edit func(*ProvisionRequest)
		want string
	}{
		{"no hosts", func(r *ProvisionRequest) { r.Hosts = nil }, "no hosts selected"},
		{"bad project", func(r *ProvisionRequest) { r.Project = "My Project" }, `project name "My Project"`},
		{"bad key", func(r *ProvisionRequest) { r.PublicKey = "not a key" }, "not an authorized_keys line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := request(t, hosts(t, `{"web": {"region": "fra1"}}`))
			tc.edit(&req)
			if _, err := Provision(context.Background(), c, req); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
