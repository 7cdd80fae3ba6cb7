package render

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

// sample has an event of every status, with and without host and instance.
var sample = []orchestrator.Event{
	{Instance: "main-web-master", Action: orchestrator.Recreate, Status: orchestrator.Working},
	{Instance: "main-web-master", Action: orchestrator.Recreate, Status: orchestrator.Done, Elapsed: 1234 * time.Millisecond, Detail: "env X changed"},
	{Host: "web1", Instance: "main-web-master", Action: orchestrator.Create, Status: orchestrator.Done, Elapsed: 400 * time.Millisecond},
	{Host: "web2", Instance: "main-db-one", Action: orchestrator.Create, Status: orchestrator.Failed, Elapsed: 300 * time.Millisecond, Err: errors.New("port 5432 is already allocated")},
	{Instance: "main-db-two", Action: orchestrator.Start, Status: orchestrator.Skipped, Detail: "main-db-one failed"},
	{Instance: "main-web-two", Action: orchestrator.Leave, Status: orchestrator.Done, Detail: "up to date"},
	{Status: orchestrator.Warning, Detail: "web has no HEALTHCHECK; wait=True only waits for it to run"},
	{Instance: "main-web-master", Status: orchestrator.Warning, Detail: "port 80 is published twice"},
	{Host: "web1", Action: orchestrator.Network, Status: orchestrator.Done, Elapsed: 100 * time.Millisecond, Detail: "main"},
	{Action: orchestrator.Build, Status: orchestrator.Failed, Err: errors.New("web: step 3/7\nRUN make: exit 2")},
	{Action: "provision", Status: orchestrator.Working, Detail: "web1: droplet main-web1 created"},
	{Host: "web1", Instance: "demo/web:latest", Action: orchestrator.Ship, Status: orchestrator.Working, Detail: "\x1b[31m12 MB\x1b[0m"},
}

func TestPlain(t *testing.T) {
	var out bytes.Buffer
	p := newPlain(&out)
	for _, e := range sample {
		p.Event(e)
	}
	if n := strings.Count(out.String(), "\n"); n != len(sample) {
		t.Errorf("%d lines for %d events", n, len(sample))
	}
	golden(t, "plain.golden", out.String())
}

func TestNew(t *testing.T) {
	cases := []struct {
		mode  string
		isTTY bool
		want  orchestrator.Events
	}{
		{"", true, &tty{}},
		{"", false, &plain{}},
		{"auto", true, &tty{}},
		{"auto", false, &plain{}},
		{"tty", false, &tty{}},
		{"TTY", false, &tty{}},
		{"plain", true, &plain{}},
		{"json", true, &jsonLines{}},
		{"Json", false, &jsonLines{}},
	}
	for _, tc := range cases {
		got, err := New(&bytes.Buffer{}, tc.mode, tc.isTTY)
		if err != nil {
			t.Errorf("New(%q, %v): %v", tc.mode, tc.isTTY, err)
			continue
		}
		if g, w := kind(got), kind(tc.want); g != w {
			t.Errorf("New(%q, %v) = %s, want %s", tc.mode, tc.isTTY, g, w)
		}
	}
	_, err := New(&bytes.Buffer{}, "xml", true)
	if err == nil || !strings.Contains(err.Error(), `"xml"`) || !strings.Contains(err.Error(), "auto, tty, plain, json") {
		t.Errorf(`New("xml") = %v, want an error naming the mode and the valid ones`, err)
	}
}

func kind(e orchestrator.Events) string {
	switch e.(type) {
	case *tty:
		return "tty"
	case *plain:
		return "plain"
	case *jsonLines:
		return "json"
	}
	return "?"
}
