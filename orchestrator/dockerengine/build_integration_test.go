package dockerengine

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/image"

	"github.com/dockerops/dockerops/orchestrator"
)

// buildImage builds a context of files and removes the image afterwards.
func buildImage(t *testing.T, e *Engine, ctx context.Context, files map[string]string, spec orchestrator.BuildSpec) (string, string, error) {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	spec.ContextDir = dir
	if spec.Tag == "" {
		spec.Tag = "dockerops-test/" + uniqueName(t)
	}
	var log bytes.Buffer
	id, err := e.Build(ctx, spec, &log)
	t.Cleanup(func() {
		_, _ = e.cli.ImageRemove(context.Background(), spec.Tag, image.RemoveOptions{Force: true, PruneChildren: true})
	})
	return id, log.String(), err
}

func TestIntegrationBuildHonoursDockerignore(t *testing.T) {
	e, ctx := integration(t)
	id, log, err := buildImage(t, e, ctx, map[string]string{
		"Dockerfile":    "FROM " + baseImage + "\nARG GREETING\nCOPY . /ctx/\nRUN echo \"$GREETING\" > /greeting\n",
		".dockerignore": "secret.txt\n",
		"keep.txt":      "kept",
		"secret.txt":    "must not reach the engine",
	}, orchestrator.BuildSpec{
		BuildArgs: map[string]string{"GREETING": "hello from a build arg"},
		Labels:    map[string]string{orchestrator.LabelProject: "dockerops-test"},
	})
	if err != nil {
		t.Fatalf("build: %v\n%s", err, log)
	}
	if !strings.HasPrefix(id, "sha256:") {
		t.Errorf("image ID %q", id)
	}
	if !strings.Contains(log, "Step 1/5 : FROM "+baseImage) {
		t.Errorf("progress log lacks the steps:\n%s", log)
	}
	img, err := e.cli.ImageInspect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if img.Config.Labels[orchestrator.LabelProject] != "dockerops-test" {
		t.Errorf("image labels %v lack the project label", img.Config.Labels)
	}
	tag := img.RepoTags[0]
	if got, err := e.ImageID(ctx, tag); err != nil || got != id {
		t.Errorf("ImageID(%s) = %q, %v; want %q", tag, got, err, id)
	}

	out, code := run(t, e, ctx, orchestrator.ContainerSpec{Image: id,
		Cmd: []string{"sh", "-c", "ls -A /ctx; cat /greeting"}}, "")
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, out)
	}
	if !strings.Contains(out, "keep.txt") || strings.Contains(out, "secret.txt") {
		t.Errorf("context in the image, by .dockerignore, should hold keep.txt but not secret.txt:\n%s", out)
	}
	if !strings.Contains(out, "hello from a build arg") {
		t.Errorf("build arg not seen by the build:\n%s", out)
	}
}

func TestIntegrationBuildFailureNamesStep(t *testing.T) {
	e, ctx := integration(t)
	// The failing RUN is the first step after FROM, so no cache layer is left.
	_, _, err := buildImage(t, e, ctx, map[string]string{
		"Dockerfile": "FROM " + baseImage + "\nRUN echo compiling the widget && echo widget.c:3: syntax error >&2 && false\nRUN echo never\n",
	}, orchestrator.BuildSpec{Tag: "dockerops-test/" + uniqueName(t), NoCache: true})
	if err == nil {
		t.Fatal("a failing build succeeded")
	}
	msg := err.Error()
	for _, want := range []string{
		`build dockerops-test/`,
		`step "RUN echo compiling the widget && echo widget.c:3: syntax error >&2 && false" failed:`,
		"returned a non-zero code: 1",
		"\n    compiling the widget",
		"\n    widget.c:3: syntax error",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("build error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "never") || strings.Contains(msg, "--->") {
		t.Errorf("build error shows more than the failing step:\n%s", msg)
	}
	if id, err := e.ImageID(ctx, "dockerops-test/nosuch-"+uniqueName(t)); id != "" || err != nil {
		t.Errorf("ImageID of a missing image = %q, %v; want \"\", nil", id, err)
	}
}

func TestIntegrationHealthIsObserved(t *testing.T) {
	e, ctx := integration(t)
	id, _, err := buildImage(t, e, ctx, map[string]string{
		"Dockerfile": "FROM " + baseImage + "\nHEALTHCHECK --interval=1s --timeout=5s CMD echo all-good\n",
	}, orchestrator.BuildSpec{})
	if err != nil {
		t.Fatal(err)
	}
	project := uniqueName(t)
	c, err := e.Create(ctx, orchestrator.ContainerSpec{Name: project, Image: id,
		Labels: map[string]string{orchestrator.LabelProject: project}, Cmd: sleeper})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Remove(context.Background(), c) })
	if err := e.Start(ctx, c); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	var seen orchestrator.Observed
	for time.Now().Before(deadline) {
		list, err := e.Containers(ctx, project)
		if err != nil || len(list) != 1 {
			t.Fatalf("Containers = %+v, %v", list, err)
		}
		if seen = list[0]; seen.Health == "healthy" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if seen.Health != "healthy" {
		t.Fatalf("health never became healthy in the list: %+v", seen)
	}
	in, err := e.Inspect(ctx, c)
	if err != nil || in.Health != "healthy" || in.HealthLog != "all-good" {
		t.Errorf("Inspect = %+v, %v; want healthy with output all-good", in, err)
	}
}
