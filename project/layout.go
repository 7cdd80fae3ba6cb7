package project

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
)

// lastConfKey is the host.conf key where DockerOps v0.3+ kept the run conf
// of the last run.
const lastConfKey = "last_conf"

// servicesFallback points the containers folder at services/ (the second
// layout, DockerOps v0.5+: SERVICES_IMAGES_DIR) when APPS_CONTAINERS_DIR is
// not set and the project has no apps_containers/.
func servicesFallback(p paths, opts Options) paths {
	if opts.AppsDir != "" || isDir(p.apps) {
		return p
	}
	if services := againstDir(p.dir, opts.ServicesDir, "services"); isDir(services) {
		p.apps, p.services = services, true
	}
	return p
}

// defaultHostConfPath is where a new host.conf goes: beside the containers
// in the first layout, as dockerops always did; in the project dir for a
// services/ project, where DockerOps v0.5+ kept it.
func defaultHostConfPath(p paths) string {
	if p.services {
		return filepath.Join(p.dir, "host.conf")
	}
	return filepath.Join(p.apps, "host.conf")
}

// findRunConf is runConfPath, with host.conf's last_conf standing in for a
// conf= not given (DockerOps v0.3 to v0.6.1).
func (prj *Project) findRunConf(p paths, conf string, ps *problems) string {
	if conf != "" || prj.LastConf == "" {
		return runConfPath(p, conf, ps)
	}
	var found problems
	if path := runConfPath(p, prj.LastConf, &found); path != "" {
		prj.FromLastConf = true
		return path
	}
	ps.addf(p.rel(prj.HostConfPath), 0, "last_conf %q (the run conf of the last run with conf=) is not found in %s or %s: give conf=, or remove last_conf",
		prj.LastConf, p.dir, p.apps)
	return ""
}

// RecordRunConf saves conf, the conf= of a run, as host.conf's last_conf,
// so a later run without conf= uses it as DockerOps did. A run without
// conf= leaves it as it is.
func (prj *Project) RecordRunConf(conf string) error {
	if conf == "" || conf == prj.LastConf {
		return nil
	}
	if err := prj.SaveHostConf(map[string]string{lastConfKey: conf}); err != nil {
		return fmt.Errorf("record last_conf: %w", err)
	}
	prj.LastConf = conf
	return nil
}

func sortCompat(list []Compat) []Compat {
	slices.SortStableFunc(list, func(a, b Compat) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return list
}
