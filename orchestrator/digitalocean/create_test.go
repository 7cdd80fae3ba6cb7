package digitalocean

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func TestProvisionCreateThatErrorsFailsAtOnce(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{ErroredCreates: []string{"demo-db"}, LockAfter: 2, DeleteLinger: 2})
	req := request(t, hosts(t, twoHosts))
	req.Timeout = 3 * time.Second
	var progress bytes.Buffer
	req.Progress = &progress
	start := time.Now()
	_, err := Provision(context.Background(), c, req)
	if took := time.Since(start); took > time.Second {
		t.Errorf("provision took %s to notice the errored create, want well under the timeout", took)
	}
	want := regexp.MustCompile(`host "db": DigitalOcean could not create droplet demo-db \(id \d+\): its create action \d+ ended "errored" \(request id [0-9a-f-]{36}\); it is kept: .*force=True`)
	if err == nil || !want.MatchString(err.Error()) {
		t.Fatalf("error %v, want %s", err, want)
	}
	if !strings.Contains(progress.String(), "what was made so far is kept: run provision again to finish") {
		t.Errorf("progress does not say web's droplet is kept:\n%s", &progress)
	}
	req.Progress = nil
	// Without a confirmation, the re-run fails as fast on the same droplet.
	start = time.Now()
	if _, err = Provision(context.Background(), c, req); err == nil || !want.MatchString(err.Error()) || time.Since(start) > time.Second {
		t.Fatalf("re-run: %v after %s, want the errored create named at once", err, time.Since(start))
	}
	if n := f.Calls("POST", "/v2/droplets"); n != 2 {
		t.Errorf("POST /v2/droplets made %d times, want web and db once each", n)
	}

	var asked string
	req.ConfirmDelete = func(q string) bool { asked = q; return true }
	_, err = Provision(context.Background(), c, req)
	if err == nil || !strings.Contains(err.Error(), "it was deleted: run provision again to make a new one") {
		t.Fatalf("confirmed re-run: %v, want the dead droplet deleted", err)
	}
	if !strings.Contains(asked, "demo-db") {
		t.Errorf("asked %q, want the droplet named", asked)
	}
	for _, d := range f.Droplets() {
		if d.Name == "demo-db" && d.Status != "archive" {
			t.Errorf("demo-db is still %s after the confirmed delete", d.Status)
		}
	}
}
