package orchestrator

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dockerops/dockerops/orchestrator/imagearchive"
)

// shipStep is what a ship step needs: where the images come from and which
// of their layers the target has.
type shipStep struct {
	from Engine
	refs []string
	// present holds the chain IDs of the layers on the target.
	present        map[string]bool
	layers, absent int // distinct layers of the images, and those the target lacks
}

// PlanShip plans copying images from another engine (the local one) to this
// target without a registry: one step sends, in one archive, those whose ID
// differs, with only the layers the target lacks; the others are left.
func (o *Orchestrator) PlanShip(ctx context.Context, from Engine, refs []string) (Plan, error) {
	plan := Plan{Project: o.Project, Host: o.Host}
	var send, ids []string
	for _, ref := range refs {
		src, err := from.ImageID(ctx, ref)
		if err != nil {
			return Plan{}, err
		}
		if src == "" {
			return Plan{}, fmt.Errorf("image %s is not built locally; run `dockerops build:all` first", ref)
		}
		dst, err := o.Engine.ImageID(ctx, ref)
		if err != nil {
			return Plan{}, err
		}
		if dst == src {
			plan.Steps = append(plan.Steps, Step{Action: Leave, Name: ref, Reason: "already on " + o.Describe()})
		} else {
			send, ids = append(send, ref), append(ids, src)
		}
	}
	if len(send) == 0 {
		return plan, nil
	}
	s, err := o.shipLayers(ctx, from, send, ids)
	if err != nil {
		return Plan{}, err
	}
	reason := "to " + o.Describe()
	if s.layers > 0 {
		reason += fmt.Sprintf(": %d of %d layers missing", s.absent, s.layers)
	}
	plan.Steps = append(plan.Steps, Step{Action: Ship, Name: strings.Join(send, " "), Reason: reason, ship: s})
	return plan, nil
}

// shipLayers learns which of the images' layers the target has, from the
// RootFS of every image there: a layer is there when its chain ID is, which
// is how `docker load` looks it up.
func (o *Orchestrator) shipLayers(ctx context.Context, from Engine, refs, ids []string) (shipStep, error) {
	s := shipStep{from: from, refs: refs, present: map[string]bool{}}
	there, err := o.Engine.ImageLayers(ctx, nil)
	if err != nil {
		return shipStep{}, err
	}
	for _, diffIDs := range there {
		for _, id := range imagearchive.ChainIDs(diffIDs) {
			s.present[id] = true
		}
	}
	local, err := from.ImageLayers(ctx, refs)
	if err != nil {
		return shipStep{}, err
	}
	seen := map[string]bool{}
	for _, id := range ids {
		for _, chain := range imagearchive.ChainIDs(local[id]) {
			if !seen[chain] {
				seen[chain] = true
				s.layers++
				if !s.present[chain] {
					s.absent++
				}
			}
		}
	}
	return s, nil
}

// Ship copies the images that differ (PlanShip, then Apply).
func (o *Orchestrator) Ship(ctx context.Context, from Engine, refs []string) error {
	plan, err := o.PlanShip(ctx, from, refs)
	if err != nil {
		return err
	}
	return o.Apply(ctx, plan)
}

// ship sends the images and says how much went: the whole `docker save`
// stream when the target has none of their layers, otherwise the archive
// spooled (its manifest comes after the layers) and written again without
// the layers the target has. Should the target refuse that (an engine that
// does not look layers up by chain ID), the whole archive follows.
func (o *Orchestrator) ship(ctx context.Context, name string, s shipStep) (string, error) {
	start := time.Now()
	if _, shared := s.from.(*SharedSaves); !shared && s.absent == s.layers {
		saved, err := s.from.SaveImages(ctx, s.refs)
		if err != nil {
			return "", err
		}
		defer saved.Close()
		n, err := o.load(ctx, func(w io.Writer) (int64, error) { return io.Copy(w, saved) })
		return shipped(n, n, s.layers, s.layers, time.Since(start), ""), err
	}
	a, release, err := spool(ctx, s)
	if err != nil {
		return "", err
	}
	defer release()
	sel := a.Without(s.present)
	n, err := o.load(ctx, func(w io.Writer) (int64, error) { return a.Write(w, sel) })
	if err == nil {
		return shipped(n, a.Size(), sel.Missing, sel.Layers, time.Since(start), ""), nil
	}
	if ctx.Err() != nil || sel.Missing == sel.Layers {
		return "", err
	}
	o.emit(Event{Instance: name, Action: Ship, Status: Warning,
		Detail: fmt.Sprintf("%s did not load the archive without the layers it has (%v); sending the whole archive", o.Describe(), err)})
	n, err = o.load(ctx, a.WriteAll)
	return shipped(n, a.Size(), sel.Layers, sel.Layers, time.Since(start), ", the whole archive"), err
}

// spool saves the images into a temporary file, or takes the one
// SharedSaves made for another target; release is for when it is sent.
func spool(ctx context.Context, s shipStep) (a *imagearchive.Archive, release func(), err error) {
	if shared, ok := s.from.(*SharedSaves); ok {
		a, err = shared.spool(ctx, s.refs)
		return a, func() {}, err
	}
	if a, err = saveSpooled(ctx, s.from, s.refs); err != nil {
		return nil, nil, err
	}
	return a, func() { _ = a.Close() }, nil
}

// saveSpooled saves the images of from into a temporary file.
func saveSpooled(ctx context.Context, from Engine, refs []string) (*imagearchive.Archive, error) {
	saved, err := from.SaveImages(ctx, refs)
	if err != nil {
		return nil, err
	}
	defer saved.Close()
	a, err := imagearchive.Spool(saved, "")
	if err != nil {
		return nil, fmt.Errorf("spool the saved images: %w", err)
	}
	return a, nil
}

// load streams what write writes into the target's `docker load`.
func (o *Orchestrator) load(ctx context.Context, write func(io.Writer) (int64, error)) (int64, error) {
	pr, pw := io.Pipe()
	written := make(chan int64, 1)
	go func() {
		n, err := write(pw)
		written <- n
		pw.CloseWithError(err)
	}()
	err := o.Engine.LoadImages(ctx, pr)
	pr.CloseWithError(io.ErrClosedPipe) // unblocks the writer if the load stopped reading
	return <-written, err
}

// shipped is the ship step's result, one line the bench reads "sent N" from:
// "sent 12.3 MB of 410 MB (3 of 9 layers) in 1.2s".
func shipped(sent, whole int64, layers, of int, took time.Duration, note string) string {
	line := fmt.Sprintf("sent %s of %s", size(sent), size(whole))
	if of > 0 {
		line += fmt.Sprintf(" (%d of %d layers)", layers, of)
	}
	if took >= time.Second {
		took = took.Round(100 * time.Millisecond)
	} else {
		took = took.Round(time.Millisecond)
	}
	return line + " in " + took.String() + note
}

// size is a byte count in decimal units, as docker prints image sizes.
func size(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	prefix := []string{"", "kB", "MB", "GB", "TB"}[i]
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f %s", v, prefix)
	case v < 100:
		return fmt.Sprintf("%.1f %s", v, prefix)
	}
	return fmt.Sprintf("%.0f %s", v, prefix)
}
