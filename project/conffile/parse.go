package conffile

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxDepth bounds nesting, in JSON and YAML alike, so hostile input cannot
// exhaust the stack of whatever walks the tree; no valid dockerops file
// nests deeper than a handful of levels. The top-level value is at depth 0.
const MaxDepth = 64

// Doc is a parsed configuration file.
type Doc struct {
	File string
	// Root is the top-level value, nil when the file holds none (blank, only
	// comments, or a YAML document with nothing in it): what an empty file
	// means is the caller's to say.
	Root *yaml.Node
	// YAML is the document node of a YAML file, for re-encoding it; nil for
	// JSON.
	YAML  *yaml.Node
	spans map[*yaml.Node]span
}

// span is the byte range [start, end) of a JSON value.
type span struct{ start, end int }

// Span returns the byte range [start, end) of a value of a JSON file, so the
// file can be edited in place; ok is false for YAML or a node not its own.
func (d *Doc) Span(n *yaml.Node) (start, end int, ok bool) {
	sp, ok := d.spans[n]
	return sp.start, sp.end, ok
}

// IsYAML reports whether a file is YAML by its extension (.yaml, .yml);
// every other file is JSON with '#' comment lines, as DockerOps's .conf
// files were.
func IsYAML(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// Parse parses data, YAML or JSON as IsYAML(file) says; file names the file
// in errors. The error is an *Error.
func Parse(file string, data []byte) (*Doc, error) {
	if IsYAML(file) {
		return ParseYAML(file, data)
	}
	return ParseJSON(file, data)
}

// ParseJSON parses JSON with '#' comments (see StripComments).
// encoding/json does the parsing; lines come from the decoder's offsets.
// (yaml.v3 cannot read every valid JSON file: it rejects the "\/" escape.)
func ParseJSON(file string, data []byte) (*Doc, error) {
	data = StripComments(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	doc := &Doc{File: file}
	if len(bytes.TrimSpace(data)) == 0 {
		return doc, nil
	}
	root, spans, err := parseJSON(data)
	if err != nil {
		err.File = file
		return nil, err
	}
	doc.Root, doc.spans = root, spans
	return doc, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// ParseYAML parses YAML. Aliases stay aliases (Deref follows them, Fields
// expands merges); an alias inside the value it names is an error.
func ParseYAML(file string, data []byte) (doc *Doc, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	defer func() {
		// yaml.v3 is a port of libyaml; a parser bug must not crash the CLI.
		if r := recover(); r != nil {
			doc, err = nil, Errorf(file, 1, "YAML parser failed: %v", r)
		}
	}()
	ydoc := &yaml.Node{}
	if err := yaml.Unmarshal(data, ydoc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		return nil, Errorf(file, line, "YAML syntax error: %s", msg)
	}
	if ydoc.Kind != yaml.DocumentNode {
		ydoc = &yaml.Node{Kind: yaml.DocumentNode}
	}
	doc = &Doc{File: file, YAML: ydoc}
	if len(ydoc.Content) == 0 || isEmptyScalar(ydoc.Content[0]) {
		return doc, nil
	}
	d := &depthCheck{file: file, seen: map[*yaml.Node]int{}, open: map[*yaml.Node]bool{}}
	d.walk(ydoc.Content[0], 0)
	if d.err != nil {
		return nil, d.err
	}
	doc.Root = ydoc.Content[0]
	return doc, nil
}

// isEmptyScalar reports an implicit null, such as the content of a YAML
// file holding only "---".
func isEmptyScalar(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Style == 0 && n.ShortTag() == "!!null"
}

// depthCheck applies MaxDepth to a YAML tree, following aliases as a reader
// of the tree will. A node is walked again only when reached deeper than
// before, so aliases cannot make the walk exponential.
type depthCheck struct {
	file string
	seen map[*yaml.Node]int  // the deepest depth a node was walked at
	open map[*yaml.Node]bool // nodes being walked: an alias to one is a cycle
	err  *Error
}

func (d *depthCheck) walk(n *yaml.Node, depth int) {
	if d.err != nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return
		}
		if d.open[n.Alias] {
			d.err = Errorf(d.file, n.Line, "alias *%s is inside the value it names", n.Value)
			return
		}
		d.walk(n.Alias, depth)
		return
	}
	if depth > MaxDepth {
		d.err = &Error{File: d.file, Line: n.Line, Msg: deepMsg}
		return
	}
	if got, ok := d.seen[n]; ok && got >= depth {
		return
	}
	d.seen[n] = depth
	d.open[n] = true
	for _, c := range n.Content {
		d.walk(c, depth+1)
	}
	delete(d.open, n)
}

// StripComments blanks '#' comments: from a '#' outside a JSON string to
// the end of its line, whole lines included (DockerOps from d92abea allowed
// them anywhere on a line). Every offset is kept, so line numbers and edit
// positions stay right. A JSON string cannot span lines, so the string
// state starts afresh on each line, and a '#' inside a string is text:
// DockerOps cut there too, which broke the line, so no working conf relied
// on it.
func StripComments(data []byte) []byte {
	out := bytes.Clone(data)
	inString, escaped := false, false
	for i := 0; i < len(out); i++ {
		switch c := out[i]; {
		case c == '\n':
			inString, escaped = false, false
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && c == '#':
			for ; i < len(out) && out[i] != '\n'; i++ {
				if out[i] != '\r' {
					out[i] = ' '
				}
			}
			i-- // the newline resets the string state
		}
	}
	return out
}

// deepMsg is the message of a value nested deeper than MaxDepth.
var deepMsg = fmt.Sprintf("nested too deeply (at most %d levels)", MaxDepth)
