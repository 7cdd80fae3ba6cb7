package project

import (
	"bytes"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"

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
	conf   *conffile.Doc         // JSON/YAML: the parsed file (YAML document, JSON spans)
	root   *yaml.Node            // JSON/YAML: the top-level value
	keys   map[string]*yaml.Node // JSON/YAML: key -> value node
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
	doc := &hostDoc{values: map[string]string{}, keys: map[string]*yaml.Node{}, data: data}
	switch {
	case conffile.IsYAML(file):
		doc.format = hostYAML
	case startsWithBrace(data):
		doc.format = hostJSON
	default:
		doc.format = hostLines
		doc.kvLines(file, ps)
		return doc, ps.err()
	}
	parse := conffile.ParseJSON
	if doc.format == hostYAML {
		parse = conffile.ParseYAML
	}
	cd, err := parse(file, data)
	if err != nil {
		ps.add(err)
		return nil, ps.err()
	}
	doc.conf, doc.root = cd, cd.Root
	if doc.root != nil { // an empty YAML document is an empty host.conf
		doc.mapping(file, doc.root, ps)
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
	t := bytes.TrimSpace(conffile.StripComments(data))
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

func (doc *hostDoc) mapping(file string, root *yaml.Node, ps *problems) {
	root = conffile.Deref(root)
	if root.Kind != yaml.MappingNode {
		if !isNull(root) { // an empty YAML document is an empty host.conf
			ps.addf(file, root.Line, "host.conf must be an object {\"KEY\": \"value\"}, not %s", conffile.KindName(root))
		}
		return
	}
	seen := map[string]int{}
	for _, f := range fields(root, file, ps) {
		if !validEnvName(f.Key) {
			ps.addf(file, f.Line, "%q is not a valid variable name", f.Key)
			continue
		}
		if line, dup := seen[f.Key]; dup {
			ps.addf(file, f.Line, "%q is given twice (first at line %d)", f.Key, line)
			continue
		}
		seen[f.Key] = f.Line
		if f.Key == lastConfKey && isNull(f.Val) { // DockerOps v0.7+ wrote null after a run without conf=
			doc.keys[f.Key] = f.Val
			doc.order = append(doc.order, f.Key)
			continue
		}
		v, ok := scalarText(f.Val)
		if !ok {
			ps.addf(file, f.Line, "%q must be a string, number or boolean, not %s", f.Key, conffile.KindName(f.Val))
			continue
		}
		doc.values[f.Key] = v
		doc.keys[f.Key] = f.Val
		doc.order = append(doc.order, f.Key)
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
