package project

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"
)

// Project is a loaded and fully validated project.
type Project struct {
	Name, Dir, AppsDir, DataDir string
	// Containers holds every apps_containers/<name>/Dockerfile, plus
	// "dockerops-base" (embedded unless the project has its own).
	Containers map[string]*Container
	// BuildOrder is build.conf's list, or without one: the base first,
	// then every container sorted by name, each after what it is built FROM.
	BuildOrder []string
	// Entries are the run conf's entries in run order, includes expanded.
	Entries  []Entry
	HostConf map[string]string
	// HostConfPath is the existing host.conf, or where SaveHostConf writes
	// a new one (AppsDir/host.conf; the project dir for a services/ project).
	HostConfPath string
	RunConfPath  string // "" when the project has no run conf
	// LastConf is host.conf's last_conf: the conf= of the last run that
	// gave one (DockerOps v0.3+), used when no conf= is given; "" = none.
	LastConf string
	// FromLastConf is set when the run conf is LastConf's, no conf= given.
	FromLastConf bool
	// Compat lists the constructs of later DockerOps releases the project's
	// run confs use, in file and line order (`dockerops config` prints them,
	// `dockerops migrate` rewrites them).
	Compat []Compat

	getenv   func(string) (string, bool)
	confName string // base name of the run conf, for messages
}

// Load reads and validates a project. On any problem it returns nil and all
// the problems joined, each a *conffile.Error naming file and line where it can.
func Load(opts Options) (*Project, error) {
	p, err := resolvePaths(opts)
	if err != nil {
		return nil, err
	}
	p = servicesFallback(p, opts)
	if !isDir(p.dir) {
		return nil, &conffile.Error{File: p.dir, Msg: "the project dir does not exist or is not a folder"}
	}
	ps := &problems{}
	prj := &Project{Name: p.name, Dir: p.dir, AppsDir: p.apps, DataDir: p.data, getenv: opts.Getenv}
	if prj.getenv == nil {
		prj.getenv = func(string) (string, bool) { return "", false }
	}
	prj.Containers = loadContainers(p, opts.BaseContainer, ps)
	loadRequiredEnv(p, prj.Containers, ps)

	prj.HostConf = map[string]string{}
	prj.HostConfPath = findConf(p, "host", ps)
	if prj.HostConfPath != "" {
		if data, err := conffile.Read(prj.HostConfPath); err != nil {
			ps.addf(p.rel(prj.HostConfPath), 0, "cannot read: %v", unwrapPath(err))
		} else if values, err := ParseHostConf(p.rel(prj.HostConfPath), data); err != nil {
			ps.add(err)
		} else {
			prj.HostConf = values
			prj.LastConf = values[lastConfKey]
		}
	} else {
		prj.HostConfPath = defaultHostConfPath(p)
	}

	if path := findConf(p, "build", ps); path != "" {
		prj.BuildOrder = loadBuildConf(p, path, prj.Containers, ps)
	} else {
		prj.BuildOrder = defaultBuildOrder(prj.Containers)
	}

	prj.RunConfPath = prj.findRunConf(p, opts.RunConf, ps)
	if prj.RunConfPath != "" {
		prj.confName = filepath.Base(prj.RunConfPath)
		notes := &compatNotes{}
		rl := &runLoader{p: p, ps: ps, containers: prj.Containers, done: map[string][]Entry{}, read: conffile.Read, canonical: true, notes: notes}
		prj.Entries = rl.load(prj.RunConfPath, nil, includer{})
		settleWildcards(prj.Entries, notes, ps)
		checkLinks(prj.Entries, prj.confName, ps)
		prj.Compat = sortCompat(notes.list)
	}
	prj.dropUnusedDNS()
	if err := ps.err(); err != nil {
		return nil, err
	}
	return prj, nil
}

// findConf looks for <base>.conf, .yaml and .yml in AppsDir and the project
// dir; two copies of one file is an error naming both.
func findConf(p paths, base string, ps *problems) string {
	dirs := []string{p.apps}
	if p.dir != p.apps {
		dirs = append(dirs, p.dir)
	}
	var found []string
	for _, dir := range dirs {
		for _, ext := range []string{".conf", ".yaml", ".yml"} {
			path := filepath.Join(dir, base+ext)
			if st, err := os.Stat(path); err == nil && !st.IsDir() {
				found = append(found, path)
			}
		}
	}
	if len(found) > 1 {
		names := make([]string, len(found))
		for i, f := range found {
			names[i] = p.rel(f)
		}
		ps.addf(names[1], 0, "found both %s; keep one %s file", strings.Join(names, " and "), base)
	}
	if len(found) == 0 {
		return ""
	}
	return found[0]
}

// runConfPath finds the run conf: conf= (relative to the project dir, then
// to AppsDir; ".conf" added when the name has no extension and is not found
// as written, as DockerOps v0.7 did) or the default: default.conf (DockerOps
// v0.7+), else run.conf.
func runConfPath(p paths, conf string, ps *problems) string {
	if conf == "" {
		if path := findConf(p, "default", ps); path != "" {
			return path
		}
		return findConf(p, "run", ps)
	}
	names := []string{conf}
	if filepath.Ext(conf) == "" {
		names = append(names, conf+".conf")
	}
	for _, name := range names {
		if filepath.IsAbs(name) {
			if isFile(name) {
				return filepath.Clean(name)
			}
			continue
		}
		for _, dir := range []string{p.dir, p.apps} {
			if path := filepath.Join(dir, name); isFile(path) {
				return path
			}
		}
	}
	ps.addf(conf, 0, "run conf not found (looked in %s and %s)", p.dir, p.apps)
	return ""
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
