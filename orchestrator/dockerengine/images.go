package dockerengine

import (
	"context"
	"errors"
	"io"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// SaveImages streams the images as a `docker save` tar archive.
func (e *Engine) SaveImages(ctx context.Context, refs []string) (io.ReadCloser, error) {
	rc, err := e.cli.ImageSave(ctx, refs)
	if err != nil {
		return nil, e.check(err, "save images %v", refs)
	}
	return rc, nil
}

// LoadImages loads a `docker save` tar archive, as `docker load` does.
func (e *Engine) LoadImages(ctx context.Context, archive io.Reader) error {
	resp, err := e.cli.ImageLoad(ctx, archive, client.ImageLoadWithQuiet(true))
	if err != nil {
		return e.check(err, "load images")
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return e.check(err, "load images")
}

// ImageLayers returns the RootFS diff IDs of the images refs name (nil =
// every image on the engine), by image ID: one list call, then the
// inspects, a few at a time, as only an inspect says what layers an image has.
func (e *Engine) ImageLayers(ctx context.Context, refs []string) (map[string][]string, error) {
	if refs == nil {
		list, err := e.cli.ImageList(ctx, image.ListOptions{})
		if err != nil {
			return nil, e.check(err, "list images")
		}
		refs = []string{}
		for _, img := range list {
			refs = append(refs, img.ID)
		}
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
		sem  = make(chan struct{}, 8)
		out  = map[string][]string{}
	)
	for _, ref := range refs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			img, err := e.cli.ImageInspect(ctx, ref)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case cerrdefs.IsNotFound(err): // removed since the list, or never there
			case err != nil:
				errs = append(errs, e.check(err, "inspect image %s", ref))
			default:
				out[img.ID] = img.RootFS.Layers
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
