package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
)

func TestLinesSplitsWritesIntoEvents(t *testing.T) {
	var rec orchestrator.Recorder
	w := Lines(&rec, "provision")
	for _, p := range []string{"web1: creating drop", "let main-web1\r\n\n", "   \nweb1: ", "droplet created\nweb1: waiting"} {
		io.WriteString(w, p)
	}
	w.Close()
	var got []string
	for _, e := range rec.Events() {
		if e.Action != "provision" || e.Status != orchestrator.Working || e.Instance != "" || e.Time.IsZero() {
			t.Errorf("event %+v: want action provision, status working, no instance, a time", e)
		}
		got = append(got, e.Detail)
	}
	want := []string{"web1: creating droplet main-web1", "web1: droplet created", "web1: waiting"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("details = %q, want %q", got, want)
	}
}

func TestLinesInEachMode(t *testing.T) {
	text := "project \"demo\" has no droplet to destroy\nweb1: deleted droplet demo-web1\n"
	cases := []struct {
		mode string
		want string
	}{
		{"plain", text},
		{"tty", "\x1b[2K" + strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\n\x1b[2K") + "\n"},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		ev, _ := New(&out, tc.mode, false)
		io.WriteString(Lines(ev, "destroy"), text)
		if out.String() != tc.want {
			t.Errorf("%s: %q, want %q", tc.mode, out.String(), tc.want)
		}
	}

	var out bytes.Buffer
	ev, _ := New(&out, "json", false)
	io.WriteString(Lines(ev, "destroy"), text)
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var v jsonEvent
		if err := json.Unmarshal([]byte(line), &v); err != nil || v.Action != "destroy" || v.Detail == "" {
			t.Errorf("json line %q: %+v, %v", line, v, err)
		}
	}
}

// Every renderer and the line adapter are used from the executor's
// goroutines at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	const workers, each = 8, 50
	for _, mode := range Modes()[1:] {
		t.Run(mode, func(t *testing.T) {
			var out bytes.Buffer
			ev, err := New(&out, mode, false)
			if err != nil {
				t.Fatal(err)
			}
			lines := Lines(ev, "provision")
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range each {
						ev.Event(orchestrator.Event{Host: fmt.Sprintf("h%d", w%2), Instance: fmt.Sprintf("demo-web-%d", w), Action: orchestrator.Create, Status: orchestrator.Working, Detail: fmt.Sprint(i)})
						fmt.Fprintf(lines, "worker %d line %d\n", w, i)
					}
				})
			}
			wg.Wait()
			switch mode {
			case "tty":
				got := screen(t, out.String())
				if len(got) != workers*each+workers {
					t.Errorf("%d lines on screen, want %d text lines and %d rows", len(got), workers*each, workers)
				}
			default:
				if n := strings.Count(out.String(), "\n"); n != 2*workers*each {
					t.Errorf("%d lines, want %d", n, 2*workers*each)
				}
			}
		})
	}
}
