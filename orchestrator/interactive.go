package orchestrator

import (
	"context"
	"fmt"

	"github.com/dockerops/dockerops/project"
)

// RunInteractive runs an interactive or safemode instance attached to the
// terminal; the container is removed when the shell exits.
func (o *Orchestrator) RunInteractive(ctx context.Context, in project.Instance, streams Streams) (int, error) {
	observed, err := o.containers(ctx)
	if err != nil {
		return 0, err
	}
	byName := map[string]*Observed{}
	for i := range observed {
		byName[observed[i].Name] = &observed[i]
	}
	if ob := byName[in.Name]; ob != nil {
		if ob.State == "running" {
			return 0, fmt.Errorf("%s is already running; use `dockerops shell:%s,instance=%s` to get a shell in it", in.Name, in.Container, in.Instance)
		}
		if err := o.Engine.Remove(ctx, ob.ID); err != nil {
			return 0, err
		}
	}
	imageID, err := o.Engine.ImageID(ctx, in.Image)
	if err != nil {
		return 0, err
	}
	if imageID == "" {
		return 0, fmt.Errorf("image not built: %s; run `dockerops build:%s` first", in.Container, in.Container)
	}
	links, err := o.resolveLinks(in, []project.Instance{in}, byName)
	if err != nil {
		return 0, err
	}
	// Its volumes and persistent dir are made ready on the target first,
	// as for a detached instance.
	syncs, _, err := o.volumeSyncs([]project.Instance{in})
	if err != nil {
		return 0, err
	}
	if err := o.Apply(ctx, Plan{Project: o.Project, Host: o.Host, Steps: syncs}); err != nil {
		return 0, err
	}
	if in.PersistentDir != nil {
		if err := o.fs().MkdirAll(ctx, in.Image, []string{o.PersistentDir(in)}); err != nil {
			return 0, fmt.Errorf("%s: %w", in.Name, err)
		}
	}
	if err := o.Engine.EnsureNetwork(ctx, o.Project, map[string]string{LabelProject: o.Project}); err != nil {
		return 0, err
	}
	id, err := o.Engine.Create(ctx, o.containerSpec(in, imageID, links.ips, links.targets))
	if err != nil {
		return 0, fmt.Errorf("%s: create: %w", in.Name, err)
	}
	return o.Engine.Attach(ctx, id, streams)
}
