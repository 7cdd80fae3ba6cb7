package app

import (
	"fmt"
	"slices"
	"strings"
)

// positionalOrder is each task's parameters in the order DockerOps' fabfile
// declared them in its last release (858d0d3), so `run:demo,two` is
// instance two as it was under Fabric. The first names the task's argument
// (Arg); the others are keys of the task. A name starting with '-' is a
// parameter of the original that dockerops does not take (internal ones such
// as ps's capture): a value there is refused, an empty one skipped.
// Internal parameters at the end of a signature (run's recursive, from_rerun)
// are left out, so a value there is one too many.
var positionalOrder = map[string][]string{
	"run": {"container", "instance", "group", "instance_type", "persistent_data", "persistent_opt", "persistent_log",
		"publish_ports", "linked", "seed_command", "conf", "safemode", "interactive"},
	"rerun":  {"name", "instance"},
	"clean":  {"name", "instance", "group", "force", "conf"},
	"build":  {"service", "verbose", "nocache"},
	"ssh":    {"name", "instance", "command"},
	"ip":     {"name", "instance"},
	"getip":  {"name", "instance"},
	"get_ip": {"name", "instance"},
	"ps":     {"mode", "-instance", "-capture", "onlyrunning", "-info", "-conf"},
	// Tasks DockerOps did not have (or, for start, had with this order) take
	// the order of its instance tasks.
	"start":  {"name", "instance"},
	"stop":   {"name", "instance"},
	"shell":  {"name", "instance"},
	"logs":   {"name", "instance"},
	"status": {"name", "instance"},
	"config": {"name", "instance"},
}

// bindPositional turns the bare words after a call's argument into keys:
// a word that names a key of the task sets it to True (`clean:all,force`,
// and DockerOps' `build:x,verbose`; a key that is no boolean then says what
// it takes); any other word is the next positional argument in the task's
// order. An empty word keeps its place and sets
// nothing, as an empty Fabric argument meant "not given".
func (t *Task) bindPositional(c Call) (Call, error) {
	if len(c.Positional) == 0 {
		return c, nil
	}
	order := positionalOrder[t.Name]
	keys := make(map[string]string, len(c.Keys))
	for k, v := range c.Keys {
		keys[k] = v
	}
	out := c
	out.Keys, out.order, out.Positional = keys, slices.Clone(c.order), nil
	set := func(name, value, how string) error {
		if _, dup := keys[name]; dup {
			return usagef("task %q: %s given twice (%s and %s=)", t.Name, name, how, name)
		}
		keys[name] = value
		out.order = append(out.order, name)
		return nil
	}
	pos := 1 // order[0] is the argument
	for _, w := range c.Positional {
		if t.hasKey(w) {
			if err := set(w, "true", "as a bare word"); err != nil {
				return Call{}, err
			}
			continue
		}
		if !c.withArg {
			return Call{}, usagef("task %q has no key %q; valid keys: %s", t.Name, w, t.keyNames())
		}
		if pos >= len(order) {
			return Call{}, t.tooManyPositional(c)
		}
		name := order[pos]
		pos++
		if w == "" {
			continue
		}
		if strings.HasPrefix(name, "-") {
			return Call{}, usagef("task %q: positional argument %d is DockerOps' %s, which dockerops does not take (got %q); DockerOps' order: %s",
				t.Name, pos, name[1:], w, t.positionalUsage())
		}
		if err := set(name, w, fmt.Sprintf("as positional argument %d", pos)); err != nil {
			return Call{}, err
		}
	}
	return out, nil
}

func (t *Task) hasKey(name string) bool {
	return slices.ContainsFunc(t.Keys, func(k Key) bool { return k.Name == name })
}

// tooManyPositional names the task's order, so the user sees which value
// went where.
func (t *Task) tooManyPositional(c Call) error {
	got := strings.Join(append([]string{c.Arg}, c.Positional...), ",")
	order := positionalOrder[t.Name]
	switch {
	case t.Arg == "":
		return usagef("task %q takes no positional argument (got %q); see `dockerops help:%s`", t.Name, got, t.Name)
	case len(order) == 0:
		return usagef("task %q takes one positional argument, %s (got %q); give the others as KEY=VALUE, see `dockerops help:%s`",
			t.Name, t.Arg, got, t.Name)
	}
	return usagef("task %q takes at most %d positional arguments, in DockerOps' order %s (got %q); give the others as KEY=VALUE",
		t.Name, len(order), t.positionalUsage(), got)
}

// positionalUsage is the task's positional order as help shows it.
func (t *Task) positionalUsage() string {
	order := positionalOrder[t.Name]
	if len(order) == 0 {
		return ""
	}
	names := slices.Clone(order)
	for i, n := range names {
		if strings.HasPrefix(n, "-") {
			names[i] = "(" + n[1:] + ")"
		}
	}
	return strings.Join(names, ",")
}
