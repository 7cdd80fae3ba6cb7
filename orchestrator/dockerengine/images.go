package dockerengine

import (
	"context"
	"io"

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
