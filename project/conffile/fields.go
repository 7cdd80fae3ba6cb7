package conffile

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Field is one key/value pair of a mapping.
type Field struct {
	Key  string
	Line int        // the key's line
	Val  *yaml.Node // as written: may be an alias, see Deref
}

// Fields lists a mapping's pairs in order with YAML merge keys ("<<")
// expanded, at any depth: a merged mapping's own merges are expanded too.
// Keys written in the mapping win over merged ones, and among merged
// mappings the first wins, as YAML says. A key that is not a scalar and a
// merge of something other than a mapping are reported in errs (each an
// *Error of file) and skipped. Duplicate keys written in the mapping are
// all kept: whether that is an error is the caller's rule.
func Fields(file string, n *yaml.Node) (fields []Field, errs []error) {
	m := &merger{file: file, memo: map[*yaml.Node][]Field{}}
	fields = m.fields(deref(n), 0)
	return fields, m.errs
}

// merger expands merge keys once per node: a merge may name an anchor that
// contains it, and nested merges would otherwise multiply.
type merger struct {
	file string
	errs []error
	memo map[*yaml.Node][]Field
}

func (m *merger) fields(n *yaml.Node, depth int) []Field {
	if got, ok := m.memo[n]; ok {
		return got
	}
	m.memo[n] = nil // a merge that reaches n again while expanding it adds nothing
	if depth > MaxDepth {
		m.errs = append(m.errs, &Error{File: m.file, Line: n.Line, Msg: "merge keys (<<) " + deepMsg})
		return nil
	}
	var own, merged []Field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			m.errs = append(m.errs, Errorf(m.file, k.Line, "a key must be a plain string, not %s", KindName(k)))
			continue
		}
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			merged = append(merged, m.merge(deref(v), depth)...)
			continue
		}
		own = append(own, Field{Key: k.Value, Line: k.Line, Val: v})
	}
	out := own
	seen := map[string]bool{}
	for _, f := range own {
		seen[f.Key] = true
	}
	for _, f := range merged {
		if !seen[f.Key] {
			seen[f.Key] = true
			out = append(out, f)
		}
	}
	m.memo[n] = out
	return out
}

func (m *merger) merge(v *yaml.Node, depth int) []Field {
	switch v.Kind {
	case yaml.MappingNode:
		return m.fields(v, depth+1)
	case yaml.SequenceNode:
		var out []Field
		for _, c := range v.Content {
			if c = deref(c); c.Kind == yaml.MappingNode {
				out = append(out, m.fields(c, depth+1)...)
			} else {
				m.errs = append(m.errs, Errorf(m.file, c.Line, "a merge key (<<) needs a mapping, not %s", KindName(c)))
			}
		}
		return out
	}
	m.errs = append(m.errs, Errorf(m.file, v.Line, "a merge key (<<) needs a mapping, not %s", KindName(v)))
	return nil
}

// Deref follows YAML aliases to the node they name; a dangling one reads as
// null.
func Deref(n *yaml.Node) *yaml.Node { return deref(n) }

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i <= MaxDepth; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	return n
}

// KindName describes a node's type for messages: "an object", "a list",
// "a string", "a number", "a boolean", "null".
func KindName(n *yaml.Node) string {
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
