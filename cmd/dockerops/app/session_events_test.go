package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// The tasks that report progress, and so take progress=MODE.
var progressTasks = []string{"build", "run", "start", "stop", "clean", "provision", "destroy", "snapshot"}

func TestProgressKeyIsParsed(t *testing.T) {
	cases := []struct {
		word string
		want any // nil: a usage error
	}{
		{"run:all,progress=json", "json"},
		{"run:all,progress=TTY", "tty"},
		{"clean:all,progress=plain", "plain"},
		{"stop:all,progress=auto", "auto"},
		{"destroy:all,progress=json", "json"},
		{"run:all,progress=xml", nil},
		{"run:all,progress", nil}, // a bare key is True, which run does not take
		{"build:all,progress=True", true},
		{"build:all,progress", true},
		{"build:all,progress=no", false},
		{"build:all,progress=json", "json"},
		{"build:all,progress=maybe", nil},
	}
	for _, tc := range cases {
		calls, err := parseCommandLine([]string{tc.word})
		if tc.want == nil {
			var usage *UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), "auto, tty, plain, json") {
				t.Errorf("%s: error %v, want a usage error naming the modes", tc.word, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.word, err)
			continue
		}
		if got := calls[0].args.vals["progress"]; got != tc.want {
			t.Errorf("%s: progress = %#v, want %#v", tc.word, got, tc.want)
		}
	}
}

func TestEveryProgressTaskTakesTheKey(t *testing.T) {
	for _, name := range progressTasks {
		_, out, _ := run(t, "", nil, "help:"+name)
		if !strings.Contains(out, "progress") || !strings.Contains(out, "auto|tty|plain|json") {
			t.Errorf("help:%s does not list progress with its modes:\n%s", name, out)
		}
	}
	_, out, _ := run(t, "", nil, "help:build")
	if !strings.Contains(out, "True streams the build log") || !strings.Contains(out, "True/False, or auto|tty|plain|json") {
		t.Errorf("help:build does not say progress=True still streams the build log:\n%s", out)
	}
}

func TestSessionEvents(t *testing.T) {
	cases := []struct {
		mode, env string
		want      string
	}{
		{"", "", "demo-web-master: create done (1.2s)\n"}, // a buffer is no terminal
		{"plain", "", "demo-web-master: create done (1.2s)\n"},
		{"", "DEBUG", "demo-web-master: create done (1.2s)\n"},
		{"json", "", `"instance":"demo-web-master"`},
	}
	for _, tc := range cases {
		var stderr bytes.Buffer
		s := newSession(Env{Stderr: &stderr, Getenv: func(k string) (string, bool) { return tc.env, k == "LOG_LEVEL" }}, nil)
		a := Args{vals: map[string]any{}}
		if tc.mode != "" {
			a.vals["progress"] = tc.mode
		}
		ev, err := s.events(a)
		if err != nil {
			t.Fatalf("%q: %v", tc.mode, err)
		}
		ev.Event(orchestrator.Event{Instance: "demo-web-master", Action: orchestrator.Create, Status: orchestrator.Done, Elapsed: 1200 * time.Millisecond})
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("progress=%s LOG_LEVEL=%s: stderr %q, want %q", tc.mode, tc.env, stderr.String(), tc.want)
		}
	}
}

func TestProgressLinesAreJSONWithProgressJSON(t *testing.T) {
	var stderr bytes.Buffer
	s := newSession(Env{Stderr: &stderr, Getenv: func(string) (string, bool) { return "", false }}, nil)
	w, err := s.progressLines(Args{vals: map[string]any{"progress": "json"}}, "destroy")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "web1: deleted droplet demo-web1\ndeleted DNS record A web1 -> 192.0.2.1\n")
	w.Close()
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("stderr:\n%s\nwant two JSON lines", stderr.String())
	}
	for _, line := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil || v["action"] != "destroy" {
			t.Errorf("line %q: %v, %v", line, v, err)
		}
	}
}
