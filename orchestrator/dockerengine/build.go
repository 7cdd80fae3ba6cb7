package dockerengine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/docker/docker/api/types/build"
	"github.com/moby/go-archive"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/dockerops/dockerops/orchestrator"
)

// Build builds spec.Tag with the engine's classic builder and returns the
// image ID. progress, when not nil, receives the build log as `docker build`
// prints it; a failed build's error names the failing step and ends with
// its last lines of output.
func (e *Engine) Build(ctx context.Context, spec orchestrator.BuildSpec, progress io.Writer) (string, error) {
	dockerfile := spec.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	buildCtx := spec.Context
	if buildCtx == nil {
		tar, err := contextTar(spec.ContextDir, dockerfile)
		if err != nil {
			return "", fmt.Errorf("build %s: %w", spec.Tag, err)
		}
		defer tar.Close()
		buildCtx = tar
	}
	args := make(map[string]*string, len(spec.BuildArgs))
	for k, v := range spec.BuildArgs {
		args[k] = &v
	}
	resp, err := e.cli.ImageBuild(ctx, buildCtx, build.ImageBuildOptions{
		Tags:        []string{spec.Tag},
		Dockerfile:  dockerfile,
		BuildArgs:   args,
		Labels:      spec.Labels,
		NoCache:     spec.NoCache,
		Remove:      true,
		ForceRemove: true,
		// The API's BuildKit needs a session protocol; the classic builder
		// works on every engine from 20.10 on and reports steps plainly.
		Version: build.BuilderV1,
	})
	if err != nil {
		return "", e.check(err, "build %s", spec.Tag)
	}
	defer resp.Body.Close()
	id, err := readBuildLog(resp.Body, progress)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return "", err
		}
		return "", fmt.Errorf("build %s: %w", spec.Tag, err)
	}
	if id == "" {
		// Engines that send no aux message: the tag names the new image.
		if id, err = e.ImageID(ctx, spec.Tag); err == nil && id == "" {
			err = fmt.Errorf("build %s: the engine reported success but there is no such image", spec.Tag)
		}
	}
	return id, err
}

// contextTar packs dir as a build context, leaving out what its
// .dockerignore excludes, as `docker build` does.
func contextTar(dir, dockerfile string) (io.ReadCloser, error) {
	if dir == "" {
		return nil, errors.New("no build context folder")
	}
	rel := filepath.Clean(dockerfile)
	if filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("dockerfile %q is outside the build context", dockerfile)
	}
	if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
		return nil, fmt.Errorf("build context %s: %w", dir, err)
	}
	excludes, err := readDockerignore(dir)
	if err != nil {
		return nil, err
	}
	// The engine needs the Dockerfile and .dockerignore even when they are
	// excluded; it leaves them out of what COPY and ADD see itself.
	excludes = append(excludes, "!"+filepath.ToSlash(rel), "!.dockerignore")
	tar, err := archive.TarWithOptions(dir, &archive.TarOptions{
		ExcludePatterns: excludes,
		ChownOpts:       &archive.ChownOpts{UID: 0, GID: 0},
	})
	if err != nil {
		return nil, fmt.Errorf("pack build context %s: %w", dir, err)
	}
	return tar, nil
}

func readDockerignore(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, ".dockerignore"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return patterns, nil
}
