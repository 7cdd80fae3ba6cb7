package project

import (
	"bytes"
	"strings"

	"gopkg.in/yaml.v3"
)

// hostFormat is how a host.conf is written; SaveHostConf keeps it.
type hostFormat int

const (
	hostJSON  hostFormat = iota // {"KEY": "value"}, as DockerOps wrote it
	hostLines                   // KEY=VALUE lines
	hostYAML                    // KEY: value (host.yaml / host.yml)
)

// hostDoc is a parsed host.conf with what is needed to edit it in place.
type hostDoc struct {
	format hostFormat
	values map[string]string
	order  []string              // keys in file order
	data   []byte                // as read
	root   *yaml.Node            // JSON/YAML: the top-level value
	ydoc   *yaml.Node            // YAML: the document, re-encoded on save
	keys   map[string]*yaml.Node // JSON/YAML: key -> value node
	spans  map[*yaml.Node]span   // JSON: where each value is
	lines  map[string]int        // KEY=VALUE: key -> 0-based line index
}

// ParseHostConf reads host.conf: a JSON object (values may be strings,
// numbers or booleans, stringified), KEY=VALUE lines (blank lines and '#'
// comment lines allowed, "export " and surrounding quotes optional), or YAML
// when file ends in .yaml/.yml. file names the file in errors.
func ParseHostConf(file string, data []byte) (map[string]string, error) {
	doc, err := parseHostDoc(file, data)
	if err != nil {
		return nil, err
	}
	return doc.values, nil
}

func parseHostDoc(file string, data []byte) (*hostDoc, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	ps := &problems{}
	doc := &hostDoc{values: map[string]string{}, keys: map[string]*yaml.Node{}}
	switch {
	case isYAMLName(file):
		doc.format = hostYAML
		doc.data = data
		ydoc, err := parseYAMLDoc(data)
		if err != nil {
			addSyntax(ps, file, err)
			return nil, ps.err()
		}
		doc.ydoc = ydoc
		if len(ydoc.Content) > 0 {
			doc.root = ydoc.Content[0]
			doc.mapping(file, doc.root, ps)
		}
	case startsWithBrace(data):
		doc.format = hostJSON
		doc.data = data
		root, spans, err := parseJSONSpans(stripComments(data))
		if err != nil {
			addSyntax(ps, file, err)
			return nil, ps.err()
		}
		doc.root, doc.spans = root, spans
		doc.mapping(file, root, ps)
	default:
		doc.format = hostLines
		doc.data = data
		doc.kvLines(file, ps)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return doc, nil
}

// startsWithBrace reports whether the first character that is not blank
// and not in a comment line opens a JSON object (or a list, which is then
// reported as not an object).
func startsWithBrace(data []byte) bool {
	t := bytes.TrimSpace(stripComments(data))
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

func (doc *hostDoc) mapping(file string, root *yaml.Node, ps *problems) {
	root = deref(root)
	if root.Kind != yaml.MappingNode {
		if !isNull(root) { // an empty YAML document is an empty host.conf
			ps.addf(file, root.Line, "host.conf must be an object {\"KEY\": \"value\"}, not %s", kindName(root))
		}
		return
	}
	seen := map[string]int{}
	for _, f := range fields(root, file, ps) {
		if !validEnvName(f.key) {
			ps.addf(file, f.line, "%q is not a valid variable name", f.key)
			continue
		}
		if line, dup := seen[f.key]; dup {
			ps.addf(file, f.line, "%q is given twice (first at line %d)", f.key, line)
			continue
		}
		seen[f.key] = f.line
		v, ok := scalarText(f.val)
		if !ok {
			ps.addf(file, f.line, "%q must be a string, number or boolean, not %s", f.key, kindName(f.val))
			continue
		}
		doc.values[f.key] = v
		doc.keys[f.key] = f.val
		doc.order = append(doc.order, f.key)
	}
}

func (doc *hostDoc) kvLines(file string, ps *problems) {
	doc.lines = map[string]int{}
	for i, raw := range strings.Split(string(doc.data), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		switch {
		case !ok:
			ps.addf(file, i+1, "expected KEY=VALUE, got %q", clip(line))
			continue
		case !validEnvName(key):
			ps.addf(file, i+1, "%q is not a valid variable name", clip(key))
			continue
		}
		if first, dup := doc.lines[key]; dup {
			ps.addf(file, i+1, "%q is given twice (first at line %d)", key, first+1)
			continue
		}
		doc.lines[key] = i
		doc.values[key] = unquote(strings.TrimSpace(val))
		doc.order = append(doc.order, key)
	}
}

// validEnvName accepts what a process environment can hold as a name.
func validEnvName(s string) bool {
	return s != "" && !strings.ContainsAny(s, "= \t\r\n\x00")
}

// clip shortens text quoted in a message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
