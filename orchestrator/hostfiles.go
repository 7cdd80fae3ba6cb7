package orchestrator

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// LabelHelper marks the short-lived helper containers HostFiles runs, with
// the project as value; they are not instances, so they carry no
// dockerops.project label and never show in ps or clean.
const LabelHelper = "dockerops.helper"

// helperMount is where a helper container sees the host's data root.
const helperMount = "/dockerops-root"

// HostFiles is a remote machine's file system, reached through that machine's
// own engine: a short-lived helper container of an image already on the
// host, with the data root bind-mounted, does the work, so no second channel
// (scp, sftp) to the machine is needed.
type HostFiles struct {
	Engine  Engine
	Dir     string // data root on the host, e.g. /var/lib/dockerops/<project>
	Project string
}

func (h HostFiles) Root() string { return h.Dir }
func (h HostFiles) Local() bool  { return false }

var helperSeq atomic.Int64

// inside maps paths under the data root to the helper's view of them, and
// refuses any other path: nothing outside the data root is ever touched.
func (h HostFiles) inside(dirs []string) ([]string, error) {
	out := make([]string, len(dirs))
	for i, d := range dirs {
		rel, ok := strings.CutPrefix(path.Clean(d), path.Clean(h.Dir)+"/")
		if !ok || rel == "" || strings.HasPrefix(rel, "../") || rel == ".." {
			return nil, fmt.Errorf("%s is not under the host's data root %s", d, h.Dir)
		}
		out[i] = path.Join(helperMount, rel)
	}
	return out, nil
}

// with runs fn against a helper container and removes it afterwards, even
// when ctx is cancelled.
func (h HostFiles) with(ctx context.Context, image string, fn func(id string) error) error {
	if image == "" {
		return fmt.Errorf("no image on the host to run a helper container with")
	}
	name := fmt.Sprintf("%s-dockerops-files-%d-%d", h.Project, time.Now().UnixNano(), helperSeq.Add(1))
	id, err := h.Engine.Create(ctx, ContainerSpec{
		Name:       name,
		Image:      image,
		Entrypoint: []string{"sleep"},
		Cmd:        []string{"infinity"},
		Binds:      []string{h.Dir + ":" + helperMount},
		Labels:     map[string]string{LabelHelper: h.Project},
	})
	if err != nil {
		return fmt.Errorf("helper container on the host: %w", err)
	}
	defer h.Engine.Remove(context.WithoutCancel(ctx), id)
	if err := h.Engine.Start(ctx, id); err != nil {
		return fmt.Errorf("helper container on the host: %w", err)
	}
	return fn(id)
}

// run executes a shell script as root in the helper and returns its stdout.
func (h HostFiles) run(ctx context.Context, id, script string, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := append([]string{"sh", "-c", script, "sh"}, args...)
	code, err := h.Engine.Exec(ctx, id, ExecSpec{Cmd: cmd, User: "root", Streams: Streams{Out: &out, Err: &errOut}})
	if err != nil {
		return "", err
	}
	if code != 0 {
		return "", fmt.Errorf("on the host: %s", strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

func (h HostFiles) MkdirAll(ctx context.Context, image string, dirs []string) error {
	in, err := h.inside(dirs)
	if err != nil || len(in) == 0 {
		return err
	}
	return h.with(ctx, image, func(id string) error {
		_, err := h.run(ctx, id, `mkdir -p -- "$@"`, in...)
		return err
	})
}

func (h HostFiles) Existing(ctx context.Context, image string, dirs []string) ([]string, error) {
	in, err := h.inside(dirs)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	var found []string
	err = h.with(ctx, image, func(id string) error {
		out, err := h.run(ctx, id, `for d; do [ -e "$d" ] && printf '%s\n' "$d"; done; true`, in...)
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if i := slices.Index(in, line); line != "" && i >= 0 {
				found = append(found, dirs[i])
			}
		}
		return err
	})
	return found, err
}

func (h HostFiles) RemoveAll(ctx context.Context, image string, dirs []string) error {
	in, err := h.inside(dirs)
	if err != nil || len(in) == 0 {
		return err
	}
	return h.with(ctx, image, func(id string) error {
		_, err := h.run(ctx, id, `rm -rf -- "$@"`, in...)
		return err
	})
}

// Sync compares content hashes (sha256 of every regular file) on both sides,
// then sends one tar of the files that differ and deletes those the local
// folder no longer has.
func (h HostFiles) Sync(ctx context.Context, image, src, dir string) (int, error) {
	local, err := localHashes(src)
	if err != nil {
		return 0, err
	}
	in, err := h.inside([]string{dir})
	if err != nil {
		return 0, err
	}
	changed := 0
	err = h.with(ctx, image, func(id string) error {
		out, err := h.run(ctx, id, `mkdir -p -- "$1" && cd "$1" && find . -type f -print0 | xargs -0r sha256sum -z`, in[0])
		if err != nil {
			return err
		}
		remote := parseHashes(out)
		var send, gone []string
		for _, name := range slices.Sorted(maps.Keys(local)) {
			if remote[name] != local[name] {
				send = append(send, name)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(remote)) {
			if _, ok := local[name]; !ok {
				gone = append(gone, name)
			}
		}
		if len(gone) > 0 {
			if _, err := h.run(ctx, id, `cd "$1" && shift && rm -f -- "$@"`, append([]string{in[0]}, gone...)...); err != nil {
				return err
			}
		}
		if len(send) > 0 {
			archive, err := tarFiles(src, send)
			if err != nil {
				return err
			}
			if err := h.Engine.CopyTo(ctx, id, in[0], archive); err != nil {
				return err
			}
		}
		changed = len(send) + len(gone)
		return nil
	})
	return changed, err
}

// localHashes maps every regular file under src, by slash path relative to
// src, to its sha256.
func localHashes(src string) (map[string]string, error) {
	info, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("volume source %s: %w", src, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("volume source %s is a file; only folders are copied to a host", src)
	}
	out := map[string]string{}
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	return out, err
}

// parseHashes reads `sha256sum -z` output: "HASH  ./NAME" records ended by NUL.
func parseHashes(out string) map[string]string {
	m := map[string]string{}
	for _, rec := range strings.Split(out, "\x00") {
		sum, name, ok := strings.Cut(rec, "  ")
		if ok {
			m[strings.TrimPrefix(name, "./")] = sum
		}
	}
	return m
}

// tarFiles packs the named files of src, keeping their modes.
func tarFiles(src string, names []string) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range names {
		p := filepath.Join(src, filepath.FromSlash(name))
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		hdr := &tar.Header{Name: name, Mode: int64(info.Mode().Perm()), Size: int64(len(data)), ModTime: info.ModTime()}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	return &buf, tw.Close()
}
