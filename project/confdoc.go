package project

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// isYAMLName reports whether a file is YAML by its extension; every other
// file is JSON with '#' comment lines, as DockerOps's .conf files were.
func isYAMLName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseConf parses a JSON or YAML config file into a node tree.
func parseConf(data []byte, isYAML bool) (root *yaml.Node, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !isYAML {
		return parseJSONNode(stripComments(data))
	}
	doc, err := parseYAMLDoc(data)
	if err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || isEmptyScalar(doc.Content[0]) {
		return nil, &syntaxError{line: 1, col: 1, msg: "the file is empty"}
	}
	return doc.Content[0], nil
}

// isEmptyScalar reports an implicit null, such as the content of a YAML
// file holding only "---".
func isEmptyScalar(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Style == 0 && n.ShortTag() == "!!null"
}

// parseYAMLDoc parses YAML into its document node.
func parseYAMLDoc(data []byte) (doc *yaml.Node, err error) {
	defer func() {
		// yaml.v3 is a port of libyaml; a parser bug must not crash the CLI.
		if r := recover(); r != nil {
			doc, err = nil, &syntaxError{line: 1, col: 1, msg: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	doc = &yaml.Node{}
	if err := yaml.Unmarshal(data, doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		return nil, &syntaxError{line: line, msg: "YAML syntax error: " + msg}
	}
	if doc.Kind != yaml.DocumentNode {
		doc = &yaml.Node{Kind: yaml.DocumentNode}
	}
	return doc, nil
}

// deref follows YAML aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	return n
}

// field is one key/value pair of a mapping.
type field struct {
	key  string
	line int
	val  *yaml.Node
}

// fields lists a mapping's pairs in order, with YAML merge keys ("<<")
// expanded; keys written in the mapping win over merged ones. Non-scalar
// keys are reported and skipped.
func fields(n *yaml.Node, file string, ps *problems) []field {
	m := &merger{file: file, ps: ps, memo: map[*yaml.Node][]field{}}
	return m.fields(n)
}

// merger expands merge keys once per node: a merge may name an anchor that
// contains it, and nested merges would otherwise multiply.
type merger struct {
	file string
	ps   *problems
	memo map[*yaml.Node][]field
}

func (m *merger) fields(n *yaml.Node) []field {
	if got, ok := m.memo[n]; ok {
		return got
	}
	m.memo[n] = nil // a merge that reaches n again while expanding it adds nothing
	var own, merged []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			m.ps.addf(m.file, k.Line, "a key must be a plain string, not %s", kindName(k))
			continue
		}
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			merged = append(merged, m.merge(deref(v))...)
			continue
		}
		own = append(own, field{key: k.Value, line: k.Line, val: v})
	}
	out := own
	seen := map[string]bool{}
	for _, f := range own {
		seen[f.key] = true
	}
	for _, f := range merged {
		if !seen[f.key] {
			seen[f.key] = true
			out = append(out, f)
		}
	}
	m.memo[n] = out
	return out
}

func (m *merger) merge(v *yaml.Node) []field {
	switch v.Kind {
	case yaml.MappingNode:
		return m.fields(v)
	case yaml.SequenceNode:
		var out []field
		for _, c := range v.Content {
			if c = deref(c); c.Kind == yaml.MappingNode {
				out = append(out, m.fields(c)...)
			}
		}
		return out
	}
	m.ps.addf(m.file, v.Line, "a merge key (<<) needs a mapping, not %s", kindName(v))
	return nil
}

// kindName describes a node's type for messages.
func kindName(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str":
		return "a string"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func isString(n *yaml.Node) bool {
	n = deref(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str"
}

func boolValue(n *yaml.Node) (bool, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		return false, false
	}
	return strings.EqualFold(n.Value, "true") || strings.EqualFold(n.Value, "yes") || strings.EqualFold(n.Value, "on"), true
}

// numberValue reads an int or float scalar; YAML ints may be hex, octal or
// use underscores, which ParseFloat alone does not read.
func numberValue(n *yaml.Node) (float64, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return 0, false
	}
	switch n.ShortTag() {
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return float64(i), true
		}
		f, err := strconv.ParseFloat(n.Value, 64)
		return f, err == nil
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		return f, err == nil
	}
	return 0, false
}

// scalarText stringifies an env-like value: strings as they are, numbers as
// written, booleans as Python wrote them ("True"/"False"), because DockerOps
// entrypoint scripts compare against those.
func scalarText(n *yaml.Node) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	switch n.ShortTag() {
	case "!!null":
		return "", false
	case "!!bool":
		b, _ := boolValue(n)
		return pyBool(b), true
	}
	return n.Value, true
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
