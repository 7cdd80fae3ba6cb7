package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

// cloudAPI is testdata/cloud copied under a unique project name, driven by
// the in-process CLI against a fake DigitalOcean API. Without an OnCreate
// in its config, the droplets are only API records with documentation
// addresses: nothing answers on them, so only what stops short of SSH
// (provision,wait=False, destroy, inventory) runs, and no Docker is needed.
type cloudAPI struct {
	t    *testing.T
	dir  string
	name string
	fake *fakedo.Server
	env  map[string]string // overrides of the process environment; "" = unset
}

func newCloudAPI(t *testing.T, cfg fakedo.Config) *cloudAPI {
	t.Helper()
	c := &cloudAPI{t: t, dir: t.TempDir(), name: "cloud" + randomSuffix()}
	if err := os.CopyFS(c.dir, os.DirFS("testdata/cloud")); err != nil {
		t.Fatal(err)
	}
	c.fake = fakedo.New(cfg)
	t.Cleanup(c.fake.Close)
	c.fake.AddDomain("example.com")
	c.env = map[string]string{
		"DIGITALOCEAN_ACCESS_TOKEN": c.fake.Token(),
		"DIGITALOCEAN_TOKEN":        "",
		"DIGITALOCEAN_API_URL":      c.fake.URL(),
		"PROJECT_DIR":               c.dir,
		"PROJECT_NAME":              c.name,
		"LOG_LEVEL":                 "",
	}
	return c
}

func (c *cloudAPI) run(args ...string) (int, string, string) {
	return c.runWithInput("", args...)
}

// runWithInput runs a command line with stdin as its standard input.
func (c *cloudAPI) runWithInput(stdin string, args ...string) (int, string, string) {
	var out bytes.Buffer
	var errb lockedBuffer // the debug log and the progress renderer share it
	getenv := func(k string) (string, bool) {
		if v, ok := c.env[k]; ok {
			return v, v != ""
		}
		return os.LookupEnv(k)
	}
	start := time.Now()
	code := Run(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: getenv})
	c.t.Logf("dockerops %s: exit %d in %s", strings.Join(args, " "), code, time.Since(start).Round(100*time.Millisecond))
	return code, out.String(), errb.String()
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers, as a
// terminal's stderr is.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (c *cloudAPI) must(args ...string) string {
	c.t.Helper()
	code, out, stderr := c.run(args...)
	if code != 0 {
		c.t.Fatalf("dockerops %v: exit %d\n%s", args, code, stderr)
	}
	return out
}

// fails runs a command line that must exit with code, printing one error
// (one "dockerops: " line, maybe continued indented, after any progress)
// that mentions every one of want, and no stack trace.
func (c *cloudAPI) fails(args string, code int, want ...string) {
	c.t.Helper()
	got, _, stderr := c.run(args)
	c.t.Logf("%s", stderr)
	if got != code {
		c.t.Errorf("dockerops %s: exit %d, want %d\n%s", args, got, code, stderr)
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		c.t.Errorf("dockerops %s printed a stack trace:\n%s", args, stderr)
	}
	i := strings.Index(stderr, "dockerops: ")
	if i < 0 || strings.Count(stderr, "dockerops: ") != 1 {
		c.t.Errorf("dockerops %s: want one error message, got:\n%s", args, stderr)
		return
	}
	msg := stderr[i:]
	for _, w := range want {
		if !strings.Contains(msg, w) {
			c.t.Errorf("dockerops %s: the message does not mention %q:\n%s", args, w, msg)
		}
	}
}

// setRegion rewrites hosts.conf with db1 in another region.
func (c *cloudAPI) setRegion(region string) {
	c.editHosts(`"db1": {"region": "fra1"`, `"db1": {"region": "`+region+`"`)
}

// editHosts writes testdata/cloud/hosts.conf with old replaced by new.
func (c *cloudAPI) editHosts(old, new string) {
	c.t.Helper()
	data, err := os.ReadFile("testdata/cloud/hosts.conf")
	if err != nil {
		c.t.Fatal(err)
	}
	text := strings.Replace(string(data), old, new, 1)
	if old != new && text == string(data) {
		c.t.Fatalf("testdata/cloud/hosts.conf no longer has %s", old)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "hosts.conf"), []byte(text), 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// creates counts the POSTs that create droplets, keys and DNS records.
func (c *cloudAPI) creates() map[string]int {
	return map[string]int{
		"droplets": c.fake.Calls("POST", "/v2/droplets"),
		"keys":     c.fake.Calls("POST", "/v2/account/keys"),
		"records":  c.fake.Calls("POST", "/v2/domains/example.com/records"),
	}
}

// records maps "TYPE name" to the data of the example.com records.
func (c *cloudAPI) records() map[string][]string {
	m := map[string][]string{}
	for _, r := range c.fake.Records("example.com") {
		if r.Type == "A" || r.Type == "AAAA" {
			m[r.Type+" "+r.Name] = append(m[r.Type+" "+r.Name], r.Data)
		}
	}
	return m
}

// inventoryHost is the shape of one host of inventory.json, as cloudmaker
// wrote it.
type inventoryHost struct {
	Names   []string          `json:"names"`
	Region  string            `json:"region"`
	Size    string            `json:"size"`
	Image   string            `json:"image"`
	Backups *bool             `json:"backups"`
	VPC     string            `json:"vpc_uuid"`
	Private map[string]string `json:"private_network_interfaces"`
	Public  map[string]string `json:"public_network_interfaces"`
}

func (c *cloudAPI) inventory() map[string]inventoryHost {
	c.t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, "inventory.json"))
	if err != nil {
		c.t.Fatalf("inventory.json: %v", err)
	}
	var inv map[string]inventoryHost
	if err := json.Unmarshal(data, &inv); err != nil {
		c.t.Fatalf("inventory.json is not an inventory: %v\n%s", err, data)
	}
	return inv
}

