package dockerengine

import (
	"bytes"
	"io"
	"testing"

	"github.com/docker/docker/api/types/image"

	"github.com/dockerops/dockerops/orchestrator"
)

// An image saved and loaded back, as ship=True moves it to a droplet, keeps
// its ID and tag.
func TestIntegrationSaveLoadKeepsImage(t *testing.T) {
	e, ctx := integration(t)
	id, log, err := buildImage(t, e, ctx, map[string]string{
		"Dockerfile": "FROM " + baseImage + "\nRUN echo shipped > /marker\n",
	}, orchestrator.BuildSpec{})
	if err != nil {
		t.Fatalf("build: %v\n%s", err, log)
	}
	img, err := e.cli.ImageInspect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	tag := img.RepoTags[0]
	rc, err := e.SaveImages(ctx, []string{tag})
	if err != nil {
		t.Fatal(err)
	}
	archive, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cli.ImageRemove(ctx, tag, image.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.ImageID(ctx, tag); got != "" {
		t.Fatalf("image %s still there after removal", tag)
	}
	if err := e.LoadImages(ctx, bytes.NewReader(archive)); err != nil {
		t.Fatal(err)
	}
	if got, err := e.ImageID(ctx, tag); err != nil || got != id {
		t.Errorf("after load, %s = %q (%v), want %q", tag, got, err, id)
	}
}
