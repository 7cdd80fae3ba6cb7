package fakedo_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
	"golang.org/x/crypto/ssh"
)

func start(t *testing.T, cfg fakedo.Config) (*fakedo.Server, *godo.Client) {
	t.Helper()
	f := fakedo.New(cfg)
	t.Cleanup(f.Close)
	c, err := godo.New(&http.Client{Transport: bearer(f.Token())}, godo.SetBaseURL(f.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

// get fetches a path with the given token and decodes the JSON body.
func get(t *testing.T, f *fakedo.Server, token, path string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.URL()+strings.TrimPrefix(path, "/"), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp, body
}

func create(t *testing.T, c *godo.Client, name string, ipv6 bool) *godo.Droplet {
	t.Helper()
	d, _, err := c.Droplets.Create(context.Background(), &godo.DropletCreateRequest{
		Name: name, Region: "fra1", Size: "s-1vcpu-1gb", Image: godo.DropletCreateImage{Slug: "debian-12-x64"},
		IPv6: ipv6, Tags: []string{"t1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPaginationLinksAreAbsolute(t *testing.T) {
	f, c := start(t, fakedo.Config{MaxPerPage: 2})
	for i := range 5 {
		create(t, c, fmt.Sprintf("d%d", i), false)
	}
	_, body := get(t, f, f.Token(), "/v2/droplets?tag_name=t1&per_page=200")
	if n := len(body["droplets"].([]any)); n != 2 {
		t.Errorf("page 1 has %d droplets, want 2 (MaxPerPage)", n)
	}
	pages := body["links"].(map[string]any)["pages"].(map[string]any)
	wantNext := strings.TrimSuffix(f.URL(), "/") + "/v2/droplets?page=2&per_page=2&tag_name=t1"
	if pages["next"] != wantNext || !strings.Contains(pages["last"].(string), "page=3") {
		t.Errorf("links.pages = %v, want absolute next %q and last page 3", pages, wantNext)
	}
	if _, ok := pages["prev"]; ok {
		t.Error("page 1 has a prev link")
	}
	if total := body["meta"].(map[string]any)["total"]; total != float64(5) {
		t.Errorf("meta.total = %v", total)
	}
	_, body = get(t, f, f.Token(), "/v2/droplets?tag_name=t1&page=3&per_page=2")
	pages = body["links"].(map[string]any)["pages"].(map[string]any)
	if _, ok := pages["next"]; ok || !strings.Contains(pages["prev"].(string), "page=2") {
		t.Errorf("last page links %v", pages)
	}
	if n := len(body["droplets"].([]any)); n != 1 {
		t.Errorf("page 3 has %d droplets", n)
	}
	if f.Calls("GET", "/v2/droplets") != 2 || f.Calls("POST", "/v2/droplets") != 5 {
		t.Errorf("calls %v", f.AllCalls())
	}
}

func TestKeyFingerprintIsMD5OfTheBlob(t *testing.T) {
	_, c := start(t, fakedo.Config{})
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	pub, _ := ssh.NewPublicKey(priv.Public())
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " me@host"
	blob, _ := base64.StdEncoding.DecodeString(strings.Fields(line)[1])
	sum := md5.Sum(blob)
	var hexes []string
	for _, b := range sum {
		hexes = append(hexes, fmt.Sprintf("%02x", b))
	}
	want := strings.Join(hexes, ":")

	k, _, err := c.Keys.Create(context.Background(), &godo.KeyCreateRequest{Name: "me", PublicKey: line})
	if err != nil {
		t.Fatal(err)
	}
	if k.Fingerprint != want {
		t.Errorf("fingerprint %q, want %q", k.Fingerprint, want)
	}
	_, _, err = c.Keys.Create(context.Background(), &godo.KeyCreateRequest{Name: "again", PublicKey: line})
	if !strings.Contains(fmt.Sprint(err), ": 422 (request ") || !strings.Contains(fmt.Sprint(err), "SSH Key is already in use on your account") {
		t.Errorf("duplicate key: %v", err)
	}
	_, _, err = c.Keys.Create(context.Background(), &godo.KeyCreateRequest{Name: "bad", PublicKey: "ssh-rsa nonsense"})
	if !strings.Contains(fmt.Sprint(err), "422") {
		t.Errorf("bad key: %v", err)
	}
}

func TestErrorsAndRateHeaders(t *testing.T) {
	f, c := start(t, fakedo.Config{Regions: []string{"fra1"}})
	resp, body := get(t, f, "wrong", "/v2/droplets")
	if resp.StatusCode != 401 || body["id"] != "unauthorized" || body["message"] == "" {
		t.Errorf("wrong token: %d %v", resp.StatusCode, body)
	}
	if id := resp.Header.Get("X-Request-Id"); len(id) != 36 || body["request_id"] != id {
		t.Errorf("wrong token: x-request-id %q, request_id %q; want one UUID in both, as the API sends", id, body["request_id"])
	}
	for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("401 response lacks %s", h)
		}
	}
	resp, body = get(t, f, f.Token(), "/v2/droplets/424242")
	if resp.StatusCode != 404 || body["id"] != "not_found" {
		t.Errorf("unknown droplet: %d %v", resp.StatusCode, body)
	}
	resp, body = get(t, f, f.Token(), "/v2/nosuch")
	if resp.StatusCode != 404 || body["id"] != "not_found" {
		t.Errorf("unknown path: %d %v", resp.StatusCode, body)
	}
	_, _, err := c.Droplets.Create(context.Background(), &godo.DropletCreateRequest{
		Name: "x", Region: "nyc3", Size: "s-1vcpu-1gb", Image: godo.DropletCreateImage{Slug: "debian-12-x64"}})
	if !strings.Contains(fmt.Sprint(err), ": 422 (request ") || !strings.Contains(fmt.Sprint(err), "You specified an invalid region") {
		t.Errorf("bad region: %v", err)
	}
	r1, _ := get(t, f, f.Token(), "/v2/account/keys")
	r2, _ := get(t, f, f.Token(), "/v2/account/keys")
	if r1.Header.Get("RateLimit-Remaining") == r2.Header.Get("RateLimit-Remaining") {
		t.Error("RateLimit-Remaining does not go down")
	}
	if id1, id2 := r1.Header.Get("X-Request-Id"), r2.Header.Get("X-Request-Id"); id1 == "" || id1 == id2 {
		t.Errorf("x-request-id %q then %q, want one per request", id1, id2)
	}
	f.LimitNext(1, 4*time.Second)
	resp, body = get(t, f, f.Token(), "/v2/account/keys")
	if resp.StatusCode != 429 || body["id"] != "too_many_requests" || resp.Header.Get("Retry-After") != "4" ||
		resp.Header.Get("RateLimit-Remaining") != "0" {
		t.Errorf("limited: %d %v %v", resp.StatusCode, body, resp.Header)
	}
	if resp, _ = get(t, f, f.Token(), "/v2/account/keys"); resp.StatusCode != 200 {
		t.Errorf("after the limit: %d", resp.StatusCode)
	}
}

func TestDropletLifecycle(t *testing.T) {
	f, c := start(t, fakedo.Config{ActivateAfter: 2, ActionPolls: 1,
		OnCreate: func(d *godo.Droplet) (string, string) {
			if d.Name == "backed" {
				return "127.0.0.1", "127.0.0.2"
			}
			return "", ""
		}})
	ctx := context.Background()
	d := create(t, c, "web", true)
	if d.Status != "new" || len(d.Networks.V4) != 0 {
		t.Errorf("created droplet %+v, want new without addresses", d)
	}
	for i := 1; i <= 3; i++ {
		got, _, err := c.Droplets.Get(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus := map[bool]string{true: "active", false: "new"}[i == 3]
		if got.Status != wantStatus {
			t.Errorf("GET %d: status %q, want %q", i, got.Status, wantStatus)
		}
		d = got
	}
	pub, _ := d.PublicIPv4()
	priv, _ := d.PrivateIPv4()
	v6, _ := d.PublicIPv6()
	if pub == "" || priv == "" || v6 == "" {
		t.Errorf("active droplet addresses %q %q %q", pub, priv, v6)
	}
	noV6 := create(t, c, "backed", false)
	f.SetActivateAfter(0)
	noV6, _, _ = c.Droplets.Get(ctx, noV6.ID)
	if v6, _ := noV6.PublicIPv6(); v6 != "" {
		t.Errorf("droplet without ipv6 has %q", v6)
	}
	if pub, _ := noV6.PublicIPv4(); pub != "127.0.0.1" {
		t.Errorf("OnCreate address not used: %q", pub)
	}

	a, _, err := c.DropletActions.PowerOff(ctx, d.ID)
	if err != nil || a.Status != godo.ActionInProgress {
		t.Fatalf("power_off: %+v %v", a, err)
	}
	if _, _, err := c.DropletActions.Snapshot(ctx, d.ID, "s"); !strings.Contains(fmt.Sprint(err), "pending event") {
		t.Errorf("action during an action: %v", err)
	}
	for _, want := range []string{godo.ActionInProgress, godo.ActionCompleted} {
		got, _, err := c.Actions.Get(ctx, a.ID)
		if err != nil || got.Status != want {
			t.Errorf("action poll: %+v %v, want %s", got, err, want)
		}
	}
	if got, _, _ := c.Droplets.Get(ctx, d.ID); got.Status != "off" {
		t.Errorf("after power_off: %q", got.Status)
	}
	if _, _, err := c.DropletActions.PowerOff(ctx, d.ID); !strings.Contains(fmt.Sprint(err), "already powered off") {
		t.Errorf("power_off twice: %v", err)
	}
	if _, err := c.Droplets.Delete(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Droplets.Get(ctx, d.ID); !strings.Contains(fmt.Sprint(err), "404") {
		t.Errorf("deleted droplet: %v", err)
	}
}

func TestRecords(t *testing.T) {
	f, c := start(t, fakedo.Config{})
	f.AddDomain("example.com")
	ctx := context.Background()
	for _, r := range []godo.DomainRecordEditRequest{
		{Type: "A", Name: "www", Data: "203.0.113.9"},
		{Type: "A", Name: "@", Data: "203.0.113.10"},
		{Type: "AAAA", Name: "www", Data: "2001:db8::9"},
	} {
		if _, _, err := c.Domains.CreateRecord(ctx, "example.com", &r); err != nil {
			t.Fatal(err)
		}
	}
	www, _, err := c.Domains.RecordsByName(ctx, "example.com", "www.example.com", nil)
	if err != nil || len(www) != 2 {
		t.Errorf("records named www.example.com: %+v %v", www, err)
	}
	apexA, _, _ := c.Domains.RecordsByTypeAndName(ctx, "example.com", "A", "example.com", nil)
	if len(apexA) != 1 || apexA[0].Name != "@" {
		t.Errorf("apex A records: %+v", apexA)
	}
	ns, _, _ := c.Domains.RecordsByType(ctx, "example.com", "NS", nil)
	if len(ns) != 3 {
		t.Errorf("%d NS records, want DigitalOcean's 3", len(ns))
	}
	for _, bad := range []godo.DomainRecordEditRequest{
		{Type: "A", Name: "v6", Data: "2001:db8::1"},
		{Type: "CNAME", Name: "www", Data: "elsewhere.example.net."},
	} {
		if _, _, err := c.Domains.CreateRecord(ctx, "example.com", &bad); !strings.Contains(fmt.Sprint(err), "422") {
			t.Errorf("%+v accepted: %v", bad, err)
		}
	}
	if _, err := c.Domains.DeleteRecord(ctx, "example.com", www[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Records("example.com")); n != 6 {
		t.Errorf("%d records left, want SOA, 3 NS, 2 of ours", n)
	}
	if _, _, err := c.Domains.Records(ctx, "nosuch.org", nil); !strings.Contains(fmt.Sprint(err), "404") {
		t.Errorf("records of an unknown domain: %v", err)
	}
}
