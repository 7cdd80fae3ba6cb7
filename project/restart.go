package project

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"
)

// RestartPolicy says when the engine starts an instance's container again
// by itself: after it exits, and when the engine itself starts (a reboot).
// An instance whose run conf and task give none has "", and its target
// picks: unless-stopped on a host or the swarm, no on the local engine.
type RestartPolicy string

const (
	RestartNo            RestartPolicy = "no"
	RestartOnFailure     RestartPolicy = "on-failure"
	RestartUnlessStopped RestartPolicy = "unless-stopped"
	RestartAlways        RestartPolicy = "always"
)

// restartValues are the valid values, as messages list them.
const restartValues = "no, on-failure, on-failure:N, unless-stopped, always"

// ParseRestart checks a restart value: a policy, or "on-failure:N" to give
// up after N restarts in a row, as Docker's --restart takes it.
func ParseRestart(s string) (RestartPolicy, error) {
	name, count, hasCount := strings.Cut(s, ":")
	switch RestartPolicy(name) {
	case RestartNo, RestartUnlessStopped, RestartAlways:
		if hasCount {
			return "", fmt.Errorf("invalid restart %q: only on-failure takes a retry count; valid: %s", s, restartValues)
		}
	case RestartOnFailure:
		if n, err := strconv.Atoi(count); hasCount && (err != nil || n < 1 || strconv.Itoa(n) != count) {
			return "", fmt.Errorf("invalid restart %q: the retry count must be a whole number of 1 or more (on-failure alone has no limit)", s)
		}
	default:
		hint := ""
		if name != "" {
			hint = DidYouMean(name, []string{string(RestartNo), string(RestartOnFailure), string(RestartUnlessStopped), string(RestartAlways)})
		}
		return "", fmt.Errorf("invalid restart %q%s; valid: %s", s, hint, restartValues)
	}
	return RestartPolicy(s), nil
}

// Policy is the policy without its retry count.
func (r RestartPolicy) Policy() RestartPolicy {
	name, _, _ := strings.Cut(string(r), ":")
	return RestartPolicy(name)
}

// Retries is on-failure's retry count; 0 = no limit.
func (r RestartPolicy) Retries() int {
	_, count, _ := strings.Cut(string(r), ":")
	n, _ := strconv.Atoi(count)
	return n
}

// restart reads an entry's "restart". An entry that is interactive by its
// own keys and type cannot restart: its container is removed when its
// shell exits, so any policy but no contradicts the entry.
func (ep *entryParser) restart(f conffile.Field, e Entry) *RestartPolicy {
	if !isString(f.Val) {
		ep.errf(f.Line, "\"restart\" must be a string (%s), not %s", restartValues, conffile.KindName(f.Val))
		return nil
	}
	r, err := ParseRestart(conffile.Deref(f.Val).Value)
	if err != nil {
		ep.errf(f.Line, "%v", err)
		return nil
	}
	if r != RestartNo && e.interactive() {
		ep.errf(f.Line, "restart %q: instance %q is interactive (its container is removed when its shell exits), so it never restarts; remove \"restart\"", r, e.Instance)
		return nil
	}
	return &r
}

// interactive says whether the entry's own keys and type make its instance
// interactive, before any task argument.
func (e Entry) interactive() bool {
	typ := TypeForInstance(e.Instance)
	if e.InstanceType != nil {
		typ = *e.InstanceType
	}
	d := defaultsByType[typ]
	return pick(e.Interactive, nil, d.interactive) || pick(e.Safemode, nil, d.safemode)
}
