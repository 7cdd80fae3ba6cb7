package project

import (
	"path/filepath"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"

	"gopkg.in/yaml.v3"
)

// entryKey identifies an instance: two entries with one key are one instance.
type entryKey struct{ container, instance string }

func keyOf(e Entry) entryKey { return entryKey{e.Container, e.Instance} }

var runConfKeys = []string{"include", "instances"}

// runLoader reads a run conf and the files it includes. Each file is parsed
// once, so a file included twice reports its problems once.
type runLoader struct {
	p          paths
	ps         *problems
	containers map[string]*Container
	done       map[string][]Entry
	read       func(path string) ([]byte, error) // conffile.Read; fuzz tests read from memory
	canonical  bool                              // resolve symlinks to recognise files (not in fuzz tests)
	notes      *compatNotes                      // nil = constructs of later DockerOps releases are not recorded
}

// includer is where a file was included from, for messages.
type includer struct {
	file string
	line int
}

// chainLink is one file of an include chain: its canonical path and its
// name in messages.
type chainLink struct{ id, file string }

// load returns the entries of the file at abs, with its includes expanded:
// included entries first, in include order, then the file's own; an own
// entry with the container and instance of an included one replaces it in
// place, and a later include replaces an earlier one the same way. chain
// holds the files including this one, as canonical paths.
func (rl *runLoader) load(abs string, chain []chainLink, from includer) []Entry {
	file := rl.p.rel(abs)
	id := abs
	if rl.canonical {
		id = canonical(abs)
	}
	for i, c := range chain {
		if c.id != id {
			continue
		}
		var names []string
		for _, c := range chain[i:] {
			names = append(names, c.file)
		}
		names = append(names, file)
		rl.ps.addf(from.file, from.line, "include cycle: %s", strings.Join(names, " -> "))
		return nil
	}
	if got, ok := rl.done[id]; ok {
		return got
	}
	rl.done[id] = nil
	data, err := rl.read(abs)
	if err != nil {
		if from.file != "" {
			rl.ps.addf(from.file, from.line, "include %q: %v", file, unwrapPath(err))
		} else {
			rl.ps.addf(file, 0, "cannot read: %v", unwrapPath(err))
		}
		return nil
	}
	doc, err := parseConfDoc(file, data, conffile.IsYAML(abs))
	if err != nil {
		rl.ps.add(err)
		return nil
	}
	root := conffile.Deref(doc.Root)
	var list *yaml.Node
	var merged []Entry
	switch root.Kind {
	case yaml.SequenceNode:
		list = root
	case yaml.MappingNode:
		ep := &entryParser{file: file, ps: rl.ps}
		var fs []conffile.Field
		for _, f := range fields(root, file, rl.ps) {
			// "x-" keys hold YAML anchors for entries to merge, as in Compose.
			if !strings.HasPrefix(f.Key, "x-") {
				fs = append(fs, f)
			}
		}
		keys := ep.checkKeys(fs, runConfKeys, "a run conf")
		if f, ok := keys["include"]; ok {
			for _, inc := range rl.includes(file, f) {
				path := inc.Key
				if !filepath.IsAbs(path) {
					path = filepath.Join(filepath.Dir(abs), path)
				}
				sub := rl.load(filepath.Clean(path), append(chain[:len(chain):len(chain)], chainLink{id, file}), includer{file, inc.Line})
				merged = mergeEntries(merged, sub)
			}
		}
		if f, ok := keys["instances"]; ok {
			if list = conffile.Deref(f.Val); list.Kind != yaml.SequenceNode {
				rl.ps.addf(file, f.Line, "\"instances\" must be a list of entries, not %s", conffile.KindName(list))
				list = nil
			}
		}
	default:
		rl.ps.addf(file, root.Line, "a run conf must be a list of entries, or an object {\"include\": [...], \"instances\": [...]}, not %s", conffile.KindName(root))
		return nil
	}
	own := rl.entries(file, abs, doc, list)
	merged = mergeEntries(merged, own)
	rl.done[id] = merged
	return merged
}

// entries parses a file's own entries, reporting duplicates within it.
func (rl *runLoader) entries(file, abs string, doc *conffile.Doc, list *yaml.Node) []Entry {
	if list == nil {
		return nil
	}
	ep := &entryParser{file: file, ps: rl.ps, containers: rl.containers, appsName: rl.p.rel(rl.p.apps),
		abs: abs, doc: doc, notes: rl.notes, skipped: map[*yaml.Node]int{}}
	var out []Entry
	firstLine := map[entryKey]int{}
	for _, n := range list.Content {
		e, ok := ep.entry(n)
		if !ok {
			continue
		}
		if line, dup := firstLine[keyOf(e)]; dup {
			rl.ps.addf(file, e.Line, "duplicate instance %q of container %q (first at line %d)", e.Instance, e.Container, line)
			continue
		}
		firstLine[keyOf(e)] = e.Line
		out = append(out, e)
	}
	ep.noteSkipped(list)
	return out
}

func (rl *runLoader) includes(file string, f conffile.Field) []conffile.Field {
	v := conffile.Deref(f.Val)
	if v.Kind != yaml.SequenceNode {
		rl.ps.addf(file, f.Line, "\"include\" must be a list of file names, not %s", conffile.KindName(v))
		return nil
	}
	var out []conffile.Field
	for _, c := range v.Content {
		c = conffile.Deref(c)
		if !isString(c) || c.Value == "" {
			rl.ps.addf(file, c.Line, "each include must be a file name, not %s", conffile.KindName(c))
			continue
		}
		out = append(out, conffile.Field{Key: c.Value, Line: c.Line})
	}
	return out
}

// mergeEntries appends add to base; an entry of add with the key of one in
// base replaces it in place.
func mergeEntries(base, add []Entry) []Entry {
	out := append([]Entry{}, base...)
	at := map[entryKey]int{}
	for i, e := range out {
		at[keyOf(e)] = i
	}
	for _, e := range add {
		if i, ok := at[keyOf(e)]; ok {
			out[i] = e
			continue
		}
		at[keyOf(e)] = len(out)
		out = append(out, e)
	}
	return out
}

// canonical resolves symlinks where it can, so one file reached by two
// paths is recognised in include cycles.
func canonical(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	return filepath.Clean(path)
}
