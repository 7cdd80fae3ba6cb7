package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// cancelOn cancels a context as soon as a line containing word is written.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	word   string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(b)
	if strings.Contains(c.buf.String(), c.word) {
		c.cancel()
	}
	return len(b), nil
}

// Ctrl-C during run:all exits 130; the next run:all completes the plan, and
// no instance ends up with two containers.
func TestIntegrationInterruptedRunResumes(t *testing.T) {
	p := newE2EProject(t)
	p.must("build:all")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// db is created first (web links to it): interrupt while it is made.
	stderr := &cancelOn{word: "-db-one: create working", cancel: cancel}
	var out bytes.Buffer
	code := Run(ctx, []string{"run:all,progress=plain"}, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: stderr, Getenv: p.getenv})
	if code != 130 {
		t.Fatalf("interrupted run:all exited %d, want 130\n%s", code, stderr.buf.String())
	}
	if strings.Contains(stderr.buf.String(), "goroutine ") {
		t.Errorf("interrupted run printed a stack trace:\n%s", stderr.buf.String())
	}
	if ps := p.ps(); ps[p.name+"-web-master"].Status == "running" {
		t.Errorf("web-master started although the run was interrupted before its link target was ready: %+v", ps)
	}
	p.must("run:all")
	ps := p.ps()
	if len(ps) != 2 || ps[p.name+"-db-one"].Status != "running" || ps[p.name+"-web-master"].Status != "running" {
		t.Errorf("after the interrupted run, run:all left %+v; want db-one and web-master running, once each", ps)
	}
}

// progress=json prints only JSON objects on stderr, one per event, each with
// the documented fields.
func TestIntegrationRunProgressJSON(t *testing.T) {
	p := newE2EProject(t)
	p.must("build:all")
	code, _, stderr := p.run("run:all,progress=json")
	if code != 0 {
		t.Fatalf("run:all,progress=json: exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	created := 0
	for _, line := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("stderr line is not a JSON object: %q (%v)", line, err)
		}
		for _, k := range []string{"time", "host", "instance", "action", "status", "elapsed_s", "error"} {
			if _, ok := ev[k]; !ok {
				t.Errorf("event %s lacks field %q", line, k)
			}
		}
		if ev["action"] == "create" && ev["status"] == "done" {
			created++
		}
	}
	if created != 2 {
		t.Errorf("%d create/done events, want one per instance (2):\n%s", created, stderr)
	}
}
