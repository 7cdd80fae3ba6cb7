package digitalocean

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// confError is one problem of a hosts file, printed "file:line: message".
type confError struct {
	file string
	line int // 0 when unknown
	msg  string
}

func (e *confError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.file, e.msg)
}

// maxNesting bounds recursion on hostile input; a valid hosts file nests
// three levels deep.
const maxNesting = 32

// parseNode parses a hosts file into a yaml.Node tree, whatever its format,
// so one walker validates both and every error can name its line.
func parseNode(file string, data []byte) (root *yaml.Node, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	ext := strings.ToLower(filepath.Ext(file))
	if ext != ".yaml" && ext != ".yml" {
		return parseJSONConf(file, stripComments(data))
	}
	defer func() {
		// yaml.v3 is a port of libyaml: a bug there must not crash the CLI.
		if r := recover(); r != nil {
			root, err = nil, &confError{file: file, line: 1, msg: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	if len(doc.Content) == 0 {
		return nil, &confError{file: file, line: 1, msg: "the file is empty: want a map of host name to host"}
	}
	return doc.Content[0], nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)

func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &confError{file: file, line: line, msg: "YAML syntax error: " + m[2]}
	}
	return &confError{file: file, msg: "YAML syntax error: " + msg}
}

// stripComments blanks every line whose first non-blank character is '#',
// keeping the newline so line numbers stay right. A JSON string cannot span
// lines, so such a line is never inside a value.
func stripComments(data []byte) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	out := make([]byte, 0, len(data))
	for _, l := range lines {
		if t := bytes.TrimLeft(l, " \t\r"); len(t) > 0 && t[0] == '#' {
			if bytes.HasSuffix(l, []byte("\n")) {
				out = append(out, '\n')
			}
			continue
		}
		out = append(out, l...)
	}
	return out
}

// lineAt is the 1-based line of byte offset off.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// parseJSONConf checks the syntax with encoding/json, then builds the node
// tree from the decoder's tokens, taking each line from the input offset.
// (yaml.v3 cannot read every valid JSON file: it rejects the "\/" escape.)
func parseJSONConf(file string, data []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &confError{file: file, line: 1, msg: "the file is empty: want an object of host name to host"}
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &confError{file: file, line: lineAt(data, int(se.Offset)-1), msg: "JSON syntax error: " + se.Error()}
		}
		return nil, &confError{file: file, line: lineAt(data, len(data)), msg: "JSON syntax error: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := &jsonTokens{data: data, dec: dec}
	n, err := p.value(0)
	if err != nil {
		return nil, &confError{file: file, line: lineAt(data, p.next()), msg: err.Error()}
	}
	return n, nil
}

type jsonTokens struct {
	data []byte
	dec  *json.Decoder
}

// next is the offset where the next token starts.
func (p *jsonTokens) next() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) && strings.IndexByte(" \t\r\n,:", p.data[off]) >= 0 {
		off++
	}
	return off
}

func (p *jsonTokens) value(depth int) (*yaml.Node, error) {
	if depth > maxNesting {
		return nil, errors.New("nested too deeply")
	}
	line := lineAt(p.data, p.next())
	tok, err := p.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("JSON syntax error: %w", err)
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Line: line}
	switch t := tok.(type) {
	case json.Delim:
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		if t == '{' {
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
		}
		for p.dec.More() {
			child, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, child)
		}
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, fmt.Errorf("JSON syntax error: %w", err)
		}
	case string:
		n.Tag, n.Value, n.Style = "!!str", t, yaml.DoubleQuotedStyle
	case json.Number:
		n.Tag, n.Value = "!!float", t.String()
		if _, err := t.Int64(); err == nil {
			n.Tag = "!!int"
		}
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(t)
	case nil:
		n.Tag, n.Value = "!!null", "null"
	}
	return n, nil
}

// deref follows YAML aliases; a dangling or looping one reads as null.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxNesting; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	return n
}

// describe names a node's type for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!null":
		return "null"
	case "!!bool":
		return n.Value
	case "!!int", "!!float":
		return "the number " + n.Value
	}
	return fmt.Sprintf("%q", n.Value)
}
