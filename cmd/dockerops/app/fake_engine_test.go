package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// fakeProjectName is the PROJECT_NAME the fake-engine tests run with.
const fakeProjectName = "demo"

// engineState is what the engine holds before a command runs.
type engineState struct {
	name      string
	instances map[string]string // instance of web -> container state
}

var engineStates = []engineState{
	{"no instance", nil},
	{"one stopped", map[string]string{"one": "exited"}},
	{"one running", map[string]string{"one": "running"}},
	{"two running", map[string]string{"one": "running", "two": "running"}},
}

// newFakeEngine is an engine with the fixture's images built and the web
// instances of state.
func newFakeEngine(state engineState) *enginetest.Fake {
	f := enginetest.New()
	for _, c := range []string{"dockerops-base", "db", "web"} {
		f.AddImage(fakeProjectName+"/"+c, "sha256:"+c)
	}
	ip := 2
	for instance, st := range state.instances {
		ob := orchestrator.Observed{
			Name: fakeProjectName + "-web-" + instance, State: st, ImageID: "sha256:web",
			Labels: map[string]string{orchestrator.LabelProject: fakeProjectName, orchestrator.LabelContainer: "web",
				orchestrator.LabelInstance: instance, orchestrator.LabelInstanceType: "standard"},
		}
		if st == "running" {
			ob.IP = fmt.Sprintf("10.0.0.%d", ip)
			ip++
		}
		f.AddContainer(ob)
	}
	return f
}

// fakeRun is one in-process dockerops command against fake engines.
type fakeRun struct {
	dir    string                      // project dir; "" = a fresh copy of testdata/fake
	env    map[string]string           // besides PROJECT_DIR and PROJECT_NAME
	stdin  io.Reader                   // nil = empty, not a terminal
	engine *enginetest.Fake            // the local engine
	hosts  map[string]*enginetest.Fake // hosts.conf hosts; made from state when missing
	// swarm, when set, is the hosts' swarm: the engine of host manager is
	// then its Manager, the node's Fake and the swarm's answers in one.
	swarm   *enginetest.Swarm
	manager string
	state   engineState
}

type fakeResult struct {
	code           int
	stdout, stderr string
	panicked       string
}

// run runs args and fails the test when the command panics or hangs.
func (r *fakeRun) run(t *testing.T, args ...string) fakeResult {
	t.Helper()
	if r.dir == "" {
		r.dir = copyFixture(t, "testdata/fake")
	}
	if r.engine == nil {
		r.engine = newFakeEngine(r.state)
	}
	var mu sync.Mutex
	dial := func(_ context.Context, host string) (orchestrator.Engine, error) {
		mu.Lock()
		defer mu.Unlock()
		if host == "" {
			return r.engine, nil
		}
		if r.hosts == nil {
			r.hosts = map[string]*enginetest.Fake{}
		}
		if r.hosts[host] == nil {
			r.hosts[host] = newFakeEngine(r.state)
		}
		if r.swarm != nil && host == r.manager {
			return r.swarm.Manager(host), nil
		}
		return r.hosts[host], nil
	}
	getenv := func(k string) (string, bool) {
		switch k {
		case "PROJECT_DIR":
			return r.dir, true
		case "PROJECT_NAME":
			return fakeProjectName, true
		}
		v, ok := r.env[k]
		return v, ok
	}
	stdin := r.stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb syncBuffer
	done := make(chan fakeResult, 1)
	go func() {
		res := fakeResult{code: -1}
		defer func() {
			if p := recover(); p != nil {
				res.panicked = fmt.Sprintf("%v\n%s", p, debug.Stack())
			}
			res.stdout, res.stderr = out.String(), errb.String()
			done <- res
		}()
		res.code = Run(context.Background(), args, Env{Stdin: stdin, Stdout: &out, Stderr: &errb,
			Getenv: getenv, Engine: dial})
	}()
	select {
	case res := <-done:
		if res.panicked != "" {
			t.Errorf("dockerops %s panicked: %s", strings.Join(args, " "), res.panicked)
		}
		return res
	case <-time.After(30 * time.Second):
		t.Fatalf("dockerops %s did not return within 30s; stderr so far:\n%s", strings.Join(args, " "), errb.String())
		return fakeResult{}
	}
}

// syncBuffer is a bytes.Buffer the orchestrator's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// copyFixture copies a project folder into a fresh temporary one; a name
// ending in .in loses it (inventory.json.in: git ignores inventory.json).
func copyFixture(t *testing.T, src string) string {
	t.Helper()
	return copyTree(t, src, t.TempDir(), nil)
}

// copyTree copies the files of src into dst, each passed through edit when
// it is set; a name ending in .in loses it.
func copyTree(t *testing.T, src, dst string, edit func([]byte) []byte) string {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if edit != nil {
			data = edit(data)
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, strings.TrimSuffix(rel, ".in"))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// stackTrace matches what a Go panic or a leaked stack prints.
var stackTrace = regexp.MustCompile(`goroutine \d|panic:|\.go:\d+`)
