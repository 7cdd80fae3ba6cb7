package project

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// VolumeSpec is a run.conf volume as written: Host may be relative (to the
// project dir).
type VolumeSpec struct {
	Host     string
	Target   string
	ReadOnly bool
}

// parseVolume reads "HOST:CONTAINER", "HOST:CONTAINER:ro" or ":rw".
func parseVolume(s string) (VolumeSpec, error) {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, ":")
	var v VolumeSpec
	switch {
	case len(parts) == 2:
	case len(parts) == 3 && (parts[2] == "ro" || parts[2] == "rw"):
		v.ReadOnly = parts[2] == "ro"
	default:
		return v, fmt.Errorf("volume %q: expected HOST:CONTAINER or HOST:CONTAINER:ro", s)
	}
	v.Host, v.Target = parts[0], parts[1]
	switch {
	case strings.ContainsRune(s, 0):
		return v, fmt.Errorf("volume %q: contains a NUL byte", s)
	case v.Host == "":
		return v, fmt.Errorf("volume %q: the host path is empty", s)
	case strings.HasPrefix(v.Host, "~"):
		return v, fmt.Errorf("volume %q: ~ is not expanded; use an absolute path or one relative to the project dir", s)
	case !strings.HasPrefix(v.Target, "/"):
		return v, fmt.Errorf("volume %q: the container path %q must be absolute", s, v.Target)
	}
	v.Target = path.Clean(v.Target)
	return v, nil
}

// resolve makes the host path absolute against the project dir.
func (v VolumeSpec) resolve(dir string) Volume {
	host, rel := v.Host, ""
	if !filepath.IsAbs(host) {
		host = filepath.Join(dir, host)
		rel = path.Clean(filepath.ToSlash(v.Host))
	}
	return Volume{Source: filepath.Clean(host), Target: v.Target, ReadOnly: v.ReadOnly, Relative: rel}
}

// parseVolumeList reads the comma-separated string form of "volumes".
func parseVolumeList(s string) ([]VolumeSpec, error) {
	out := []VolumeSpec{}
	seen := map[string]bool{}
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		v, err := parseVolume(item)
		if err != nil {
			return nil, err
		}
		if seen[v.Target] {
			return nil, fmt.Errorf("volume %q: %s is mounted twice", item, v.Target)
		}
		seen[v.Target] = true
		out = append(out, v)
	}
	return out, nil
}
