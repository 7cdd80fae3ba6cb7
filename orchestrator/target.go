package orchestrator

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/dockerops/dockerops/project"
)

// Target is one machine: its engine and the file system that engine's bind
// mounts see. Every side effect of a plan goes through the target it acts
// on, so nothing meant for a droplet lands on the laptop.
type Target struct {
	// Host is the hosts.conf name of the machine; "" is the local engine.
	Host   string
	Engine Engine
	Files  Files
}

// Files is the part of a machine's file system dockerops manages: the
// instances' persistent directories and the copies of project-relative
// volumes, all under one data root.
type Files interface {
	// Root is the data root on the machine (absolute, in its own syntax).
	Root() string
	// Local says whether the machine is this one, so project-relative volumes
	// are bound in place instead of copied.
	Local() bool
	// MkdirAll creates directories under Root. image is an image present on
	// the machine, for a remote machine's short-lived helper container.
	MkdirAll(ctx context.Context, image string, dirs []string) error
	// Existing returns those of dirs that exist.
	Existing(ctx context.Context, image string, dirs []string) ([]string, error)
	// RemoveAll deletes dirs under Root with everything in them.
	RemoveAll(ctx context.Context, image string, dirs []string) error
	// Sync makes dir (under Root) hold exactly the files of the local folder
	// src, sending only the files whose content differs; it returns how many
	// files it sent or deleted.
	Sync(ctx context.Context, image, src, dir string) (int, error)
}

// PersistentDir is where an instance's persistent data lives on the target.
// A target without Files is the local disk as the project resolved it.
// An instance whose data is in a DockerOps v0.6+ <container>-<instance>
// folder (DashDataDir) gets that folder.
func (t Target) PersistentDir(in project.Instance) string {
	dash := in.Container + "-" + in.Instance
	if t.Files == nil && in.PersistentDir != nil {
		if in.DashDataDir {
			return filepath.Join(filepath.Dir(*in.PersistentDir), dash)
		}
		return *in.PersistentDir
	}
	if in.DashDataDir {
		return t.join(dash)
	}
	return t.DataDir(in.Container, in.Instance)
}

// DataDir is where the persistent data of instance of container lives
// under the target's data root.
func (t Target) DataDir(container, instance string) string {
	return t.join(container + "_" + instance)
}

// restart is the policy of an instance's container on the target: the run
// conf's or the task's, else unless-stopped on a host, so a droplet that
// reboots runs its instances again, and no on the local engine, where an
// engine restart (the laptop's reboot) should not bring back instances the
// user is done with. An interactive instance's container is removed when
// its shell exits: it never restarts.
func (t Target) restart(in project.Instance) project.RestartPolicy {
	switch {
	case in.Interactive:
		return project.RestartNo
	case in.Restart != "":
		return in.Restart
	case t.Host != "":
		return project.RestartUnlessStopped
	}
	return project.RestartNo
}

// VolumeSource is the path a volume is bound from on the target: a
// project-relative volume is its copy under the data root on a remote
// machine, the project's own folder locally; an absolute one is the
// machine's own path.
func (t Target) VolumeSource(v project.Volume) string {
	if v.Relative == "" || t.fs().Local() {
		return v.Source
	}
	return t.join("volumes", v.Relative)
}

func (t Target) join(parts ...string) string {
	if t.fs().Local() {
		return filepath.Join(append([]string{t.fs().Root()}, parts...)...)
	}
	return path.Join(append([]string{t.fs().Root()}, parts...)...)
}

// fs is the target's file system; a target without one is the local disk.
func (t Target) fs() Files {
	if t.Files == nil {
		return LocalFiles{}
	}
	return t.Files
}

// Describe names the target for messages: "host web1" or "the local engine".
func (t Target) Describe() string {
	if t.Host == "" {
		return "the local engine"
	}
	return "host " + t.Host
}

// LocalFiles is the local disk, under the project's data dir.
type LocalFiles struct{ Dir string }

func (l LocalFiles) Root() string { return l.Dir }
func (l LocalFiles) Local() bool  { return true }

func (l LocalFiles) MkdirAll(_ context.Context, _ string, dirs []string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("persistent data dir: %w", err)
		}
	}
	return nil
}

func (l LocalFiles) Existing(_ context.Context, _ string, dirs []string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			out = append(out, d)
		}
	}
	return out, nil
}

func (l LocalFiles) RemoveAll(_ context.Context, _ string, dirs []string) error {
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			return fmt.Errorf("purge %s: %w", d, err)
		}
	}
	return nil
}

// Sync has nothing to do locally: the project folder is bound in place.
func (l LocalFiles) Sync(context.Context, string, string, string) (int, error) { return 0, nil }
