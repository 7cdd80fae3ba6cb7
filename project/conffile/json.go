package conffile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// parseJSON parses JSON into a yaml.Node tree carrying the line and column
// of every value, and where each value is. The *Error has no File yet.
func parseJSON(data []byte) (*yaml.Node, map[*yaml.Node]span, *Error) {
	p := &jsonParser{data: data, dec: json.NewDecoder(bytes.NewReader(data)), spans: map[*yaml.Node]span{}}
	p.dec.UseNumber()
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

func (p *jsonParser) errAt(off int, msg string) *Error {
	line, col := p.pos(off)
	return &Error{Line: line, Msg: fmt.Sprintf("JSON syntax error at column %d: %s", col, msg)}
}

// tokenErr turns a decoder error into a positioned syntax error.
func (p *jsonParser) tokenErr(err error, start int) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset is just past the byte that failed, or at it; start, where
		// the failing token begins, is never past it.
		return p.errAt(max(start, int(se.Offset)-1), se.Error())
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		// Name the last line with text, not the blank one after it.
		end := len(bytes.TrimRight(p.data, " \t\r\n"))
		return p.errAt(end, "unexpected end of file (a bracket or quote is not closed)")
	}
	return p.errAt(start, err.Error())
}

func (p *jsonParser) value(depth int) (*yaml.Node, *Error) {
	start := p.next()
	if depth > MaxDepth {
		line, _ := p.pos(start)
		return nil, &Error{Line: line, Msg: deepMsg}
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
