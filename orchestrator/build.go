package orchestrator

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/dockerops/dockerops/project"
)

// BuildOptions tune Build.
type BuildOptions struct {
	NoCache bool
	// Log receives the build logs (progress=True); nil prints one line per image.
	Log io.Writer
	// BaseContext is the built-in dockerops-base container, used when the
	// project has no apps_containers/dockerops-base of its own.
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
		tarball, err := tarFS(opts.BaseContext)
		if err != nil {
			return fmt.Errorf("build %s: %w", tag, err)
		}
		spec.Context = tarball
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
	// Old DockerOps projects say `FROM dockerops/dockerops-base` whatever
	// their folder is called: give the base image those names too.
	if c.Name == "dockerops-base" {
		for _, alias := range baseAliases(p) {
			spec.Tag = alias
			if spec.Context != nil {
				if spec.Context, err = tarFS(opts.BaseContext); err != nil {
					return err
				}
			}
			if _, err := o.Engine.Build(ctx, spec, nil); err != nil {
				return fmt.Errorf("tag %s: %w", alias, err)
			}
		}
	}
	return nil
}

func baseAliases(p *project.Project) []string {
	seen := map[string]bool{p.Name + "/dockerops-base": true}
	var out []string
	for _, c := range p.Containers {
		for _, from := range c.From {
			ref, _, _ := strings.Cut(from, ":")
			if strings.HasSuffix(ref, "/dockerops-base") && !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
	}
	return out
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
