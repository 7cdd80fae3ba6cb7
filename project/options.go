package project

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// Options says where a project lives and what the process environment holds.
// The CLI fills it from PROJECT_DIR, PROJECT_NAME, APPS_CONTAINERS_DIR,
// DATA_DIR and conf=; the package itself never reads the environment.
type Options struct {
	Dir     string // project dir, absolute
	Name    string // "" = Slug of the base name of Dir (PROJECT_NAME)
	AppsDir string // "" = <Dir>/apps_containers (APPS_CONTAINERS_DIR; relative = against Dir)
	// ServicesDir is where DockerOps v0.5+ projects keep their containers,
	// used when AppsDir is not given and <Dir>/apps_containers does not
	// exist: "" = <Dir>/services (SERVICES_IMAGES_DIR; relative = against Dir).
	ServicesDir string
	DataDir     string // "" = <Dir>/data_<name>, parent of the per-instance dirs (DATA_DIR)
	RunConf     string // "" = the default run.conf; else a path (relative = against Dir, then AppsDir)
	// Getenv looks up the process environment; nil = empty environment.
	Getenv func(key string) (string, bool)
	// BaseDir holds base containers outside the project
	// (BASE_CONTAINERS_DIR, BASE_IMAGES_DIR); "" = <Dir>/base_containers
	// when it exists.
	BaseDir string
	// BaseContainer holds the built-in dockerops-base container (a
	// "Dockerfile" at its root) and dockerops-dns (dns/Dockerfile); nil in
	// tests that do not need their ports.
	BaseContainer fs.FS
}

// BaseName is the name of the base container every project has.
const BaseName = "dockerops-base"

// DefaultInstance is the instance name used when run.conf or the command
// line names none.
const DefaultInstance = "one"

// Slug reduces s to a project name: lower case, characters outside
// [a-z0-9_-] become '-', runs of separators collapse to their first one,
// and separators are trimmed from both ends. It may return "".
func Slug(s string) string {
	var b strings.Builder
	lastSep := true // trims leading separators
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			lastSep = false
		default:
			if lastSep {
				continue
			}
			if r != '_' {
				r = '-'
			}
			b.WriteRune(r)
			lastSep = true
		}
	}
	return strings.TrimRight(b.String(), "-_")
}

// paths are the resolved locations of a project.
type paths struct {
	dir, name, apps, data string
	services              bool   // apps is a DockerOps v0.5+ services/ folder
	base                  string // the base containers dir
	baseSet               bool   // named by Options.BaseDir, so it must exist
}

func resolvePaths(opts Options) (paths, error) {
	if opts.Dir == "" || !filepath.IsAbs(opts.Dir) {
		return paths{}, fmt.Errorf("project dir %q is not an absolute path", opts.Dir)
	}
	p := paths{dir: filepath.Clean(opts.Dir)}
	p.name = opts.Name
	if p.name == "" {
		p.name = Slug(filepath.Base(p.dir))
		if p.name == "" {
			return paths{}, fmt.Errorf("cannot make a project name from folder %q: set PROJECT_NAME", filepath.Base(p.dir))
		}
	} else if Slug(p.name) != p.name {
		return paths{}, fmt.Errorf("project name %q is not valid: use lower-case letters, digits, '_' and '-' (e.g. %q)", p.name, Slug(p.name))
	}
	p.apps = againstDir(p.dir, opts.AppsDir, "apps_containers")
	p.data = againstDir(p.dir, opts.DataDir, "data_"+p.name)
	p.base, p.baseSet = againstDir(p.dir, opts.BaseDir, "base_containers"), opts.BaseDir != ""
	return p, nil
}

// againstDir makes path absolute against dir, using def when path is "".
func againstDir(dir, path, def string) string {
	if path == "" {
		path = def
	}
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(dir, path)
}

// rel names a file for messages: relative to the project dir when inside
// it, slash-separated; absolute otherwise.
func (p paths) rel(path string) string {
	r, err := filepath.Rel(p.dir, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return path
	}
	return filepath.ToSlash(r)
}
