package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// maxDepth bounds nesting so hostile input cannot exhaust memory; no valid
// dockerops file nests deeper than a handful of levels.
const maxDepth = 64

// syntaxError is a parse failure at a position in the file.
type syntaxError struct {
	line, col int
	msg       string
}

func (e *syntaxError) Error() string { return e.msg }

// stripComments blanks whole lines whose first non-blank character is '#',
// as DockerOps allowed in its JSON files, keeping every offset (so line
// numbers and edit positions stay right). A JSON string cannot span lines,
// so no such line is inside a value.
func stripComments(data []byte) []byte {
	out := bytes.Clone(data)
	start := 0
	for start < len(out) {
		end := len(out)
		if i := bytes.IndexByte(out[start:], '\n'); i >= 0 {
			end = start + i
		}
		if t := bytes.TrimLeft(out[start:end], " \t\r"); len(t) > 0 && t[0] == '#' {
			for i := start; i < end; i++ {
				out[i] = ' '
			}
		}
		start = end + 1
	}
	return out
}

// parseJSONNode parses JSON into a yaml.Node tree carrying the line and
// column of every value, so the schema walker is shared with YAML files and
// every later error can name its line. encoding/json does the parsing;
// positions come from the decoder's input offset.
func parseJSONNode(data []byte) (*yaml.Node, error) {
	n, _, err := parseJSONSpans(data)
	return n, err
}

// span is the byte range [start, end) of a JSON value.
type span struct{ start, end int }

// parseJSONSpans is parseJSONNode that also returns where each value is,
// so a file can be edited in place.
func parseJSONSpans(data []byte) (*yaml.Node, map[*yaml.Node]span, error) {
	p := &jsonParser{data: data, dec: json.NewDecoder(bytes.NewReader(data)), spans: map[*yaml.Node]span{}}
	p.dec.UseNumber()
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &syntaxError{line: 1, col: 1, msg: "the file is empty"}
	}
	n, err := p.value(0)
	if err != nil {
		return nil, nil, err
	}
	off := p.next()
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, nil, p.errAt(off, "unexpected data after the end of the JSON value")
	}
	return n, p.spans, nil
}

type jsonParser struct {
	data  []byte
	dec   *json.Decoder
	spans map[*yaml.Node]span
}

// next returns the offset where the next token starts.
func (p *jsonParser) next() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (p *jsonParser) pos(off int) (line, col int) {
	off = min(max(off, 0), len(p.data))
	line = 1 + bytes.Count(p.data[:off], []byte("\n"))
	col = off + 1
	if i := bytes.LastIndexByte(p.data[:off], '\n'); i >= 0 {
		col = off - i
	}
	return line, col
}

func (p *jsonParser) errAt(off int, msg string) error {
	line, col := p.pos(off)
	return &syntaxError{line: line, col: col, msg: fmt.Sprintf("JSON syntax error at column %d: %s", col, msg)}
}

// tokenErr turns a decoder error into a positioned syntax error.
func (p *jsonParser) tokenErr(err error, start int) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset is just past the byte that failed, or at it; start, where
		// the failing token begins, is never past it.
		return p.errAt(max(start, int(se.Offset)-1), se.Error())
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return p.errAt(len(p.data), "unexpected end of file (a bracket or quote is not closed)")
	}
	return p.errAt(start, err.Error())
}

func (p *jsonParser) value(depth int) (*yaml.Node, error) {
	start := p.next()
	if depth > maxDepth {
		return nil, p.errAt(start, "nested too deeply")
	}
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.tokenErr(err, start)
	}
	line, col := p.pos(start)
	n := &yaml.Node{Line: line, Column: col}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
			for p.dec.More() {
				child, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, child)
			}
		case '{':
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
			for p.dec.More() {
				key, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				val, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, key, val)
			}
		default:
			return nil, p.errAt(start, fmt.Sprintf("unexpected %q", rune(t)))
		}
		end := p.next()
		if _, err := p.dec.Token(); err != nil {
			return nil, p.tokenErr(err, end)
		}
	case string:
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!str", t, yaml.DoubleQuotedStyle
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!float", t.String()
		if _, err := t.Int64(); err == nil {
			n.Tag = "!!int"
		}
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", "false"
		if t {
			n.Value = "true"
		}
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	p.spans[n] = span{start, int(p.dec.InputOffset())}
	return n, nil
}
