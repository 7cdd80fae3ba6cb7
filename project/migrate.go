package project

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"github.com/dockerops/dockerops/project/conffile"
)

// Migrated is a run conf Migrate rewrote, with where its original is kept.
type Migrated struct {
	File     string // as in messages
	Path     string
	OrigPath string // Path + ".orig"
	Rewrites int    // constructs rewritten
}

// Migrate rewrites the constructs of p.Compat in the files that hold them,
// in place, each file first copied to <file>.orig. Constructs of YAML files
// cannot be rewritten in place and are returned in manual. Nothing is
// written when a file cannot be: an existing .orig (a migration already
// done, whose original must not be lost) or a rewrite that does not parse.
// The caller checks that the project still resolves the same (see Undo).
func (p *Project) Migrate() (done []Migrated, manual []Compat, err error) {
	byPath := map[string][]Compat{}
	for _, c := range p.Compat {
		if !c.Rewritable() {
			manual = append(manual, c)
			continue
		}
		byPath[c.path] = append(byPath[c.path], c)
	}
	type output struct {
		m    Migrated
		data []byte
		mode fs.FileMode
	}
	var outs []output
	for _, path := range slices.Sorted(maps.Keys(byPath)) {
		cs := byPath[path]
		m := Migrated{File: cs[0].File, Path: path, OrigPath: path + ".orig", Rewrites: len(cs)}
		if _, err := os.Lstat(m.OrigPath); err == nil {
			return nil, nil, fmt.Errorf("%s.orig exists (from an earlier migrate?): move it away first, so that no original is overwritten", m.File)
		}
		st, err := os.Stat(path)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", m.File, unwrapPath(err))
		}
		data, err := conffile.Read(path)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", m.File, unwrapPath(err))
		}
		out := applyEdits(data, cs)
		if _, err := parseConfDoc(m.File, out, conffile.IsYAML(path)); err != nil {
			return nil, nil, fmt.Errorf("migrate %s: the rewritten file would not parse (nothing written): %w", m.File, err)
		}
		outs = append(outs, output{m, out, st.Mode().Perm()})
	}
	for _, o := range outs {
		orig, err := conffile.Read(o.m.Path)
		if err == nil {
			err = writeAtomic(o.m.OrigPath, orig, o.mode)
		}
		if err == nil {
			err = writeAtomic(o.m.Path, o.data, o.mode)
		}
		if err != nil {
			return done, manual, errors.Join(fmt.Errorf("migrate %s: %w", o.m.File, err), Undo(done))
		}
		done = append(done, o.m)
	}
	return done, manual, nil
}

// applyEdits applies the rewrites of cs to data. An edit inside another
// (a "service" key in a link that is rewritten whole, an entry removed)
// is dropped: the outer one already says it all.
func applyEdits(data []byte, cs []Compat) []byte {
	edits := make([]edit, 0, len(cs))
	for _, c := range cs {
		edits = append(edits, *c.edit)
	}
	slices.SortStableFunc(edits, func(a, b edit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end // the outer one first
	})
	var kept []edit
	for _, e := range edits {
		if n := len(kept); n > 0 && e.start < kept[n-1].end {
			continue
		}
		kept = append(kept, e)
	}
	out := slices.Clone(data)
	for i := len(kept) - 1; i >= 0; i-- {
		e := kept[i]
		out = slices.Concat(out[:e.start], []byte(e.text), out[e.end:])
	}
	return out
}

// Undo puts back the originals of a migration and removes their copies.
func Undo(done []Migrated) error {
	var errs []error
	for _, m := range done {
		if err := os.Rename(m.OrigPath, m.Path); err != nil {
			errs = append(errs, fmt.Errorf("restore %s from %s: %w", m.File, m.OrigPath, err))
		}
	}
	return errors.Join(errs...)
}
