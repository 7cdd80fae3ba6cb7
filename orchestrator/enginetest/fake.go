package enginetest

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// Fake is a stateful in-memory engine. Container IDs are their names. It is
// safe for concurrent use; the zero value is not, use New.
//
// Every call is recorded as "verb args", e.g. "start demo-web-one" or
// "exec demo-web-one supervisorctl status"; the verbs are ping, machine, containers,
// image, build, network, netstate, rmnetwork, create, start, stop, remove, inspect,
// exec, attach, logs, save, load, copy, lock, findlock and unlock, and for
// Swarm swarm, services and gateway.
type Fake struct {
	// StartDelay is how long Start takes (set before the first call);
	// SetStartDelay adds to it for one container.
	StartDelay time.Duration
	// HealthOnStart is the health a started container reports ("" = the
	// image has no HEALTHCHECK; set before the first call).
	HealthOnStart string
	// RefusePartialLoads fails a load whose archive lacks a layer file even
	// when the layer is here, as an engine that does not look it up would.
	RefusePartialLoads bool

	mu          sync.Mutex
	info        orchestrator.EngineInfo
	machine     string // MachineName
	containers  map[string]*orchestrator.Observed
	specs       map[string]orchestrator.ContainerSpec
	images      map[string]string
	layers      map[string][]string // SetLayers: image ID -> diff IDs
	networks    map[string]bool
	addressed   map[string]bool   // networks that take addresses given at create time
	copied      map[string]string // CopyTo: path -> content
	calls       []string
	callTimes   []time.Time // when each of calls was made
	started     map[string]finished
	startDelays map[string]time.Duration
	failures    map[string]error
	execs       map[string]Result
	attaches    map[string]Result
	logs        map[string]string
	nextIP      int
	nextImage   int
	nextLock    int
	inflight    int
	maxInflight int
	startOrder  []string
	gateways    map[string]string // SetGateway: container -> docker_gwbridge address
	swarm       *Swarm            // the swarm AddNode joined it to, whose overlays a container may join
}

// finished is when a Start returned: the time, and how many calls had been
// recorded by then.
type finished struct {
	calls int
	at    time.Time
}

// Result is what a scripted Exec or Attach writes and returns.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// New returns an empty engine: no container, image or network.
func New() *Fake {
	return &Fake{
		info:       orchestrator.EngineInfo{Host: "fake", ServerVersion: "0-fake", APIVersion: "0", OS: "fake"},
		containers: map[string]*orchestrator.Observed{}, specs: map[string]orchestrator.ContainerSpec{},
		images: map[string]string{}, networks: map[string]bool{}, addressed: map[string]bool{}, failures: map[string]error{},
		execs: map[string]Result{}, attaches: map[string]Result{}, logs: map[string]string{},
		started: map[string]finished{}, startDelays: map[string]time.Duration{},
		nextIP: 2,
	}
}

// AddContainer puts a container on the engine as if it had been created
// (and started, per its State) earlier; ID defaults to Name and State to
// "created".
func (f *Fake) AddContainer(c orchestrator.Observed) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c = clone(c)
	if c.ID == "" {
		c.ID = c.Name
	}
	if c.State == "" {
		c.State = "created"
	}
	if c.Status == "" {
		c.Status = c.State
	}
	f.containers[c.ID] = &c
}

// Container returns a container's current state.
func (f *Fake) Container(id string) (orchestrator.Observed, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.containers[id]
	if !ok {
		return orchestrator.Observed{}, false
	}
	return clone(*c), true
}

// SetState changes a container's state, as if it had exited on its own.
func (f *Fake) SetState(id, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.containers[id]; ok {
		c.State, c.Status = state, state
		if state != "running" {
			c.IP = ""
		}
	}
}

// SetHealth changes a container's health and its last health check output,
// as if its HEALTHCHECK had just run.
func (f *Fake) SetHealth(id, health, log string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.containers[id]; ok {
		c.Health, c.HealthLog = health, log
	}
}

// SetPorts changes the ports a container publishes.
func (f *Fake) SetPorts(id string, ports []orchestrator.PortBinding) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.containers[id]; ok {
		c.Ports = slices.Clone(ports)
	}
}

// SetStartDelay makes Start of container id take d longer than StartDelay,
// e.g. a slow link target.
func (f *Fake) SetStartDelay(id string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.startDelays[id] = d
}

// Spec returns the spec a container was created with by Create.
func (f *Fake) Spec(id string) (orchestrator.ContainerSpec, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.specs[id]
	return s, ok
}

// AddImage tags an image; id "" removes the tag.
func (f *Fake) AddImage(ref, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id == "" {
		delete(f.images, ref)
		return
	}
	f.images[ref] = id
}

