package render

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// screen is what a terminal shows once the escape sequences the tty
// renderer writes (cursor up, clear line) are applied.
func screen(t *testing.T, raw string) []string {
	t.Helper()
	var lines []string
	cur := 0
	for len(raw) > 0 {
		switch {
		case strings.HasPrefix(raw, "\x1b[2K"):
			if cur < len(lines) {
				lines[cur] = ""
			}
			raw = raw[4:]
		case strings.HasPrefix(raw, "\x1b["):
			var n int
			if _, err := fmt.Sscanf(raw, "\x1b[%dA", &n); err != nil {
				t.Fatalf("unexpected escape in %q", raw)
			}
			cur -= n
			if cur < 0 {
				t.Fatalf("cursor moved above the first line")
			}
			raw = raw[strings.IndexByte(raw, 'A')+1:]
		default:
			nl := strings.IndexByte(raw, '\n')
			if nl < 0 {
				t.Fatalf("output does not end with a newline: %q", raw)
			}
			for len(lines) <= cur {
				lines = append(lines, "")
			}
			lines[cur] = raw[:nl]
			cur++
			raw = raw[nl+1:]
		}
	}
	return lines
}

func ttyScreen(t *testing.T, events ...orchestrator.Event) []string {
	t.Helper()
	var out bytes.Buffer
	r := newTTY(&out)
	for _, e := range events {
		r.Event(e)
	}
	return screen(t, out.String())
}

func TestTTYGolden(t *testing.T) {
	golden(t, "tty.golden", strings.Join(ttyScreen(t, sample...), "\n")+"\n")
}

func TestTTYRows(t *testing.T) {
	fail := errors.New("port 5432 is already allocated")
	cases := []struct {
		name   string
		events []orchestrator.Event
		want   []string
	}{
		{
			"a warning with no instance scrolls above and is no row",
			[]orchestrator.Event{
				{Instance: "demo-web-master", Action: orchestrator.Create, Status: orchestrator.Working},
				{Status: orchestrator.Warning, Detail: "web has no HEALTHCHECK"},
				{Instance: "demo-web-master", Action: orchestrator.Create, Status: orchestrator.Done, Elapsed: 400 * time.Millisecond},
			},
			[]string{
				"warning: web has no HEALTHCHECK",
				"demo-web-master  create  done  0.4s",
			},
		},
		{
			"the same instance name on two hosts is two rows",
			[]orchestrator.Event{
				{Host: "web1", Instance: "demo-web-master", Action: orchestrator.Create, Status: orchestrator.Working},
				{Host: "web2", Instance: "demo-web-master", Action: orchestrator.Create, Status: orchestrator.Working},
				{Host: "web1", Instance: "demo-web-master", Action: orchestrator.Create, Status: orchestrator.Done, Elapsed: 1200 * time.Millisecond},
			},
			[]string{
				"web1  demo-web-master  create  done     1.2s",
				"web2  demo-web-master  create  working",
			},
		},
		{
			"rows keep the order first seen and a failed row shows its error",
			[]orchestrator.Event{
				{Instance: "demo-db-one", Action: orchestrator.Create, Status: orchestrator.Working},
				{Instance: "demo-web-master", Action: orchestrator.Recreate, Status: orchestrator.Working},
				{Action: orchestrator.Network, Status: orchestrator.Done, Detail: "demo"},
				{Instance: "demo-web-master", Action: orchestrator.Recreate, Status: orchestrator.Done, Elapsed: 1200 * time.Millisecond, Detail: "env X changed"},
				{Instance: "demo-db-one", Action: orchestrator.Create, Status: orchestrator.Failed, Elapsed: 300 * time.Millisecond, Err: fail},
			},
			[]string{
				"network done demo",
				"demo-db-one      create    failed  0.3s  error: port 5432 is already allocated",
				"demo-web-master  recreate  done    1.2s  (env X changed)",
			},
		},
		{
			"a warning about an instance does not replace its row",
			[]orchestrator.Event{
				{Instance: "demo-web-master", Action: orchestrator.Start, Status: orchestrator.Done},
				{Instance: "demo-web-master", Status: orchestrator.Warning, Detail: "no HEALTHCHECK"},
			},
			[]string{
				"demo-web-master: warning no HEALTHCHECK",
				"demo-web-master  start  done",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ttyScreen(t, tc.events...)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("screen:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
