package orchestrator

import (
	"context"
	"fmt"
	"slices"

	"github.com/dockerops/dockerops/project"
)

// dashDataDir is the persistent folder DockerOps v0.6 and later named
// <container>-<instance>, beside the <container>_<instance> one dockerops
// and the earlier releases use.
func (t Target) dashDataDir(in project.Instance) string {
	in.DashDataDir = true
	return t.PersistentDir(in)
}

// LabelDataDir marks a container whose persistent folder is the v0.6+
// <container>-<instance> one (its value is dashDataDirName), so later runs
// keep it without looking into the machine's folders, and a dry run or a
// run with nothing to do touches nothing there.
const LabelDataDir = "dockerops.data_dir"

const dashDataDirName = "<container>-<instance>"

// dataDirsOf takes each instance's folder choice from its existing
// container's label; an instance without a container is left to create.
func dataDirsOf(instances []project.Instance, existing map[string]*Observed) []project.Instance {
	out := slices.Clone(instances)
	for i := range out {
		ob := existing[out[i].Name]
		out[i].DashDataDir = ob != nil && ob.Labels[LabelDataDir] != ""
	}
	return out
}

// withDataDirs picks, for each instance with persistent data, the folder
// its data is in on the target: the <container>_<instance> one, unless only
// a v0.6+ <container>-<instance> one exists there. dockerops never creates
// the dash form. When both exist the underscore one is used, with a warning
// naming both. The machine is asked once, for all instances: when their
// containers are first made (create, an interactive run).
func (o *Orchestrator) withDataDirs(ctx context.Context, instances []project.Instance) ([]project.Instance, error) {
	return o.Target.withDataDirs(ctx, instances, o.emit)
}

// withDataDirs is the choice on the target t, warning through warn.
func (t Target) withDataDirs(ctx context.Context, instances []project.Instance, warn func(Event)) ([]project.Instance, error) {
	var dirs []string
	image := ""
	for _, in := range instances {
		if in.PersistentDir != nil {
			in.DashDataDir = false
			dirs = append(dirs, t.PersistentDir(in), t.dashDataDir(in))
			if image == "" {
				image = in.Image
			}
		}
	}
	if len(dirs) == 0 {
		return instances, nil
	}
	found, err := t.fs().Existing(ctx, image, dirs)
	if err != nil {
		return nil, fmt.Errorf("looking for persistent data on %s: %w", t.Describe(), err)
	}
	exists := map[string]bool{}
	for _, d := range found {
		exists[d] = true
	}
	out := make([]project.Instance, len(instances))
	for i, in := range instances {
		out[i] = in
		if in.PersistentDir == nil {
			continue
		}
		in.DashDataDir = false
		under, dash := t.PersistentDir(in), t.dashDataDir(in)
		switch {
		case exists[under] && exists[dash]:
			warn(Event{Instance: in.Name, Action: Prepare, Status: Warning,
				Detail: fmt.Sprintf("both %s and %s exist on %s: using %s", under, dash, t.Describe(), under)})
		case exists[dash]:
			out[i].DashDataDir = true
		}
	}
	return out, nil
}
