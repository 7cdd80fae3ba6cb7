package orchestrator

import (
	"context"
	"io"
	"time"
)

// Labels dockerops puts on every container, network and image it makes, so the
// engine alone holds the state.
const (
	LabelProject      = "dockerops.project"
	LabelContainer    = "dockerops.container"
	LabelInstance     = "dockerops.instance"
	LabelInstanceType = "dockerops.instance_type"
	LabelSpecHash     = "dockerops.spec"
	LabelGroup        = "dockerops.group"
	LabelRestart      = "dockerops.restart" // the policy as run.conf spells it
)

// Engine is the small part of a container engine the orchestrator uses.
// orchestrator/dockerengine implements it with the Docker SDK.
type Engine interface {
	// Ping checks the engine answers; the error says how to start one.
	Ping(ctx context.Context) (EngineInfo, error)
	// MachineName is the hostname of the machine the engine runs on.
	MachineName(ctx context.Context) (string, error)
	// Containers lists, in one call, every container (running or not) with
	// label dockerops.project=project, or of every project when project is "".
	Containers(ctx context.Context, project string) ([]Observed, error)
	// ImageID returns the ID of a local image, or "" when it does not exist.
	ImageID(ctx context.Context, ref string) (string, error)
	// Build builds an image; progress, when not nil, receives the build log.
	Build(ctx context.Context, spec BuildSpec, progress io.Writer) (imageID string, err error)
	// EnsureNetwork creates the bridge network unless it exists.
	EnsureNetwork(ctx context.Context, name string, labels map[string]string) error
	// RemoveNetwork removes the network; one the engine still counts
	// endpoints on while no container is attached fails with ErrStaleNetwork.
	RemoveNetwork(ctx context.Context, name string) error
	Create(ctx context.Context, spec ContainerSpec) (id string, err error)
	Start(ctx context.Context, id string) error
	Stop(ctx context.Context, id string, timeout time.Duration) error
	Remove(ctx context.Context, id string) error
	// Inspect returns the current state of one container.
	Inspect(ctx context.Context, id string) (Observed, error)
	// Exec runs cmd in a running container as user ("" = image default).
	Exec(ctx context.Context, id string, spec ExecSpec) (exitCode int, err error)
	// Attach starts a created container with a TTY wired to streams and
	// returns when it exits (interactive and safemode instances).
	Attach(ctx context.Context, id string, streams Streams) (exitCode int, err error)
	// Logs copies a container's output (stdout to spec.Out, stderr to
	// spec.Err) until it ends, or with Follow until the container stops or
	// ctx ends.
	Logs(ctx context.Context, id string, spec LogsSpec) error
	// SaveImages and LoadImages move images between engines without a
	// registry, as `docker save | docker load`.
	SaveImages(ctx context.Context, refs []string) (io.ReadCloser, error)
	LoadImages(ctx context.Context, archive io.Reader) error
	// ImageLayers returns the RootFS layers (diff IDs, base first) of the
	// images refs name, by image ID, leaving out absent ones; refs nil =
	// every image on the engine. Ship sends only the layers a target lacks.
	ImageLayers(ctx context.Context, refs []string) (map[string][]string, error)
	// CopyTo unpacks a tar archive into dir inside a container, as
	// `docker cp - id:dir`.
	CopyTo(ctx context.Context, id, dir string, archive io.Reader) error
}

// EngineInfo describes the engine for `dockerops info`.
type EngineInfo struct {
	Host          string // DOCKER_HOST or the default socket
	ServerVersion string
	APIVersion    string
	OS            string
}

// Observed is a container as the engine reports it.
type Observed struct {
	ID        string
	Name      string // without the leading slash
	Labels    map[string]string
	State     string // engine's word: running, exited, created, ...
	Status    string // human status, e.g. "Up 3 minutes (healthy)"
	Health    string // "", starting, healthy, unhealthy
	HealthLog string // last health check output, when known
	// Inspect alone fills these: the container list does not carry them.
	StartedAt time.Time // when it last started; zero when it never did
	Restarts  int       // how often the engine restarted it by its policy
	ImageID   string
	// Image is the reference the container was made from while it still
	// names ImageID, else ImageID, as the engine's container list shows it
	// ("" from Inspect).
	Image string
	IP    string // on the project network
	Ports []PortBinding
}

// PortBinding is a published port.
type PortBinding struct {
	Container int
	Host      int
	Protocol  string
	HostIP    string // host address it is bound to; "" = every interface
}

// BuildSpec is one image build.
type BuildSpec struct {
	Tag        string
	ContextDir string    // folder sent as build context (honours .dockerignore)
	Context    io.Reader // a ready tar context, used instead of ContextDir when set
	Dockerfile string    // relative to the context, default "Dockerfile"
	BuildArgs  map[string]string
	Labels     map[string]string
	NoCache    bool
}

// ContainerSpec is everything needed to create one container.
type ContainerSpec struct {
	Name     string
	Image    string
	Hostname string
	Env      []string // KEY=VALUE
	Labels   map[string]string
	Network  string // joined at create time
	IP       string // its address on Network; "" = the engine assigns one at start
	// HostNetwork runs the container on the machine's own network (nethost):
	// no Network, Hostname, Aliases, Links or port bindings then.
	HostNetwork bool
	Aliases     []string // extra DNS names on Network
	Links       []string // "target:alias", resolved by the engine's DNS on Network
	Ports       []PortBinding
	Binds       []string // host:container[:ro]
	Entrypoint  []string // nil = image default
	Cmd         []string // nil = image default
	TTY         bool
	OpenStdin   bool
	AutoRemove  bool
	Restart     Restart // the zero value: never
}

// Restart is when the engine starts a container again by itself: after it
// exits, and when the engine starts.
type Restart struct {
	Policy     string // "no", "on-failure", "unless-stopped" or "always"; "" = no
	MaxRetries int    // on-failure: give up after this many in a row; 0 = never
}

// LogsSpec is which part of a container's output Logs copies, and where.
type LogsSpec struct {
	Follow bool
	Tail   int       // only the last Tail lines; 0 = every line
	Since  time.Time // only lines written after it; zero = from the start
	// Timestamps starts each line with the engine's time of it, RFC 3339
	// with nanoseconds, and a space.
	Timestamps bool
	// Out receives stdout (all of the output of a container with a TTY),
	// Err stderr; nil discards.
	Out, Err io.Writer
}

// ExecSpec is a command run inside a running container.
type ExecSpec struct {
	Cmd     []string
	User    string
	Env     []string
	TTY     bool
	Streams Streams // zero value = discard output
}

// Streams are the standard streams of a process.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
	// Terminal says In is a terminal, so an interactive instance gets a TTY.
	Terminal bool
}