func TestCloudBadTokenAndRegionThenFixed(t *testing.T) {
	t.Parallel()
	c := newCloudAPI(t, fakedo.Config{})

	c.env["DIGITALOCEAN_ACCESS_TOKEN"] = ""
	c.fails("provision", 1, "no DigitalOcean API token", "DIGITALOCEAN_ACCESS_TOKEN")
	if calls := c.fake.AllCalls(); len(calls) != 0 {
		t.Errorf("provision without a token called the API: %v", calls)
	}
	c.env["DIGITALOCEAN_ACCESS_TOKEN"] = "not-the-token"
	c.fails("provision", 1, "DigitalOcean rejected the token (401 unauthorized)", "(request id ")
	if n := c.fake.Calls("POST", "/v2/droplets"); n != 0 {
		t.Errorf("provision without a valid token tried to create %d droplets", n)
	}
	c.env["DIGITALOCEAN_ACCESS_TOKEN"] = c.fake.Token()

	// A region no size is offered in: the preflight names the host at its
	// line before anything is made, and a re-run after the fix finishes the
	// job without duplicates.
	c.setRegion("xyz9")
	c.fails("provision", 1, `hosts.conf:4: host "db1": size "s-1vcpu-1gb" is not offered in region "xyz9"`)
	if n := c.fake.Calls("POST", "/v2/droplets"); n != 0 {
		t.Errorf("provision into a region without the size created %d droplets", n)
	}
	c.setRegion("fra1")
	c.must("provision,wait=False")
	droplets := c.fake.Droplets()
	names := make([]string, len(droplets))
	for i, d := range droplets {
		names[i] = d.Name
	}
	slices.Sort(names)
	if want := []string{c.name + "-db1", c.name + "-web1"}; !slices.Equal(names, want) {
		t.Errorf("after the failed and the fixed provision, droplets %v, want %v", names, want)
	}
	if keys := c.fake.Keys(); len(keys) != 1 {
		t.Errorf("the account has %d keys, want the project key once", len(keys))
	}
	recs := c.records()
	for _, name := range []string{"A web1", "A db1", "AAAA web1", "AAAA db1"} {
		if len(recs[name]) != 1 {
			t.Errorf("record %s is there %d times: %v", name, len(recs[name]), recs)
		}
	}
	if inv := c.inventory(); len(inv) != 2 || inv["web1"].Public["ipv4"] == "" {
		t.Errorf("inventory.json after provision: %+v", inv)
	}
	c.must("destroy:all,force=True")
	if left := c.fake.Droplets(); len(left) != 0 {
		t.Errorf("destroy:all left %d droplets", len(left))
	}
	if inv := c.inventory(); len(inv) != 0 {
		t.Errorf("inventory.json after destroy:all: %+v", inv)
	}
}

func TestCloudBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(c *cloudAPI)
		args  string
		code  int
		want  []string
	}{
		{"DNS name taken", func(c *cloudAPI) {
			if _, err := c.fake.AddRecord("example.com", "A", "web1", "198.51.100.250"); err != nil {
				c.t.Fatal(err)
			}
		}, "provision,wait=False", 1, []string{`DNS name "web1.example.com" is taken`, "198.51.100.250"}},
		{"name in no domain of the account", func(c *cloudAPI) {
			c.editHosts("web1.example.com", "web1.example.org")
		}, "provision,wait=False", 1, []string{`"web1.example.org" is in no domain of this DigitalOcean account`}},
		{"hourly rate limit spent", func(c *cloudAPI) {
			c.fake.LimitNext(100, 2*time.Hour)
		}, "provision,wait=False", 1, []string{"rate limit exceeded (429 too_many_requests)", "try again after"}},
		{"API unreachable", func(c *cloudAPI) {
			c.env["DIGITALOCEAN_API_URL"] = "http://127.0.0.1:1/"
		}, "provision,wait=False", 1, []string{"cannot reach the DigitalOcean API"}},
		{"token over plain http", func(c *cloudAPI) {
			c.env["DIGITALOCEAN_API_URL"] = "http://api.example.net/"
		}, "provision,wait=False", 1, []string{"refusing to send the token over plain http"}},
		{"unknown host", nil, "provision:nope,wait=False", 1, []string{`"nope"`, "web1", "db1"}},
		{"destroy without a host", nil, "destroy", 2, []string{"destroy needs all or a host name"}},
		{"snapshot of an unknown host", nil, "snapshot:nope", 1, []string{`no host "nope"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCloudAPI(t, fakedo.Config{})
			if tc.setup != nil {
				tc.setup(c)
			}
			c.fails(tc.args, tc.code, tc.want...)
			if n := c.fake.Calls("POST", "/v2/droplets"); n != 0 {
				t.Errorf("dockerops %s created %d droplets", tc.args, n)
			}
		})
	}
}

func TestProvisionDebugLogShowsRequestsNotToken(t *testing.T) {
	t.Parallel()
	token := "dop_v1_" + randomSuffix() + randomSuffix()
	c := newCloudAPI(t, fakedo.Config{Token: token})
	c.env["LOG_LEVEL"] = "DEBUG"
	code, stdout, stderr := c.run("provision:web1,wait=False")
	if code != 0 {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		`msg="DigitalOcean API" method=POST path=/v2/droplets status=202 request_id=`,
		`msg="DigitalOcean API" method=POST path=/v2/account/keys status=201 request_id=`,
		`msg="DigitalOcean API" method=GET path="/v2/droplets?`,
		`msg="DigitalOcean API" method=POST path=/v2/domains/example.com/records status=201`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the debug log lacks %s:\n%s", want, stderr)
		}
	}
	if strings.Contains(stdout+stderr, token) {
		t.Errorf("the token %s shows in the output:\n%s\n%s", token, stdout, stderr)
	}
}

