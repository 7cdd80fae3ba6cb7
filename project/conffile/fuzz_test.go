package conffile

import (
	"bytes"
	"errors"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParse feeds arbitrary bytes to the reader as JSON and as YAML: it must
// not panic, every error is an *Error of the file with a line inside it,
// and an accepted tree nests at most MaxDepth deep.
func FuzzParse(f *testing.F) {
	f.Add([]byte("# c\n{\"a\": [1, {\"b\": null}]}"), false)
	f.Add([]byte("a: &a {k: 1}\nb: {<<: *a, j: [x, *a]}\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, isYAML bool) {
		file := "x.conf"
		if isYAML {
			file = "x.yaml"
		}
		doc, err := Parse(file, data)
		if err != nil {
			var e *Error
			lines := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r"))
			if !errors.As(err, &e) || e.File != file || e.Line < 0 || (!isYAML && e.Line > lines) {
				t.Fatalf("error %v is not an *Error of %s inside the file", err, file)
			}
			return
		}
		if doc.Root != nil && height(doc.Root, 0) > MaxDepth {
			t.Fatalf("accepted a tree deeper than %d", MaxDepth)
		}
		if doc.Root != nil && doc.Root.Kind == yaml.MappingNode {
			Fields(file, doc.Root)
		}
	})
}

// height is the depth of n's deepest node, aliases followed; Parse has
// refused cycles, and the walk stops just past the limit.
func height(n *yaml.Node, depth int) int {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return height(n.Alias, depth)
	}
	if depth > MaxDepth {
		return depth
	}
	h := depth
	for _, c := range n.Content {
		h = max(h, height(c, depth+1))
	}
	return h
}