// Image is the ID of a tag, "" when there is none.
func (f *Fake) Image(ref string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.images[ref]
}

// HasNetwork reports whether the network exists.
func (f *Fake) HasNetwork(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.networks[name]
}

// SetInfo is what Ping returns.
func (f *Fake) SetInfo(info orchestrator.EngineInfo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.info = info
}

// Fail makes every call that matches fail with err, before it changes
// anything; a nil err clears the failure. call is a verb ("start") or a verb
// and the start of its arguments ("start demo-web-one", "exec demo-web-one cat").
func (f *Fake) Fail(call string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.failures, call)
		return
	}
	f.failures[call] = err
}

// SetExec scripts what Exec in container id writes and returns; id "" is
// every container without a script of its own. Unscripted, Exec writes
// nothing and returns 0.
func (f *Fake) SetExec(id string, r Result) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.execs[id] = r
}

// SetAttach scripts what Attach to container id writes and returns.
func (f *Fake) SetAttach(id string, r Result) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attaches[id] = r
}

// SetLogs is what Logs of container id writes.
func (f *Fake) SetLogs(id, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs[id] = text
}

// Calls lists every call so far, in order.
func (f *Fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Writes lists the calls that change the engine or run something in it:
// Calls without ping, containers, image, inspect, logs, the Swarm reads and
// the deploy lock's own calls (lock, findlock, unlock; breaking a lock is a
// remove).
func (f *Fake) Writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var w []string
	for _, c := range f.calls {
		verb, _, _ := strings.Cut(c, " ")
		switch verb {
		case "ping", "machine", "containers", "image", "inspect", "logs", "gateway", "lock", "findlock", "unlock", "netstate":
		default:
			w = append(w, c)
		}
	}
	return w
}

// When is the position in Calls and the time of the first call that is
// exactly call; -1 and the zero time when there is none.
func (f *Fake) When(call string) (int, time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, c := range f.calls {
		if c == call {
			return i, f.callTimes[i]
		}
	}
	return -1, time.Time{}
}

// StartedAt is when the first Start of container id returned, failed or
// not, and how many calls had been recorded by then: a call at position i
// in Calls was made after that Start finished if and only if i >= calls.
// It is -1 and the zero time when no Start of id has returned.
func (f *Fake) StartedAt(id string) (calls int, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.started[id]
	if !ok {
		return -1, time.Time{}
	}
	return s.calls, s.at
}

// ResetCalls forgets the calls recorded so far, and when each Start
// finished, e.g. after a test's setup.
func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls, f.callTimes = nil, nil
	clear(f.started)
}

// StartOrder lists the containers Start started, in order.
func (f *Fake) StartOrder() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.startOrder)
}

// MaxInflight is the most Start calls that ran at once.
func (f *Fake) MaxInflight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxInflight
}

// begin records a call and returns the failure scripted for it; f.mu is held.
func (f *Fake) begin(verb string, args ...string) error {
	call := strings.Join(append([]string{verb}, args...), " ")
	f.calls = append(f.calls, call)
	f.callTimes = append(f.callTimes, time.Now())
	for prefix, err := range f.failures {
		if call == prefix || strings.HasPrefix(call, prefix+" ") {
			return err
		}
	}
	return nil
}

func clone(c orchestrator.Observed) orchestrator.Observed {
	c.Labels = maps.Clone(c.Labels)
	c.Ports = slices.Clone(c.Ports)
	return c
}

func noSuchContainer(id string) error { return fmt.Errorf("no such container: %s", id) }

func (f *Fake) Ping(context.Context) (orchestrator.EngineInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ping"); err != nil {
		return orchestrator.EngineInfo{}, err
	}
	return f.info, nil
}

// MachineName is what SetMachineName set, "fake-machine" by default.
func (f *Fake) MachineName(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("machine"); err != nil {
		return "", err
	}
	if f.machine == "" {
		return "fake-machine", nil
	}
	return f.machine, nil
}

// SetMachineName is the hostname MachineName returns.
func (f *Fake) SetMachineName(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.machine = name
}

// Containers lists the project's containers (with project "", those of
// every project: labelled dockerops.project) sorted by name.
func (f *Fake) Containers(_ context.Context, project string) ([]orchestrator.Observed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("containers", project); err != nil {
		return nil, err
	}
	return f.list(project), nil
}

