package app

import (
	"slices"
)

var (
	keyConf     = Key{"conf", kindString, "run conf file to use instead of run.conf"}
	keyInstance = Key{"instance", kindString, "instance name"}
	keyGroup    = Key{"group", kindString, "only the instances of this run.conf group"}
	keyHost     = Key{"host", kindString, "a host of hosts.conf: act on its remote engine"}
	keyHosts    = Key{"hosts", kindString, "all: find the host of hosts.conf that runs the instance (Swarm mode too) and act there"}
	keyParallel = Key{"parallel", kindCount, "how many engine operations run at once (default: no limit, as Compose)"}
	keyFormat   = Key{"format", kindString, "output format: table (default) or json"}
	keyForce    = Key{"force", kindBool, "do not ask for confirmation"}
	keyTimeout  = Key{"timeout", kindNumber, "grace before a container is killed (default 10)"}
	// keyProgress is on every task that reports progress; build has its own.
	keyProgress = Key{"progress", kindProgress, "how progress shows on stderr: auto (tty on a terminal, plain otherwise or with LOG_LEVEL=DEBUG), " +
		"tty (a live row per instance), plain (a line per event), json (an object per line)"}

	// overrideKeys are the run.conf keys a task argument can override.
	overrideKeys = []Key{
		{"instance_type", kindString, "standard, published, master, interactive, safemode, persistent or debug"},
		{"linked", kindBool, "create the run.conf links"},
		{"publish_ports", kindBool, "publish the Dockerfile's EXPOSE ports 1:1 on the host"},
		{"persistent_data", kindBool, "keep /data under the project's data dir"},
		{"persistent_log", kindBool, "keep /var/log under the project's data dir"},
		{"persistent_opt", kindBool, "keep /opt under the project's data dir"},
		{"safemode", kindBool, "interactive shell without entrypoint-local.sh"},
		{"interactive", kindBool, "attached shell instead of supervisord, removed on exit"},
		{"hostname", kindString, "hostname inside the container"},
		{"sleep", kindNumber, "wait after start before dependants start"},
		{"seed_command", kindString, "command the instance runs instead of supervisord (or the shell)"},
		{"first_start_command", kindString, "command run once after the first start"},
		{"volumes", kindString, `extra bind mounts, "host:container[,host2:container2]"`},
		{"restart", kindString, "no, on-failure[:N], unless-stopped or always (default: unless-stopped on hosts and the swarm, no locally)"},
		{"nethost", kindBool, "run on the machine's own network (no project network, hostname or port bindings)"},
	}
)

func keys(groups ...[]Key) []Key { return slices.Concat(groups...) }

// locking makes t take the deploy lock of scope while it runs, with the
// lock_wait key.
func locking(scope lockScope, t *Task) *Task {
	t.Lock = scope
	t.Keys = append(slices.Clone(t.Keys), keyLockWait)
	return t
}

var tasks []*Task

