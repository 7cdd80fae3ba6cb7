package project

import (
	"encoding/json"
	"fmt"

	"github.com/dockerops/dockerops/project/conffile"

	"gopkg.in/yaml.v3"
)

// Compat is one construct of a later DockerOps release that dockerops
// accepted for compatibility, with the modern form that means the same.
// `dockerops config` lists them; `dockerops migrate` rewrites them.
type Compat struct {
	File   string // relative to the project dir, as in messages
	Line   int
	What   string // the construct as written, e.g. `string link "dns-master:dns"`
	Modern string // its modern form

	path string // the file's absolute path
	edit *edit  // the rewrite (see edit in hostconf_save.go); nil when the file cannot be edited in place (YAML)
}

func (c Compat) String() string {
	return fmt.Sprintf("%s:%d: %s — modern form: %s", c.File, c.Line, c.What, c.Modern)
}

// Rewritable reports whether migrate can rewrite the construct in place.
func (c Compat) Rewritable() bool { return c.edit != nil }

// compatNotes collects the constructs of the files being parsed.
type compatNotes struct {
	list []Compat
}

// note records a construct of ep's file with its rewrite (nil: none).
func (ep *entryParser) note(line int, what, modern string, e *edit) {
	if ep.notes == nil {
		return
	}
	ep.notes.list = append(ep.notes.list, Compat{File: ep.file, Line: line, What: what, Modern: modern, path: ep.abs, edit: e})
}

// replace is the edit that puts text in place of n, when n's file is JSON.
func (ep *entryParser) replace(n *yaml.Node, text string) *edit {
	if ep.doc == nil {
		return nil
	}
	start, end, ok := ep.doc.Span(n)
	if !ok {
		return nil
	}
	return &edit{start, end, text}
}

// keyNode returns the key node of key in the mapping m.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	m = conffile.Deref(m)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := conffile.Deref(m.Content[i]); k.Value == key {
			return k
		}
	}
	return nil
}

// linkObject is the modern text of a link.
func linkObject(name, container string, instance *string) string {
	inst := "null"
	if instance != nil {
		inst = quote(*instance)
	}
	return fmt.Sprintf(`{"name": %s, "container": %s, "instance": %s}`, quote(name), quote(container), inst)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// noteSkipped records the entries of list with "instance": null, each with
// the edit that removes it and the comma that separates it from the kept
// ones.
func (ep *entryParser) noteSkipped(list *yaml.Node) {
	kept := false // an entry before this one stays
	for i, n := range list.Content {
		line, skip := ep.skipped[conffile.Deref(n)]
		if !skip {
			kept = true
			continue
		}
		var e *edit
		if ep.doc != nil {
			start, end, ok := ep.doc.Span(n)
			switch {
			case !ok:
			case kept: // from the end of the previous entry: ", {...}"
				_, prevEnd, _ := ep.doc.Span(list.Content[i-1])
				e = &edit{prevEnd, end, ""}
			case i+1 < len(list.Content): // up to the next entry: "{...}, "
				next, _, _ := ep.doc.Span(list.Content[i+1])
				e = &edit{start, next, ""}
			default:
				e = &edit{start, end, ""}
			}
		}
		ep.note(line, `entry with "instance": null (DockerOps's run:all skipped it)`, "no entry (migrate removes it)", e)
	}
}
