package orchestrator

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/dockerops/dockerops/orchestrator/imagearchive"
)

// SharedSaves is the engine images are shipped from when they go to several
// targets at once: ships of the same images share one save, spooled once,
// where each would otherwise have the engine save them again (and keep a
// copy of its own on disk). Close removes the spooled archives.
type SharedSaves struct {
	Engine
	mu    sync.Mutex
	saves map[string]*sharedSave // by the refs saved
}

type sharedSave struct {
	once    sync.Once
	archive *imagearchive.Archive
	err     error
}

// ShareSaves wraps the engine ships come from.
func ShareSaves(from Engine) *SharedSaves {
	return &SharedSaves{Engine: from, saves: map[string]*sharedSave{}}
}

// spool saves the images the first time they are asked for; later
// callers, on other targets, wait for that save and read the same file.
func (s *SharedSaves) spool(ctx context.Context, refs []string) (*imagearchive.Archive, error) {
	key := strings.Join(refs, " ")
	s.mu.Lock()
	sv, ok := s.saves[key]
	if !ok {
		sv = &sharedSave{}
		s.saves[key] = sv
	}
	s.mu.Unlock()
	sv.once.Do(func() {
		sv.archive, sv.err = saveSpooled(ctx, s.Engine, refs)
	})
	return sv.archive, sv.err
}

// Close removes the spooled archives; call it once the ships are done.
func (s *SharedSaves) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for key, sv := range s.saves {
		if sv.archive != nil {
			errs = append(errs, sv.archive.Close())
		}
		delete(s.saves, key)
	}
	return errors.Join(errs...)
}