func init() {
	tasks = []*Task{
		{Name: "help", Arg: "TASK", Summary: "Describe every task, or one task and its keys.", Run: runHelp},
		{Name: "version", Summary: "Print the dockerops version.", Run: runVersion},
		{Name: "info", Summary: "Show the engine, the project and its paths.", Keys: []Key{keyHost}, Run: runInfo},
		{Name: "init", Arg: "NAME", Summary: "Create a new project skeleton in the current directory (or in NAME/): a demo container, build.conf, run.conf and .gitignore.", Run: runInit},
		{Name: "config", Arg: "all|CONTAINER", Summary: "Resolve the project and print the plan of instances, without touching any engine.",
			Keys: keys([]Key{keyFormat, keyConf, keyInstance, keyGroup}, overrideKeys), Run: runConfig},
		{Name: "graph", Arg: "all|CONTAINER", Summary: "Draw the resolved project, coloured by what runs. " +
			"A box per instance (name, type, image, published ports, kept folders) coloured by its state on the engine (running, stopped, unhealthy, missing), " +
			"an arrow per link, a frame per group and, with host= or hosts=all, per host. svg (default: <project>.svg in the project folder) and png are written to a file, dot and mermaid printed.",
			Keys: keys([]Key{
				{"format", kindString, "svg (default), png, dot or mermaid (text to paste into Markdown)"},
				{"out", kindString, "the svg or png file to write (default <project>.<format> in the project folder)"},
				keyConf, keyInstance, keyGroup,
				{"host", kindString, "a host of hosts.conf: only the instances it runs, coloured by its engine"},
				{"hosts", kindString, "all: a frame per host of hosts.conf, each instance on the host that runs it (or the first whose groups have it)"},
			}, overrideKeys), Run: runGraph},
		{Name: "migrate", Summary: "Rewrite the run conf (conf=) and its includes to the modern form, keeping each original as <file>.orig; the plan stays the same.",
			Keys: []Key{keyConf}, Run: runMigrate},
		{Name: "build", Arg: "all|CONTAINER", Summary: "Build the project's images (all: build.conf in order); a container's FROM images of the project build first.",
			Keys: []Key{
				{"progress", kindBoolOrProgress, "True streams the build log; a mode picks how progress shows, as for run"},
				{"verbose", kindBool, "same as progress=True"},
				{"nocache", kindBool, "do not use Docker's build cache"},
				keyParallel, keyHost, keyDebug,
			}, Run: runBuild},
		lockingOnChange(lockEngine, &Task{Name: "run", Arg: "all|CONTAINER", Summary: "Create and start instances from run.conf; only what changed is recreated.",
			Keys: keys([]Key{keyConf, keyInstance, keyGroup, keyParallel, keyHost,
				{"dry_run", kindBool, "print the plan and stop"},
				{"wait", kindBool, "return only when every instance runs (and is healthy where it has a HEALTHCHECK)"},
				{"wait_timeout", kindNumber, "how long to wait for readiness (default 120)"},
				{"remove_orphans", kindBool, "remove the project's containers that run.conf no longer lists"},
				{"ship", kindBool, "with host=: send the locally built images that differ, only the layers the host lacks, instead of building on the host"},
				{"nocache", kindBool, "with host=: build the images the host lacks without Docker's build cache, as build does"},
				keyProgress, keyHostsSwarm, keyMove, keyEncrypted, keyDebug,
			}, overrideKeys), Run: runRun}),
		locking(lockEngine, &Task{Name: "rerun", Arg: "all|CONTAINER", Summary: "Clean, then run, with the same arguments: the selected instances are removed without a question and made anew; persistent data is kept.",
			Keys: keys([]Key{keyConf, keyInstance, keyGroup, keyParallel, keyHost, keyTimeout,
				{"wait", kindBool, "return only when every instance runs (and is healthy where it has a HEALTHCHECK)"},
				{"wait_timeout", kindNumber, "how long to wait for readiness (default 120)"},
				keyProgress, keyDebug,
			}, overrideKeys), Run: runRerun}),
		locking(lockSwarm, &Task{Name: "rollback", Arg: "all|CONTAINER", Summary: "Return swarm services (hosts=all) to the spec they had before their last update.",
			Keys: []Key{keyInstance, keyHostsSwarm, keyParallel, keyProgress, {"dry_run", kindBool, "print the plan and stop"}}, Run: runRollback}),
		{Name: "ps", Arg: "project|all|reallyall", Summary: "List the project's instances with their health, uptime, restarts, IP and ports. What the last health check of each unhealthy one said follows the table. ps:all or ps:reallyall: of every dockerops project; ps:platform = ps:project.",
			Keys: []Key{keyFormat, keyHost, {"onlyrunning", kindBool, "only the running instances"}, {"hosts", kindString, "all: list the instances of every host of hosts.conf, and the Swarm services whose task runs nowhere"},
				{"watch", kindBool, "redraw the table in place every interval until Ctrl-C (exit 0); needs a terminal"},
				{"interval", kindNumber, "how often watch redraws (default 2)"}}, Run: runPs},
		{Name: "ssh", Arg: "CONTAINER", Summary: "Open an SSH session as user dockerops in an instance, with the project key offered by a short-lived agent (forwarded, so you can hop on).",
			Keys: []Key{keyInstance, {"command", kindString, "run this command instead of a shell"}, keyHost, keyHosts}, Run: runSSH},
		{Name: "shell", Arg: "CONTAINER", Summary: "Open a root bash in an instance with docker exec.",
			Keys: []Key{keyInstance, {"command", kindString, "run this command instead of bash"}, keyHost, keyHosts}, Run: runShell},
		{Name: "ip", Arg: "CONTAINER", Summary: "Print the IP address of an instance.", Keys: []Key{keyInstance, keyHost, keyHosts}, Run: runIP},
		{Name: "getip", Arg: "CONTAINER", Summary: "Same as ip (DockerOps v0.7's name).", Keys: []Key{keyInstance, keyHost, keyHosts}, Run: runIP},
		{Name: "get_ip", Arg: "CONTAINER", Summary: "Same as ip (DockerOps v0.5.1's name).", Keys: []Key{keyInstance, keyHost, keyHosts}, Run: runIP},
		{Name: "logs", Arg: "CONTAINER|PATTERN|all", Summary: "Print the logs of an instance, or of every instance all or a pattern selects, merged in time order. Each line then follows its instance's name, coloured on a terminal unless NO_COLOR is set. With follow=True, Ctrl-C ends it (exit 0).",
			Keys: []Key{keyInstance, keyGroup, {"follow", kindBool, "keep printing new lines until Ctrl-C"},
				{"tail", kindCount, "only the last N lines of each instance"}, {"since", kindString, "only lines newer than this: a duration (10m, 1h30m) or a time (2026-01-02T15:04:05Z)"},
				{"format", kindString, "text (default) or json: one object per line with instance, host, stream, time and line"},
				keyHost, {"hosts", kindString, "all: the instances of every host of hosts.conf, each line's name then says name@host"}}, Run: runLogs},
		{Name: "status", Arg: "CONTAINER", Summary: "Show the supervisor programs of an instance (supervisorctl status).", Keys: []Key{keyInstance, keyHost, keyHosts}, Run: runStatus},
		locking(lockEngine, &Task{Name: "start", Arg: "CONTAINER|all", Summary: "Start stopped instances; they keep their state.", Keys: []Key{keyInstance, keyHost, keyProgress}, Run: runStart}),
		locking(lockEngine, &Task{Name: "stop", Arg: "CONTAINER|all", Summary: "Stop running instances; they keep their state.", Keys: []Key{keyInstance, keyTimeout, keyParallel, keyHost, keyProgress}, Run: runStop}),
		locking(lockEngine, &Task{Name: "clean", Arg: "all|CONTAINER|PATTERN*", Summary: "Stop and remove instances (and the project network when none is left). Persistent data is kept unless purge=True. reallyall: every dockerops project's instances on the engine (asks twice, even with force=True).",
			Keys: []Key{keyInstance, keyForce, {"group", kindString, "only the instances run started in this run.conf group"},
				{"conf", kindString, "only the instances this run conf lists"}, {"purge", kindBool, "also delete the instances' persistent data (asks again)"}, keyTimeout, keyParallel, keyHost, keyHostsSwarm, keyProgress}, Run: runClean}),
		locking(lockDroplets, &Task{Name: "provision", Arg: "all|HOST", Summary: "Create the DigitalOcean droplets of hosts.conf with Docker, their cloud firewalls, volumes, reserved IPs, DNS records and inventory.json, and make them one Docker Swarm (idempotent).",
			Keys: []Key{{"wait", kindBool, "wait until Docker answers over SSH, then form the swarm (default True)"},
				{"force", kindBool, "delete a droplet DigitalOcean failed to create without asking"}, keyProgress}, Run: runProvision}),
		{Name: "inventory", Summary: "Rebuild inventory.json from the DigitalOcean account alone.", Run: runInventory},
		locking(lockDroplets, &Task{Name: "destroy", Arg: "all|HOST", Summary: "Delete droplets, their cloud firewalls and the DNS records dockerops made for them; volumes and reserved IPs are kept unless purge=True; destroy:HOST first drains the host's swarm node and removes it.", Keys: []Key{keyForce, {"purge", kindBool, "also delete the hosts' block storage volumes with their data and release their reserved IPs (asks, naming each); without it volumes are detached and kept, reserved IPs unassigned and kept"}, keyProgress}, Before: confirmDestroy, Run: runDestroy}),
		{Name: "snapshot", Arg: "HOST|list", Summary: "Shut a droplet down, snapshot it and power it on again (snapshot:list lists snapshots).",
			Keys: []Key{{"name", kindString, "snapshot name"}, keyProgress}, Run: runSnapshot},
	}
}

func taskByName(name string) *Task {
	for _, t := range tasks {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func taskNames() []string {
	names := make([]string, len(tasks))
	for i, t := range tasks {
		names[i] = t.Name
	}
	return names
}
