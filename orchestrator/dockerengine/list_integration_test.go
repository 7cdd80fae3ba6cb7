package dockerengine

import (
	"context"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"

	"github.com/dockerops/dockerops/orchestrator"
)

// The one list a plan makes finds the project's containers and its deploy
// lock container, and shows a container's image reference until the
// reference names another image (a rebuild), then the container's image
// ID: what lets a plan skip the image lookups.
func TestIntegrationListShowsLockAndRebuiltImages(t *testing.T) {
	e, ctx := integration(t)
	project := uniqueName(t)
	ref := project + "/img"
	if err := e.cli.ImageTag(ctx, baseImage, ref); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = e.cli.ImageRemove(context.Background(), ref, image.RemoveOptions{Force: true})
	})
	id, err := e.Create(ctx, orchestrator.ContainerSpec{Name: project + "-c", Image: ref,
		Labels: map[string]string{orchestrator.LabelProject: project}, Cmd: []string{"true"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Remove(context.Background(), id) })
	baseID, err := e.ImageID(ctx, baseImage)
	if err != nil {
		t.Fatal(err)
	}

	list, lock, err := e.ContainersAndLock(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Image != ref || list[0].ImageID != baseID || lock != nil {
		t.Fatalf("list = %+v, lock %v; want the one container, image %s (%s), no lock", list, lock, ref, baseID)
	}

	lockID, hold, err := e.HoldLock(ctx, orchestrator.ContainerSpec{Name: orchestrator.LockName(project), Image: baseImage,
		Entrypoint: []string{"cat"}, Cmd: []string{}, Labels: map[string]string{orchestrator.LabelLock: project}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hold.Close(); _ = e.ReleaseLock(context.Background(), lockID) })
	// A new image under the reference, as a rebuild makes.
	if _, err := e.cli.ContainerCommit(ctx, id, container.CommitOptions{Reference: ref}); err != nil {
		t.Fatal(err)
	}
	list, lock, err = e.ContainersAndLock(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Image != baseID {
		t.Errorf("after a rebuild of %s the list shows image %q, want the container's own %s", ref, list[0].Image, baseID)
	}
	if lock == nil || lock.ID != lockID || (lock.State != "running" && lock.State != "created") {
		t.Errorf("list found lock %+v, want the lock container %s (running, or created and starting)", lock, lockID)
	}
}
