package project

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// wildcard is a link whose container ends in '*' (DockerOps v0.1+): it is
// settled against the run conf once every entry is known.
type wildcard struct {
	pattern    string // the text before '*'
	file, abs  string
	edit       *edit // replaces the link object; its text is set when settled
	containers []string
}

// stringLink reads DockerOps's string shortcut "CONTAINER-INSTANCE:NAME"
// (6ea9eaf+). The container is the longest known container name followed
// by '-' that starts the target, so container names may hold dashes (the
// original split at the last dash, which needs instances without one).
func (ep *entryParser) stringLink(c *yaml.Node) (LinkSpec, bool) {
	l := LinkSpec{Line: c.Line}
	target, name, ok := strings.Cut(c.Value, ":")
	if !ok || name == "" || target == "" {
		ep.errf(c.Line, "string link %q: write \"CONTAINER-INSTANCE:NAME\", or an object {\"name\", \"container\", \"instance\"}", c.Value)
		return l, false
	}
	l.Name = name
	if !linkNameRE.MatchString(name) {
		ep.errf(c.Line, "string link %q: link name %q is not valid: use letters, digits and '_', not starting with a digit", c.Value, name)
		return l, false
	}
	for cn := range ep.containers {
		if len(cn) > len(l.Container) && len(target) > len(cn)+1 && strings.HasPrefix(target, cn+"-") {
			l.Container = cn
		}
	}
	if l.Container == "" {
		ep.errf(c.Line, "string link %q: no container of %s starts %q followed by -INSTANCE%s", c.Value, ep.appsName, target,
			DidYouMean(target, slices.Sorted(maps.Keys(ep.containers))))
		return l, false
	}
	inst := target[len(l.Container)+1:]
	if !instanceRE.MatchString(inst) {
		ep.errf(c.Line, "string link %q: instance name %q is not valid", c.Value, inst)
		return l, false
	}
	l.Instance = &inst
	modern := linkObject(l.Name, l.Container, l.Instance)
	ep.note(c.Line, fmt.Sprintf("string link %s", quote(c.Value)), modern, ep.replace(c, modern))
	return l, true
}

// wildcardLink checks a link container "PREFIX*" and marks the link to be
// settled by settleWildcards.
func (ep *entryParser) wildcardLink(l *LinkSpec, c *yaml.Node, line int) bool {
	pattern, ok := strings.CutSuffix(l.Container, "*")
	if !ok || strings.Contains(pattern, "*") {
		ep.errf(line, "link %q: container %q: only a trailing '*' is a wildcard", l.Name, l.Container)
		return false
	}
	l.wildcard = &wildcard{pattern: pattern, file: ep.file, abs: ep.abs, edit: ep.replace(c, ""), containers: slices.Sorted(maps.Keys(ep.containers))}
	return true
}

// settleWildcards gives each wildcard link the instance DockerOps's
// matching finds first, as far as the run conf can say: the first other
// entry whose "<container>-<instance>" starts with the prefix (and has the
// link's instance, if it names one). When the prefix reaches into the
// instance part, that instance is the target; else the link stays "any
// instance of" the container. With no such entry, the first container (by
// name) the prefix matches. DockerOps matched the containers docker had,
// in docker's order; a run conf is what dockerops knows before anything
// runs, and it makes the choice the same on every run.
func settleWildcards(entries []Entry, notes *compatNotes, ps *problems) {
	for i := range entries {
		e := &entries[i]
		for j := range e.Links {
			l := &e.Links[j]
			w := l.wildcard
			if w == nil {
				continue
			}
			l.wildcard = nil
			what := fmt.Sprintf("link %q to %q", l.Name, w.pattern+"*")
			if l.Instance != nil {
				what = fmt.Sprintf("link %q to %q instance %q", l.Name, w.pattern+"*", *l.Instance)
			}
			container, instance := matchWildcard(w, l.Instance, entries, keyOf(*e))
			if container == "" {
				ps.addf(w.file, l.Line, "%s: no container of the project matches %q", what, w.pattern+"*")
				continue
			}
			l.Container, l.Instance = container, instance
			modern := linkObject(l.Name, container, instance)
			if notes != nil {
				c := Compat{File: w.file, Line: l.Line, What: "wildcard " + what, Modern: modern, path: w.abs}
				if w.edit != nil {
					c.edit = &edit{w.edit.start, w.edit.end, modern}
				}
				notes.list = append(notes.list, c)
			}
		}
	}
}

func matchWildcard(w *wildcard, instance *string, entries []Entry, self entryKey) (string, *string) {
	for _, o := range entries {
		if keyOf(o) == self || !strings.HasPrefix(o.Container+"-"+o.Instance, w.pattern) ||
			(instance != nil && o.Instance != *instance) {
			continue
		}
		if instance == nil && len(w.pattern) > len(o.Container)+1 {
			inst := o.Instance
			return o.Container, &inst
		}
		return o.Container, instance
	}
	for _, c := range w.containers {
		if strings.HasPrefix(c+"-", w.pattern) {
			return c, instance
		}
	}
	return "", nil
}
