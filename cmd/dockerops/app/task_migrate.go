package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// writeCompat prints, on stderr, one line per construct of a later
// DockerOps release the project uses, with its modern form.
func writeCompat(w io.Writer, p *project.Project) {
	if p.FromLastConf {
		fmt.Fprintf(w, "run conf %s: last_conf of %s, the conf= of the last run (give conf= for another)\n", p.LastConf, relTo(p.Dir, p.HostConfPath))
	}
	for _, c := range p.Compat {
		fmt.Fprintln(w, c.String())
	}
}

// runMigrate rewrites the run conf to the modern form, then loads the
// project again: if the plan differs, the originals are put back.
func runMigrate(_ context.Context, s *session, a Args) error {
	conf := a.strOr("conf", "")
	p, err := s.project(conf)
	if err != nil {
		return err
	}
	if len(p.Compat) == 0 {
		fmt.Fprintf(s.env.Stdout, "%s: nothing to migrate\n", confLabel(p))
		return nil
	}
	before, err := planOf(p)
	if err != nil {
		return err
	}
	done, manual, err := p.Migrate()
	if err != nil {
		return err
	}
	delete(s.projects, conf)
	after, err := s.project(conf)
	var plan []byte
	if err == nil {
		plan, err = planOf(after)
	}
	if err == nil && !bytes.Equal(before, plan) {
		err = errors.New("the plan would change")
	}
	if err != nil {
		return errors.Join(fmt.Errorf("migrate: the rewritten project does not resolve as before, originals restored: %w", err), project.Undo(done))
	}
	for _, m := range done {
		fmt.Fprintf(s.env.Stdout, "%s: %d construct(s) rewritten, original kept as %s.orig\n", m.File, m.Rewrites, m.File)
	}
	for _, c := range manual {
		fmt.Fprintf(s.env.Stderr, "%s (a YAML file: rewrite it by hand)\n", c)
	}
	return nil
}

// planOf is the config:all,format=json document of p.
func planOf(p *project.Project) ([]byte, error) {
	instances, err := p.Resolve(project.Selection{Target: "all"}, project.Overrides{})
	if err != nil {
		return nil, err
	}
	return project.MarshalPlan(p.Name, instances)
}

func confLabel(p *project.Project) string {
	if p.RunConfPath == "" {
		return "the project (no run conf)"
	}
	return p.RunConfPath
}

// relTo names path relative to dir when it is inside it.
func relTo(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return path
}
