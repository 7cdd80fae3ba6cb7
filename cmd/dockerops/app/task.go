package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/cmd/dockerops/app/render"
)

type keyKind int

const (
	kindString keyKind = iota
	kindBool
	kindNumber // non-negative float
	kindCount  // positive int
	// kindProgress is one of render.Modes(), stored lower-case.
	kindProgress
	// kindBoolOrProgress is build's progress key: True/False keep their
	// DockerOps meaning (stream the build log), a mode picks the renderer.
	kindBoolOrProgress
)

// Key is one KEY=VALUE a task accepts.
type Key struct {
	Name string
	Kind keyKind
	Help string
}

// Task is one dockerops command.
type Task struct {
	Name    string
	Arg     string // how the argument reads in help, "" when it takes none
	Summary string
	Keys    []Key
	Run     func(ctx context.Context, s *session, a Args) error
	// Before, when set, runs before the deploy lock is taken: the checks
	// and the question of a task that needs no engine for them, so a refusal
	// or a person thinking holds no lock.
	Before func(ctx context.Context, s *session, a Args) error
	// Lock, for a task that changes its target, names the engines whose
	// deploy lock it holds while it runs (lock.go); the task then has the
	// lock_wait key.
	Lock lockScope
	// LockOnChange: the task takes its Lock only when it is about to write
	// (see lockingOnChange); otherwise before it runs.
	LockOnChange bool
}

// Args are a task's validated argument and keys.
type Args struct {
	Arg  string
	vals map[string]any
}

func (a Args) has(name string) bool { _, ok := a.vals[name]; return ok }

func (a Args) str(name string) (string, bool) {
	v, ok := a.vals[name].(string)
	return v, ok
}

func (a Args) strOr(name, def string) string {
	if v, ok := a.str(name); ok {
		return v
	}
	return def
}

func (a Args) boolPtr(name string) *bool {
	if v, ok := a.vals[name].(bool); ok {
		return &v
	}
	return nil
}

func (a Args) flag(name string) bool { v, _ := a.vals[name].(bool); return v }

func (a Args) strPtr(name string) *string {
	if v, ok := a.str(name); ok {
		return &v
	}
	return nil
}

func (a Args) numOr(name string, def float64) float64 {
	if v, ok := a.vals[name].(float64); ok {
		return v
	}
	return def
}

func (a Args) countOr(name string, def int) int {
	if v, ok := a.vals[name].(int); ok {
		return v
	}
	return def
}

// bind checks a parsed call against its task: unknown keys and malformed
// values are usage errors naming what the task accepts.
func (t *Task) bind(c Call) (Args, error) {
	a := Args{Arg: c.Arg, vals: map[string]any{}}
	if c.Arg != "" && t.Arg == "" {
		return a, usagef("task %q takes no argument (got %q); see `dockerops help:%s`", t.Name, c.Arg, t.Name)
	}
	for _, name := range c.order {
		raw := c.Keys[name]
		i := slices.IndexFunc(t.Keys, func(k Key) bool { return k.Name == name })
		if i < 0 {
			return a, usagef("task %q has no key %q; valid keys: %s", t.Name, name, t.keyNames())
		}
		var err error
		switch t.Keys[i].Kind {
		case kindBool:
			a.vals[name], err = ParseBool(raw)
		case kindNumber:
			a.vals[name], err = parseFloat(raw)
		case kindCount:
			a.vals[name], err = parseInt(raw)
		case kindProgress:
			a.vals[name], err = parseProgress(raw)
		case kindBoolOrProgress:
			if b, berr := ParseBool(raw); berr == nil {
				a.vals[name] = b
			} else if a.vals[name], err = parseProgress(raw); err != nil {
				err = fmt.Errorf("%q is neither True/False nor a progress mode (%s)", raw, strings.Join(render.Modes(), ", "))
			}
		default:
			a.vals[name] = raw
		}
		if err != nil {
			return a, usagef("task %q, key %s: %v", t.Name, name, err)
		}
	}
	return a, nil
}

func (t *Task) keyNames() string {
	if len(t.Keys) == 0 {
		return "none"
	}
	names := make([]string, len(t.Keys))
	for i, k := range t.Keys {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

func (t *Task) usage() string {
	u := t.Name
	if t.Arg != "" {
		u += ":" + t.Arg
	}
	if len(t.Keys) > 0 {
		u += "[,KEY=VALUE...]"
	}
	return u
}

func (t *Task) help() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dockerops %s\n\n%s\n", t.usage(), t.Summary)
	if len(t.Keys) > 0 {
		b.WriteString("\nKeys:\n")
		for _, k := range t.Keys {
			fmt.Fprintf(&b, "  %-16s %s%s\n", k.Name, k.Help, kindHint(k.Kind))
		}
	}
	return b.String()
}

func kindHint(k keyKind) string {
	switch k {
	case kindBool:
		return " (True/False; a bare key means True)"
	case kindNumber:
		return " (seconds)"
	case kindCount:
		return " (number)"
	case kindProgress:
		return " (" + strings.Join(render.Modes(), "|") + ")"
	case kindBoolOrProgress:
		return " (True/False, or " + strings.Join(render.Modes(), "|") + ")"
	}
	return ""
}
