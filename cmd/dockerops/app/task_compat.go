package app

import (
	"log/slog"
	"strings"
)

// replacedTasks are DockerOps tasks that have no place in a single binary,
// with what to run instead.
var replacedTasks = map[string]string{
	"install": "dockerops has no install task: it is one binary. Install it with ./install.sh from its source " +
		"(as root: /usr/local/bin/dockerops), or `go build -o /usr/local/bin/dockerops ./cmd/dockerops`; it needs " +
		"no ~/.DockerOps folder and no Fabric",
	"uninstall": "dockerops has no uninstall task: remove its binary (`rm \"$(command -v dockerops)\"`); " +
		"a DockerOps install of old lives in ~/.DockerOps or /usr/share/DockerOps and can go too. " +
		"Projects, their data_<project>/ folders and images are left as they are",
	"install_demo": "dockerops has no install_demo task: `dockerops init:dockerops-demo` writes a demo project into " +
		"./dockerops-demo (then `cd dockerops-demo && dockerops build:all && dockerops run:all`)",
}

// replacedTask is the usage error for a DockerOps task dockerops replaces,
// or for DockerOps' init:ubuntu14.04 (which built its base images, while
// dockerops' init writes a project skeleton); nil for any other call.
func replacedTask(c Call) error {
	if msg, ok := replacedTasks[c.Task]; ok {
		return usagef("%s", msg)
	}
	if c.Task == "init" && strings.EqualFold(c.Arg, "ubuntu14.04") {
		return usagef("task \"init\": DockerOps' init:ubuntu14.04 built its base images; dockerops' base image ships inside " +
			"the binary and build builds it before the images FROM it; dockerops' init writes a new project skeleton (init or init:NAME)")
	}
	return nil
}

// keyDebug is DockerOps' debug switch of run and build: debug logs while
// the task runs, as LOG_LEVEL=DEBUG gives for the whole command line.
var keyDebug = Key{"debug", kindBool, "debug logs while this task runs (as LOG_LEVEL=DEBUG)"}

// taskLogLevel is the log level while a task runs: base, or debug when the
// task says debug=True.
func taskLogLevel(base slog.Level, a Args) slog.Level {
	if a.flag("debug") {
		return slog.LevelDebug
	}
	return base
}

// compatOverview is what help says about DockerOps' command line.
const compatOverview = `
DockerOps' Fabric positional arguments work, in its order: run:demo,two is
instance two (help:TASK shows a task's order). A bare word naming a boolean
key means True (clean:all,force). DockerOps' install, uninstall and
install_demo are not tasks here: they say what to run instead.
`

// fabricSpaces reads an ssh command as DockerOps did: Fabric arguments could
// hold no space, so '+' stood for one (`ssh:demo,one,ls+-l`). A command that
// has a space was written for dockerops, quoted, and is kept as it is.
func fabricSpaces(command string) string {
	if strings.Contains(command, " ") {
		return command
	}
	return strings.ReplaceAll(command, "+", " ")
}
