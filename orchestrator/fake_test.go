package orchestrator

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// fakeEngine is a stateful in-memory engine that records every call, so
// tests can assert what the orchestrator wrote and in which order.
type fakeEngine struct {
	mu         sync.Mutex
	containers map[string]*Observed // by name; IDs are the names
	specs      map[string]ContainerSpec
	images     map[string]string
	networks   map[string]bool
	calls      []string
	callTimes  []time.Time
	// startDelays slow down the start of single containers.
	startDelays map[string]time.Duration
	nextIP      int
	startDelay  time.Duration
	failStart   map[string]error
	inflight    int
	maxInflight int
	startOrder  []string
	// healthOnStart is the health a started container reports ("" = no check).
	healthOnStart string
	// staleNetwork makes network removal fail as the engine's endpoint bug does.
	staleNetwork bool
}

func newFake() *fakeEngine {
	return &fakeEngine{containers: map[string]*Observed{}, specs: map[string]ContainerSpec{},
		images: map[string]string{}, networks: map[string]bool{}, failStart: map[string]error{}, startDelays: map[string]time.Duration{}, nextIP: 2}
}

func (f *fakeEngine) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	f.callTimes = append(f.callTimes, time.Now())
}

// when is the time of the first call, -1 and the zero time if none.
func (f *fakeEngine) when(call string) (int, time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, c := range f.calls {
		if c == call {
			return i, f.callTimes[i]
		}
	}
	return -1, time.Time{}
}

// writes lists the calls that change the engine.
func (f *fakeEngine) writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var w []string
	for _, c := range f.calls {
		verb, _, _ := strings.Cut(c, " ")
		switch verb {
		case "containers", "image", "inspect", "ping", "started":
		default:
			w = append(w, c)
		}
	}
	return w
}

func (f *fakeEngine) Ping(context.Context) (EngineInfo, error) {
	f.record("ping")
	return EngineInfo{Host: "fake"}, nil
}

func (f *fakeEngine) Containers(_ context.Context, project string) ([]Observed, error) {
	f.record("containers " + project)
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Observed
	for _, c := range f.containers {
		if project == "" || c.Labels[LabelProject] == project {
			out = append(out, *c)
		}
	}
	return out, nil
}

func (f *fakeEngine) ImageID(_ context.Context, ref string) (string, error) {
	f.record("image " + ref)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.images[ref], nil
}

func (f *fakeEngine) Build(_ context.Context, spec BuildSpec, _ io.Writer) (string, error) {
	f.record("build " + spec.Tag)
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("sha256:%x", len(f.calls))
	f.images[spec.Tag] = id
	return id, nil
}

func (f *fakeEngine) EnsureNetwork(_ context.Context, name string, _ map[string]string) error {
	f.record("network " + name)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.networks[name] = true
	return nil
}

func (f *fakeEngine) RemoveNetwork(_ context.Context, name string) error {
	f.record("rmnetwork " + name)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.staleNetwork {
		return fmt.Errorf("network %s kept: %w", name, ErrStaleNetwork)
	}
	delete(f.networks, name)
	return nil
}

func (f *fakeEngine) Create(_ context.Context, spec ContainerSpec) (string, error) {
	f.record("create " + spec.Name)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.containers[spec.Name]; ok {
		return "", fmt.Errorf("conflict: name %s in use", spec.Name)
	}
	f.containers[spec.Name] = &Observed{ID: spec.Name, Name: spec.Name, Labels: spec.Labels, State: "created", ImageID: f.images[spec.Image]}
	f.specs[spec.Name] = spec
	return spec.Name, nil
}

func (f *fakeEngine) Start(_ context.Context, id string) error {
	f.record("start " + id)
	f.mu.Lock()
	f.inflight++
	f.maxInflight = max(f.maxInflight, f.inflight)
	delay, failure := f.startDelay+f.startDelays[id], f.failStart[id]
	f.mu.Unlock()
	time.Sleep(delay)
	defer f.record("started " + id)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inflight--
	if failure != nil {
		return failure
	}
	c, ok := f.containers[id]
	if !ok {
		return fmt.Errorf("no such container %s", id)
	}
	c.State, c.Health = "running", f.healthOnStart
	c.IP = fmt.Sprintf("10.0.0.%d", f.nextIP)
	f.nextIP++
	f.startOrder = append(f.startOrder, id)
	return nil
}

func (f *fakeEngine) Stop(_ context.Context, id string, _ time.Duration) error {
	f.record("stop " + id)
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.containers[id]; ok {
		c.State, c.IP = "exited", ""
	}
	return nil
}

func (f *fakeEngine) Remove(_ context.Context, id string) error {
	f.record("remove " + id)
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.containers, id)
	return nil
}

func (f *fakeEngine) Inspect(_ context.Context, id string) (Observed, error) {
	f.record("inspect " + id)
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.containers[id]
	if !ok {
		return Observed{}, fmt.Errorf("no such container %s", id)
	}
	return *c, nil
}

func (f *fakeEngine) Exec(_ context.Context, id string, spec ExecSpec) (int, error) {
	f.record("exec " + id + " " + strings.Join(spec.Cmd, " "))
	return 0, nil
}

func (f *fakeEngine) Attach(_ context.Context, id string, _ Streams) (int, error) {
	f.record("attach " + id)
	return 0, nil
}

func (f *fakeEngine) Logs(_ context.Context, id string, _ bool, _ io.Writer) error {
	f.record("logs " + id)
	return nil
}

func (f *fakeEngine) SaveImages(_ context.Context, refs []string) (io.ReadCloser, error) {
	f.record("save " + strings.Join(refs, " "))
	return io.NopCloser(strings.NewReader(strings.Join(refs, "\n"))), nil
}

func (f *fakeEngine) LoadImages(_ context.Context, archive io.Reader) error {
	data, err := io.ReadAll(archive)
	f.record("load " + strings.ReplaceAll(string(data), "\n", " "))
	return err
}

func (f *fakeEngine) CopyTo(_ context.Context, id, dir string, archive io.Reader) error {
	f.record("copy " + id + " " + dir)
	_, err := io.Copy(io.Discard, archive)
	return err
}
