package app

import (
	"maps"
	"strings"
	"testing"
)

// TestPositionalArguments: DockerOps' Fabric positional arguments land on
// the keys of its parameter order, and a bare word naming a key sets it.
func TestPositionalArguments(t *testing.T) {
	cases := []struct {
		word string
		arg  string
		vals map[string]any
	}{
		{"run:demo,two", "demo", map[string]any{"instance": "two"}},
		{"ssh:demo,one", "demo", map[string]any{"instance": "one"}},
		{"clean:demo,two", "demo", map[string]any{"instance": "two"}},
		{"getip:demo,one", "demo", map[string]any{"instance": "one"}},
		{"rerun:demo,two", "demo", map[string]any{"instance": "two"}},
		{"ssh:demo,one,hostname", "demo", map[string]any{"instance": "one", "command": "hostname"}},
		{"clean:all,,front,True", "all", map[string]any{"group": "front", "force": true}},
		{"clean:all,force", "all", map[string]any{"force": true}},
		{"build:web,verbose", "web", map[string]any{"verbose": true}},
		{"build:web,True,True", "web", map[string]any{"verbose": true, "nocache": true}},
		{"run:demo,one,,master", "demo", map[string]any{"instance": "one", "instance_type": "master"}},
		// v0.5.1's order: persistent_opt before persistent_log.
		{"run:demo,one,front,standard,True,False,True", "demo", map[string]any{"instance": "one", "group": "front",
			"instance_type": "standard", "persistent_data": true, "persistent_opt": false, "persistent_log": true}},
		{"run:demo,,,,,,,,,,other.conf", "demo", map[string]any{"conf": "other.conf"}},
		{"ps:project,,,True", "project", map[string]any{"onlyrunning": true}},
		{"run:demo,two,debug", "demo", map[string]any{"instance": "two", "debug": true}},
	}
	for _, tc := range cases {
		calls, err := parseCommandLine([]string{tc.word})
		if err != nil {
			t.Errorf("%s: %v", tc.word, err)
			continue
		}
		a := calls[0].args
		if a.Arg != tc.arg || !maps.Equal(a.vals, tc.vals) {
			t.Errorf("%s: arg %q keys %v, want %q %v", tc.word, a.Arg, a.vals, tc.arg, tc.vals)
		}
	}
}

// TestPositionalErrors: a value where the task takes none, or one too many,
// is a usage error naming the task and its order.
func TestPositionalErrors(t *testing.T) {
	cases := []struct{ word, want string }{
		{"ip:demo,one,x", `task "ip" takes at most 2 positional arguments, in DockerOps' order name,instance (got "demo,one,x")`},
		{"rerun:demo,one,x", `task "rerun" takes at most 2 positional arguments, in DockerOps' order name,instance`},
		{"run:demo,a,b,c,d,e,f,g,h,i,j,k,l,m", `task "run" takes at most 13 positional arguments, in DockerOps' order container,instance,group,instance_type,`},
		{"ps:project,one", `task "ps": positional argument 2 is DockerOps' instance, which dockerops does not take (got "one"); DockerOps' order: mode,(instance),`},
		{"version:x", `task "version" takes no argument (got "x")`},
		{"init:sub,x", `task "init" takes one positional argument, NAME (got "sub,x")`},
		{"ps,project", `task "ps" has no key "project"`},
		{"run:demo,two,instance=three", `task "run": instance given twice (as positional argument 2 and instance=)`},
		{"clean:all,force,force=False", `task "clean": force given twice`},
		{"run:all,progress", "progress mode"},
		{"init:ubuntu14.04", "DockerOps' init:ubuntu14.04 built its base images"},
	}
	for _, tc := range cases {
		_, err := parseCommandLine([]string{tc.word})
		if _, usage := err.(*UsageError); !usage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want a usage error saying %q", tc.word, err, tc.want)
		}
	}
}

// TestPositionalOrderNamesTaskKeys guards the table: every name of a task's
// order is one of its keys, or marked as a parameter dockerops does not take.
func TestPositionalOrderNamesTaskKeys(t *testing.T) {
	for name, order := range positionalOrder {
		task := taskByName(name)
		if task == nil {
			t.Errorf("positionalOrder has %q, which is no task", name)
			continue
		}
		if task.Arg == "" {
			t.Errorf("%s takes no argument but has a positional order", name)
		}
		for _, k := range order[1:] {
			if !strings.HasPrefix(k, "-") && !task.hasKey(k) {
				t.Errorf("positional order of %s names %q, which is not one of its keys", name, k)
			}
		}
	}
}

// TestReplacedTasksSayWhatToRun: DockerOps' installer tasks exit 2 with
// what to run instead, and run nothing before them.
func TestReplacedTasksSayWhatToRun(t *testing.T) {
	for task, want := range map[string]string{"install": "./install.sh", "uninstall": "rm ", "install_demo": "dockerops init:dockerops-demo"} {
		dir := t.TempDir()
		code, _, stderr := run(t, dir, nil, "init", task)
		if code != exitUsage || !strings.Contains(stderr, want) || strings.Contains(stderr, "unknown task") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", task, code, stderr, want)
		}
		if code, out, _ := run(t, dir, nil, "help:"+task); code != 0 || !strings.Contains(out, want) {
			t.Errorf("help:%s: exit %d, %q", task, code, out)
		}
	}
}
