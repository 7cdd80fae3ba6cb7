package project

// InstanceType names one of the DockerOps instance types; each sets defaults
// for linking, published ports and persistence.
type InstanceType string

const (
	Standard    InstanceType = "standard"
	Published   InstanceType = "published"
	Master      InstanceType = "master"
	Interactive InstanceType = "interactive"
	Safemode    InstanceType = "safemode"
	// Persistent and Debug are the types DockerOps v0.5 added: persistent
	// data and logs without published ports; a safemode shell.
	Persistent InstanceType = "persistent"
	Debug      InstanceType = "debug"
)

// Port is a port the instance publishes, 1:1 on the host as DockerOps did.
type Port struct {
	Container int    `json:"container"`
	Host      int    `json:"host"`
	Protocol  string `json:"protocol"` // "tcp" or "udp"
}

// Link is a resolved run.conf link. Target is the container name of the linked
// instance, or nil when the link names no instance ("any running instance of
// TargetContainer"), which only the engine can settle.
type Link struct {
	Name            string  `json:"name"`
	Target          *string `json:"target"`
	TargetContainer string  `json:"-"`
	TargetInstance  string  `json:"-"`
}

// Volume is a bind mount with an absolute host path.
type Volume struct {
	Source string `json:"source"`
	Target string `json:"target"`
	// ReadOnly is set by a ":ro" suffix in run.conf (bind as host:target:ro).
	ReadOnly bool `json:"read_only,omitempty"`
	// Relative is the host path as written, slash-separated, when run.conf
	// gave it relative to the project: on a remote host its content is a
	// copy under the host's data root. "" for an absolute path.
	Relative string `json:"-"`
}

// Instance is one fully resolved instance: everything needed to create its
// container, with task arguments, run.conf and type defaults already applied.
type Instance struct {
	Name           string            `json:"name"` // <project>-<container>-<instance>
	Container      string            `json:"container"`
	Instance       string            `json:"instance"`
	Image          string            `json:"image"` // <project>/<container>
	InstanceType   InstanceType      `json:"instance_type"`
	Hostname       string            `json:"hostname"`
	Group          string            `json:"group"`
	Linked         bool              `json:"linked"`
	PublishPorts   bool              `json:"publish_ports"`
	PersistentData bool              `json:"persistent_data"`
	PersistentLog  bool              `json:"persistent_log"`
	PersistentOpt  bool              `json:"persistent_opt"`
	Safemode       bool              `json:"safemode"`
	Interactive    bool              `json:"interactive"`
	Sleep          float64           `json:"sleep"`
	SeedCommand    string            `json:"seed_command"` // run instead of supervisord (or bash)
	Ports          []Port            `json:"ports"`
	Links          []Link            `json:"links"`
	Env            map[string]string `json:"env"`
	Volumes        []Volume          `json:"volumes"`
	PersistentDir  *string           `json:"persistent_dir"`
	// Restart is the run conf's or the task's policy; "" = the target's
	// default. An interactive instance has no.
	Restart RestartPolicy `json:"restart,omitempty"`
	// NetHost runs the container on the host's network (the run conf's or
	// the task's nethost, DockerOps v0.7): no own address, no hostname.
	NetHost bool `json:"nethost,omitempty"`
	// FirstStart runs once after the container's first start
	// (first_start_command).
	FirstStart string `json:"first_start_command,omitempty"`
	// MissingEnv lists env_vars declared null in run.conf and found neither in
	// the process environment nor in host.conf, sorted.
	MissingEnv []string `json:"-"`
	// DashDataDir says the instance's persistent data is in a DockerOps
	// v0.6+ <container>-<instance> folder on its target (the orchestrator
	// finds it there; dockerops itself never creates one).
	DashDataDir bool `json:"-"`
}
