package orchestrator

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockerops/dockerops/project"
)

// BuildOptions tune Build.
type BuildOptions struct {
	NoCache bool
	// Log receives the build logs (progress=True); nil prints one line per image.
	Log io.Writer
	// BaseContext holds the built-in containers (dockerops-base at its root,
	// dockerops-dns in dns/), used when the project has none of its own.
	BaseContext fs.FS
	// BuildArgs are added to every build (PROJECT is always set).
	BuildArgs map[string]string

	mu *sync.Mutex // serialises Log lines of parallel builds
}

// buildStep is what a build step needs.
type buildStep struct {
	project   *project.Project
	container *project.Container
	opts      BuildOptions
}

// PlanBuild plans building the named containers' images: a step per image,
// after the project images its FROM names, so independent images build
// together.
func (o *Orchestrator) PlanBuild(p *project.Project, names []string, opts BuildOptions) Plan {
	plan := Plan{Project: o.Project, Host: o.Host}
	if opts.mu == nil {
		opts.mu = &sync.Mutex{}
	}
	for _, n := range names {
		c := p.Containers[n]
		step := Step{Action: Build, Name: p.Name + "/" + n, build: buildStep{project: p, container: c, opts: opts}}
		for _, d := range c.DependsOn {
			if slices.Contains(names, d) {
				step.Deps = append(step.Deps, p.Name+"/"+d)
			}
		}
		if opts.NoCache {
			step.Reason = "no cache"
		}
		plan.Steps = append(plan.Steps, step)
	}
	return plan
}

// Build builds the named containers' images (PlanBuild, then Apply).
func (o *Orchestrator) Build(ctx context.Context, p *project.Project, names []string, opts BuildOptions) error {
	return o.Apply(ctx, o.PlanBuild(p, names, opts))
}

func (o *Orchestrator) buildOne(ctx context.Context, b buildStep) error {
	p, c, opts := b.project, b.container, b.opts
	args := map[string]string{"PROJECT": p.Name}
	for k, v := range opts.BuildArgs {
		args[k] = v
	}
	tag := p.Name + "/" + c.Name
	spec := BuildSpec{Tag: tag, ContextDir: c.Dir, BuildArgs: args, NoCache: opts.NoCache,
		Labels: map[string]string{LabelProject: p.Name, LabelContainer: c.Name}}
	if c.Embedded {
		tarball, err := embeddedContext(opts.BaseContext, c.EmbeddedDir)
		if err != nil {
			return fmt.Errorf("build %s: %w", tag, err)
		}
		spec.Context = tarball
	} else if err := touchStartupScripts(c.Dir); err != nil {
		return fmt.Errorf("build %s: %w", tag, err)
	}
	var log io.Writer
	if opts.Log != nil {
		log = &prefixWriter{w: opts.Log, prefix: c.Name + " | ", mu: opts.mu}
	}
	id, err := o.Engine.Build(ctx, spec, log)
	if err != nil {
		return err
	}
	o.log().Debug("built", "image", tag, "id", shortID(id))
	// Old DockerOps Dockerfiles say FROM dockerops/dockerops-base-ubuntu14.04
	// or dockerops/<base>: give the image those names too. The engine has no
	// tag call here; a second build from the cache makes the tag.
	for _, alias := range c.Aliases {
		spec.Tag, spec.NoCache = alias, false
		if c.Embedded {
			if spec.Context, err = embeddedContext(opts.BaseContext, c.EmbeddedDir); err != nil {
				return err
			}
		}
		if _, err := o.Engine.Build(ctx, spec, nil); err != nil {
			return fmt.Errorf("tag %s: %w", alias, err)
		}
	}
	return nil
}

// embeddedContext is the build context of a built-in container: dir of the
// embedded file system.
func embeddedContext(fsys fs.FS, dir string) (io.Reader, error) {
	if fsys == nil {
		return nil, errors.New("no built-in base container in this binary")
	}
	if dir != "" && dir != "." {
		sub, err := fs.Sub(fsys, dir)
		if err != nil {
			return nil, err
		}
		fsys = sub
	}
	return tarFS(fsys)
}

// touchStartupScripts sets the modification time of a folder's start-up
// scripts (entrypoint-*.sh of v0.2-v0.5.1, prestartup_*.sh of v0.6 on) to
// now, as the original did before each build: the base image runs them
// oldest first, so a child's scripts, built later, run after its parents'.
// An image keeps whole seconds only, and cached builds take less than one:
// every script touched by this process gets a later second than the one
// before, so a parent and its child never tie. Several scripts in one folder
// (the original refused that) are then in name order.
func touchStartupScripts(dir string) error {
	var scripts []string
	for _, pattern := range []string{"entrypoint-*.sh", "prestartup_*.sh"} {
		matches, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		scripts = append(scripts, matches...)
	}
	slices.Sort(scripts)
	for _, s := range scripts {
		at := nextScriptTime()
		if err := os.Chtimes(s, at, at); err != nil {
			return err
		}
	}
	return nil
}

var scriptTime struct {
	sync.Mutex
	last time.Time
}

// nextScriptTime is now in whole seconds, or a second after the last one it
// returned.
func nextScriptTime() time.Time {
	scriptTime.Lock()
	defer scriptTime.Unlock()
	at := time.Now().Truncate(time.Second)
	if !at.After(scriptTime.last) {
		at = scriptTime.last.Add(time.Second)
	}
	scriptTime.last = at
	return at
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// tarFS packs a file system as a build context.
func tarFS(fsys fs.FS) (io.Reader, error) {
	if fsys == nil {
		return nil, errors.New("no built-in base container in this binary")
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		mode := int64(0o644)
		if strings.HasSuffix(path, ".sh") {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Name: path, Mode: mode, Size: int64(len(data))}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &buf, tw.Close()
}

// prefixWriter prefixes every line, so parallel build logs stay readable.
type prefixWriter struct {
	w      io.Writer
	prefix string
	mu     *sync.Mutex
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		p.mu.Lock()
		_, err := fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf[:i])
		p.mu.Unlock()
		if err != nil {
			return len(b), err
		}
		p.buf = p.buf[i+1:]
	}
}
