package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dockerops/dockerops/project/conffile"

	"gopkg.in/yaml.v3"
)

// SaveHostConf merges values into host.conf, keeping the file's format
// (JSON object, KEY=VALUE lines or YAML) and everything else in it; it
// creates the file (a JSON object, mode 0600) when there is none. The write
// is atomic: a crash leaves the old file or the new one.
func (p *Project) SaveHostConf(values map[string]string) error {
	path := p.HostConfPath
	if path == "" {
		path = filepath.Join(p.AppsDir, "host.conf")
	}
	file := paths{dir: p.Dir}.rel(path)
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if !validEnvName(k) {
			return fmt.Errorf("save %s: %q is not a valid variable name", file, k)
		}
	}
	mode := fs.FileMode(0o600)
	data, err := conffile.Read(path)
	var out []byte
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if out, err = (&hostDoc{format: hostJSON}).update(values); err != nil {
			return fmt.Errorf("save %s: %w", file, err)
		}
	case err != nil:
		return fmt.Errorf("save %s: %w", file, err)
	default:
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
		doc, err := parseHostDoc(file, data)
		if err != nil {
			return fmt.Errorf("save %s: fix the file first: %w", file, err)
		}
		if out, err = doc.update(values); err != nil {
			return fmt.Errorf("save %s: %w", file, err)
		}
	}
	got, err := ParseHostConf(file, out)
	if err != nil {
		return fmt.Errorf("save %s: the edited file would not parse: %w", file, err)
	}
	for k, v := range values {
		if got[k] != v {
			return fmt.Errorf("save %s: %q cannot be written in this format", file, k)
		}
	}
	if err := writeAtomic(path, out, mode); err != nil {
		return fmt.Errorf("save %s: %w", file, err)
	}
	p.HostConfPath = path
	p.HostConf = got
	return nil
}

func newHostJSON(values map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	for i, k := range slices.Sorted(maps.Keys(values)) {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  %s: %s", jsonString(k), jsonString(values[k]))
	}
	b.WriteString("\n}\n")
	return b.Bytes()
}

func (doc *hostDoc) update(values map[string]string) ([]byte, error) {
	switch doc.format {
	case hostJSON:
		for _, k := range slices.Sorted(maps.Keys(values)) {
			if !utf8.ValidString(values[k]) {
				return nil, fmt.Errorf("the value of %q is not UTF-8 text, which JSON cannot hold", k)
			}
		}
		return doc.updateJSON(values), nil
	case hostYAML:
		return doc.updateYAML(values)
	}
	return doc.updateLines(values)
}

// edit replaces data[start:end] with text.
type edit struct {
	start, end int
	text       string
}

func (doc *hostDoc) updateJSON(values map[string]string) []byte {
	if doc.root == nil {
		return newHostJSON(values)
	}
	var edits []edit
	var added []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		n, ok := doc.keys[k]
		if !ok {
			added = append(added, k)
			continue
		}
		if doc.values[k] != values[k] {
			start, end, _ := doc.conf.Span(n)
			edits = append(edits, edit{start, end, jsonString(values[k])})
		}
	}
	if len(added) > 0 {
		root := doc.root
		indent := "  "
		var text strings.Builder
		at, _, _ := doc.conf.Span(root)
		at++ // just after '{'
		if len(root.Content) > 0 {
			first := root.Content[0]
			if c := first.Column - 1; c >= 0 && c <= 16 {
				indent = strings.Repeat(" ", c)
			}
			_, at, _ = doc.conf.Span(root.Content[len(root.Content)-1])
		}
		for i, k := range added {
			if i > 0 || len(root.Content) > 0 {
				text.WriteString(",")
			}
			fmt.Fprintf(&text, "\n%s%s: %s", indent, jsonString(k), jsonString(values[k]))
		}
		if len(root.Content) == 0 {
			text.WriteString("\n")
		}
		edits = append(edits, edit{at, at, text.String()})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := bytes.Clone(doc.data)
	for _, e := range edits {
		out = append(out[:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

func (doc *hostDoc) updateYAML(values map[string]string) ([]byte, error) {
	if doc.root == nil || conffile.Deref(doc.root).Kind != yaml.MappingNode {
		doc.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		doc.conf.YAML.Content = []*yaml.Node{doc.root}
	}
	root := doc.root
	for _, k := range slices.Sorted(maps.Keys(values)) {
		val := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: values[k], Style: yaml.DoubleQuotedStyle}
		replaced := false
		for i := 0; i+1 < len(root.Content); i += 2 {
			if key := root.Content[i]; key.Kind == yaml.ScalarNode && key.Value == k {
				val.LineComment = root.Content[i+1].LineComment
				root.Content[i+1] = val
				replaced = true
			}
		}
		if !replaced {
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, val)
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc.conf.YAML); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (doc *hostDoc) updateLines(values map[string]string) ([]byte, error) {
	lines := strings.Split(string(doc.data), "\n")
	var added []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		v := values[k]
		if strings.ContainsAny(v, "\n") {
			return nil, fmt.Errorf("the value of %q has a line break, which KEY=VALUE lines cannot hold", k)
		}
		i, ok := doc.lines[k]
		if !ok {
			added = append(added, k+"="+quoteLineValue(v))
			continue
		}
		if doc.values[k] == v {
			continue
		}
		raw := lines[i]
		lead := raw[:len(raw)-len(strings.TrimLeft(raw, " \t"))]
		if strings.HasPrefix(strings.TrimLeft(raw, " \t"), "export ") {
			lead += "export "
		}
		lines[i] = lead + k + "=" + quoteLineValue(v)
	}
	out := strings.Join(lines, "\n")
	if len(added) > 0 {
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		out += strings.Join(added, "\n") + "\n"
	}
	return []byte(out), nil
}

// quoteLineValue quotes a value that reading would otherwise change:
// reading strips blanks and one pair of surrounding quotes.
func quoteLineValue(v string) string {
	if v != strings.TrimSpace(v) || strings.HasPrefix(v, `"`) || strings.HasPrefix(v, "'") {
		return `"` + v + `"`
	}
	return v
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// writeAtomic writes data to a temporary file next to path, then renames it
// over path.
func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
