package orchestrator

import (
	"context"
	"fmt"
	"time"
)

// Ship copies images from another engine (the local one) to this one
// without a registry, sending only those whose ID differs.
func (o *Orchestrator) Ship(ctx context.Context, from Engine, refs []string) error {
	var send []string
	for _, ref := range refs {
		src, err := from.ImageID(ctx, ref)
		if err != nil {
			return err
		}
		if src == "" {
			return fmt.Errorf("image %s is not built locally; run `dockerops build:all` first", ref)
		}
		dst, err := o.Engine.ImageID(ctx, ref)
		if err != nil {
			return err
		}
		if dst != src {
			send = append(send, ref)
		}
	}
	if len(send) == 0 {
		o.event("images already on the host: %v", refs)
		return nil
	}
	start := time.Now()
	archive, err := from.SaveImages(ctx, send)
	if err != nil {
		return err
	}
	defer archive.Close()
	if err := o.Engine.LoadImages(ctx, archive); err != nil {
		return err
	}
	o.event("shipped %v (%s)", send, since(start))
	return nil
}