// list is the project's containers, sorted by name, each with the image
// reference it was made from while that still names its image, else its
// image ID, as an engine's list shows it. The caller holds f.mu.
func (f *Fake) list(project string) []orchestrator.Observed {
	var out []orchestrator.Observed
	for _, c := range f.containers {
		if p, ok := c.Labels[orchestrator.LabelProject]; ok && (project == "" || p == project) {
			ob := clone(*c)
			ob.StartedAt, ob.Restarts = time.Time{}, 0 // as the engine's list: Inspect alone says these
			if ob.Image != "" && f.images[ob.Image] != ob.ImageID {
				ob.Image = ob.ImageID
			}
			out = append(out, ob)
		}
	}
	slices.SortFunc(out, func(a, b orchestrator.Observed) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (f *Fake) ImageID(_ context.Context, ref string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("image", ref); err != nil {
		return "", err
	}
	return f.images[ref], nil
}

// Build reads the whole build context, as an engine does, and tags a new
// image ID; the build log, when asked for, says so.
func (f *Fake) Build(_ context.Context, spec orchestrator.BuildSpec, progress io.Writer) (string, error) {
	f.mu.Lock()
	err := f.begin("build", spec.Tag)
	f.mu.Unlock()
	if err != nil {
		return "", err
	}
	if spec.Context != nil {
		if _, err := io.Copy(io.Discard, spec.Context); err != nil {
			return "", fmt.Errorf("build %s: reading the context: %w", spec.Tag, err)
		}
	}
	if progress != nil {
		fmt.Fprintf(progress, "fake build of %s\n", spec.Tag)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextImage++
	id := fmt.Sprintf("sha256:fake%d", f.nextImage)
	f.images[spec.Tag] = id
	return id, nil
}

func (f *Fake) EnsureNetwork(_ context.Context, name string, _ map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("network", name); err != nil {
		return err
	}
	f.networks[name] = true
	return nil
}

// RemoveNetwork removes the network; removing one that does not exist is
// not an error, as with dockerengine.
func (f *Fake) RemoveNetwork(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("rmnetwork", name); err != nil {
		return err
	}
	delete(f.networks, name)
	return nil
}

// Create makes a container on one of the engine's networks or, on a swarm
// node, on one of the swarm's overlay networks, which a container joins by
// name on any node (they are attachable).
func (f *Fake) Create(_ context.Context, spec orchestrator.ContainerSpec) (string, error) {
	f.mu.Lock()
	sw := f.swarm
	f.mu.Unlock()
	overlay := sw != nil && spec.Network != "" && sw.HasNetwork(spec.Network) // the swarm's lock before the node's, as in schedule
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("create", spec.Name); err != nil {
		return "", err
	}
	if _, ok := f.containers[spec.Name]; ok {
		return "", fmt.Errorf("conflict: container name %s is already in use", spec.Name)
	}
	if spec.AutoRemove && spec.Restart.Policy != "" && spec.Restart.Policy != "no" {
		return "", fmt.Errorf("can't create 'AutoRemove' container with restart policy") // the engine's words
	}
	if spec.Network != "" && !f.networks[spec.Network] && !overlay {
		return "", fmt.Errorf("network %s not found", spec.Network)
	}
	f.containers[spec.Name] = &orchestrator.Observed{ID: spec.Name, Name: spec.Name, Labels: maps.Clone(spec.Labels),
		State: "created", Status: "created", ImageID: f.images[spec.Image], Image: spec.Image, Ports: slices.Clone(spec.Ports)}
	f.specs[spec.Name] = spec
	return spec.Name, nil
}

// Start runs a created or exited container and gives it the next IP (none
// on the host's network) and
// HealthOnStart; it takes StartDelay plus what SetStartDelay gave id.
func (f *Fake) Start(_ context.Context, id string) error {
	f.mu.Lock()
	err := f.begin("start", id)
	f.inflight++
	f.maxInflight = max(f.maxInflight, f.inflight)
	delay := f.StartDelay + f.startDelays[id]
	f.mu.Unlock()
	time.Sleep(delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inflight--
	if _, ok := f.started[id]; !ok {
		f.started[id] = finished{calls: len(f.calls), at: time.Now()}
	}
	if err != nil {
		return err
	}
	c, ok := f.containers[id]
	if !ok {
		return noSuchContainer(id)
	}
	switch {
	case c.State == "running" || f.specs[id].HostNetwork: // nethost: no address on a network of the engine
	case f.specs[id].IP != "":
		if !f.addressed[f.specs[id].Network] {
			return fmt.Errorf("user specified IP address is supported only when connecting to networks with user configured subnets")
		}
		for other, o := range f.containers {
			if other != id && o.IP == f.specs[id].IP && f.specs[other].Network == f.specs[id].Network {
				return fmt.Errorf("Address already in use: %s", o.IP)
			}
		}
		c.IP = f.specs[id].IP
	default:
		c.IP = fmt.Sprintf("10.0.0.%d", f.nextIP)
		f.nextIP++
	}
	c.State, c.Status, c.Health = "running", "Up", f.HealthOnStart
	f.startOrder = append(f.startOrder, id)
	return nil
}

// Stop stops a container; one that does not exist is not an error, as with
// dockerengine.
func (f *Fake) Stop(_ context.Context, id string, _ time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("stop", id); err != nil {
		return err
	}
	if c, ok := f.containers[id]; ok && c.State == "running" {
		c.State, c.Status, c.IP, c.Health = "exited", "Exited (0)", "", ""
	}
	return nil
}

// Remove removes a container, running or not (dockerengine forces it); one
// that does not exist is not an error.
func (f *Fake) Remove(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("remove", id); err != nil {
		return err
	}
	delete(f.containers, id)
	delete(f.specs, id)
	return nil
}

func (f *Fake) Inspect(_ context.Context, id string) (orchestrator.Observed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("inspect", id); err != nil {
		return orchestrator.Observed{}, err
	}
	c, ok := f.containers[id]
	if !ok {
		return orchestrator.Observed{}, noSuchContainer(id)
	}
	return clone(*c), nil
}

// Exec runs nothing: it writes and returns what SetExec scripted, in a
// running container only.
func (f *Fake) Exec(_ context.Context, id string, spec orchestrator.ExecSpec) (int, error) {
	f.mu.Lock()
	err := f.begin("exec", append([]string{id}, spec.Cmd...)...)
	c, ok := f.containers[id]
	switch {
	case err != nil:
	case !ok:
		err = noSuchContainer(id)
	case c.State != "running":
		err = fmt.Errorf("container %s is not running", id)
	}
	r, scripted := f.execs[id]
	if !scripted {
		r = f.execs[""]
	}
	f.mu.Unlock()
	if err != nil {
		return -1, err
	}
	return r.Code, write(spec.Streams, r)
}

// Attach starts a created container, writes what SetAttach scripted and
// returns as if its process exited: the container is then exited, or gone
// when it was created with AutoRemove.
func (f *Fake) Attach(_ context.Context, id string, streams orchestrator.Streams) (int, error) {
	f.mu.Lock()
	err := f.begin("attach", id)
	c, ok := f.containers[id]
	if err == nil && !ok {
		err = noSuchContainer(id)
	}
	r := f.attaches[id]
	f.mu.Unlock()
	if err != nil {
		return -1, err
	}
	if streams.In != nil {
		if _, err := io.Copy(io.Discard, streams.In); err != nil {
			return -1, err
		}
	}
	werr := write(streams, r)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.specs[id].AutoRemove {
		delete(f.containers, id)
		delete(f.specs, id)
	} else {
		c.State, c.Status, c.IP = "exited", fmt.Sprintf("Exited (%d)", r.Code), ""
	}
	return r.Code, werr
}

// Logs writes what SetLogs scripted to spec.Out, as it is (script the
// timestamps too for a caller that asks for them); follow returns at once,
// as if the container stopped.
func (f *Fake) Logs(_ context.Context, id string, spec orchestrator.LogsSpec) error {
	f.mu.Lock()
	err := f.begin("logs", id)
	_, ok := f.containers[id]
	if err == nil && !ok {
		err = noSuchContainer(id)
	}
	text := f.logs[id]
	f.mu.Unlock()
	if err != nil {
		return err
	}
	if spec.Out == nil {
		return nil
	}
	_, err = io.WriteString(spec.Out, text)
	return err
}

func write(s orchestrator.Streams, r Result) error {
	if s.Out != nil && r.Stdout != "" {
		if _, err := io.WriteString(s.Out, r.Stdout); err != nil {
			return err
		}
	}
	if s.Err != nil && r.Stderr != "" {
		if _, err := io.WriteString(s.Err, r.Stderr); err != nil {
			return err
		}
	}
	return nil
}

// CopyTo unpacks a tar archive into a container; the call is recorded as
// "copy", the container, the folder and the file names, and Copied returns
// what each file held.
func (f *Fake) CopyTo(_ context.Context, id, dir string, archive io.Reader) error {
	files := map[string]string{}
	var names []string
	tr := tar.NewReader(archive)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("copy into %s: %w", id, err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		names = append(names, hdr.Name)
		files[path.Join(dir, hdr.Name)] = string(data)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("copy", append([]string{id, dir}, names...)...); err != nil {
		return err
	}
	if _, ok := f.containers[id]; !ok {
		return noSuchContainer(id)
	}
	if f.copied == nil {
		f.copied = map[string]string{}
	}
	maps.Copy(f.copied, files)
	return nil
}

// Copied returns the content of a file CopyTo put at path ("" if none).
func (f *Fake) Copied(path string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.copied[path]
}

var _ orchestrator.Engine = (*Fake)(nil)
