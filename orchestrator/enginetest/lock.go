package enginetest

import (
	"context"
	"fmt"
	"io"
	"maps"
	"sync"

	"github.com/dockerops/dockerops/orchestrator"
)

var (
	_ orchestrator.Locker       = (*Fake)(nil)
	_ orchestrator.LockObserver = (*Fake)(nil)
)

// ContainersAndLock is Containers, recorded as the same "containers
// PROJECT" call, that also finds the project's lock container.
func (f *Fake) ContainersAndLock(_ context.Context, project string) ([]orchestrator.Observed, *orchestrator.Observed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("containers", project); err != nil {
		return nil, nil, err
	}
	for _, c := range f.containers {
		if c.Name == orchestrator.LockName(project) {
			lock := clone(*c)
			return f.list(project), &lock, nil
		}
	}
	return f.list(project), nil, nil
}

// HoldLock makes a running lock container, recorded as "lock NAME", unless
// a container of that name exists. Its ID is not its name, as on a real
// engine, so a lock broken and taken anew has another ID. Closing the hold
// is the holder's connection closing: the container exits, as dockerengine's
// does. SetState(id, "exited") is its holder dying.
func (f *Fake) HoldLock(_ context.Context, spec orchestrator.ContainerSpec) (string, io.Closer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("lock", spec.Name); err != nil {
		return "", nil, err
	}
	for _, c := range f.containers {
		if c.Name == spec.Name {
			return "", nil, fmt.Errorf("%w: conflict: container name %s is already in use", orchestrator.ErrLockTaken, spec.Name)
		}
	}
	f.nextLock++
	id := fmt.Sprintf("%s@%d", spec.Name, f.nextLock)
	f.containers[id] = &orchestrator.Observed{ID: id, Name: spec.Name, Labels: maps.Clone(spec.Labels),
		State: "running", Status: "Up", ImageID: f.images[spec.Image]}
	f.specs[id] = spec
	var once sync.Once
	return id, closer(func() {
		once.Do(func() { f.SetState(id, "exited") })
	}), nil
}

// LockContainer finds a container by name, recorded as "findlock NAME".
func (f *Fake) LockContainer(_ context.Context, name string) (orchestrator.Observed, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("findlock", name); err != nil {
		return orchestrator.Observed{}, false, err
	}
	for _, c := range f.containers {
		if c.Name == name {
			return clone(*c), true, nil
		}
	}
	return orchestrator.Observed{}, false, nil
}

// ReleaseLock removes a lock container, recorded as "unlock ID".
func (f *Fake) ReleaseLock(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("unlock", id); err != nil {
		return err
	}
	delete(f.containers, id)
	delete(f.specs, id)
	return nil
}

type closer func()

func (c closer) Close() error { c(); return nil }