func TestCloudCreateThatErrors(t *testing.T) {
	t.Parallel()
	c := newCloudAPI(t, fakedo.Config{})
	c.fake = fakedo.New(fakedo.Config{ErroredCreates: []string{c.name + "-db1"}, DeleteLinger: 1})
	t.Cleanup(c.fake.Close)
	c.fake.AddDomain("example.com")
	c.env["DIGITALOCEAN_API_URL"] = c.fake.URL()

	start := time.Now()
	c.fails("provision:db1,wait=False", 1, c.name+"-db1", `create action`, `"errored"`, "(request id ", "it is kept", "force=True")
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the errored create took %s to report", took)
	}
	if n := len(c.fake.Droplets()); n != 1 {
		t.Errorf("%d droplets after the errored create without a terminal, want the dead one kept", n)
	}
	c.fails("provision:db1,wait=False,force=True", 1, "it was deleted: run provision again")
	for _, d := range c.fake.Droplets() {
		if d.Status != "archive" {
			t.Errorf("droplet %s is %s after provision,force=True, want it deleted", d.Name, d.Status)
		}
	}
}

func TestCloudDropletLimitCreatesNothing(t *testing.T) {
	t.Parallel()
	c := newCloudAPI(t, fakedo.Config{})
	c.fake = fakedo.New(fakedo.Config{DropletLimit: 1})
	t.Cleanup(c.fake.Close)
	c.fake.AddDomain("example.com")
	c.env["DIGITALOCEAN_API_URL"] = c.fake.URL()
	c.fails("provision,wait=False", 1, `hosts.conf:4: host "db1": a new droplet would exceed the account's droplet_limit of 1 (0 in use, 2 new hosts)`)
	if got := c.creates(); got["droplets"]+got["keys"]+got["records"] != 0 {
		t.Errorf("provision over the droplet limit made %v", got)
	}
}

// Hosts in two regions are in two VPCs: provision says they cannot reach
// each other privately and how to fix it, and goes on; in one region it
// says nothing of the sort. inventory.json records each host's VPC.
func TestProvisionWarnsOfHostsInDifferentVPCs(t *testing.T) {
	t.Parallel()
	c := newCloudAPI(t, fakedo.Config{})
	c.setRegion("nyc1")
	code, _, stderr := c.run("provision,wait=False")
	if code != 0 {
		t.Fatalf("provision,wait=False: exit %d\n%s", code, stderr)
	}
	i := strings.Index(stderr, "cannot reach each other on their private addresses")
	if i < 0 {
		t.Fatalf("no warning about the two VPCs:\n%s", stderr)
	}
	line := stderr[strings.LastIndex(stderr[:i], "\n")+1:]
	line = line[:strings.Index(line, "\n")]
	for _, want := range []string{"web1 (VPC ", "in fra1)", "db1 (VPC ", "in nyc1)", "same region", "vpc_uuid in hosts.conf"} {
		if !strings.Contains(line, want) {
			t.Errorf("the warning does not say %q: %s", want, line)
		}
	}
	inv := c.inventory()
	if inv["web1"].VPC == "" || inv["web1"].VPC == inv["db1"].VPC {
		t.Errorf("inventory.json VPCs: web1 %q, db1 %q", inv["web1"].VPC, inv["db1"].VPC)
	}
	c.must("destroy:all,force=True")

	c.setRegion("fra1")
	code, _, stderr = c.run("provision,wait=False")
	if code != 0 || strings.Contains(stderr, "private addresses") {
		t.Errorf("hosts of one region: exit %d\n%s", code, stderr)
	}
	c.must("destroy:all,force=True")
}
