package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dockerops/dockerops/cmd/dockerops/app/render"
)

// Call is one task on the command line: `run:web,two,instance_type=master` is
// Call{Task: "run", Arg: "web", Positional: {"two"}, Keys: {"instance_type": "master"}}.
type Call struct {
	Task string
	Arg  string
	// Positional are the bare words after Arg (after the task name when it
	// is followed by a comma), as typed: Fabric's positional arguments, or
	// boolean keys (`clean:all,force`). bindPositional decides which.
	Positional []string
	Keys       map[string]string
	// order keeps the keys as typed, for stable error messages.
	order []string
	// withArg: the task name ended with ':', so bare words are arguments.
	withArg bool
}

// UsageError is a malformed command line; it exits with status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// ParseCall parses one Fabric-style task word. Values may be quoted with "..."
// or '...' to keep commas and '=' inside, and a backslash escapes the next
// character as in Fabric. Bare words are kept in order in Positional; which
// are boolean keys and which are positional arguments depends on the task.
func ParseCall(word string) (Call, error) {
	// `task:arg,key=value`, or `task,key=value` for a task without argument.
	end := strings.IndexAny(word, ":,")
	if end < 0 {
		end = len(word)
	}
	name := word[:end]
	if name == "" {
		return Call{}, usagef("empty task name in %q", word)
	}
	c := Call{Task: name, Keys: map[string]string{}}
	if end == len(word) {
		return c, nil
	}
	withArg := word[end] == ':'
	c.withArg = withArg
	parts, err := splitArgs(word[end+1:])
	if err != nil {
		return Call{}, usagef("task %q: %v", word, err)
	}
	for i, p := range parts {
		if !p.hasEq {
			if i == 0 && withArg {
				c.Arg = p.key
			} else {
				c.Positional = append(c.Positional, p.key)
			}
			continue
		}
		if p.key == "" {
			return Call{}, usagef("task %q: empty key before '='", word)
		}
		if _, dup := c.Keys[p.key]; dup {
			return Call{}, usagef("task %q: key %q given twice", word, p.key)
		}
		c.Keys[p.key] = p.value
		c.order = append(c.order, p.key)
	}
	return c, nil
}

type argPart struct {
	key, value string
	hasEq      bool
}

// splitArgs splits `a,b=c,"d,e"` on unquoted commas and the first unquoted '='.
func splitArgs(s string) ([]argPart, error) {
	var parts []argPart
	var cur argPart
	var buf strings.Builder
	var quote rune
	flush := func() {
		if cur.hasEq {
			cur.value = buf.String()
		} else {
			cur.key = buf.String()
		}
		parts = append(parts, cur)
		cur = argPart{}
		buf.Reset()
	}
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case r == '\\' && i+1 < len(runes):
			i++
			buf.WriteRune(runes[i])
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				buf.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote = r
		case r == ',':
			flush()
		case r == '=' && !cur.hasEq:
			cur.key, cur.hasEq = buf.String(), true
			buf.Reset()
		default:
			buf.WriteRune(r)
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	flush()
	return parts, nil
}

// ParseBool accepts the spellings DockerOps users type.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "yes", "1", "y", "on":
		return true, nil
	case "false", "no", "0", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (use True/False, yes/no, 1/0)", s)
}

func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("%q is not a non-negative number", s)
	}
	return f, nil
}

func parseInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a positive whole number", s)
	}
	return n, nil
}

// parseProgress checks a progress mode when the command line is parsed, so
// a typo fails before the first task runs.
func parseProgress(s string) (string, error) {
	mode := strings.ToLower(s)
	if !slices.Contains(render.Modes(), mode) {
		return "", fmt.Errorf("%q is not a progress mode (%s)", s, strings.Join(render.Modes(), ", "))
	}
	return mode, nil
}
