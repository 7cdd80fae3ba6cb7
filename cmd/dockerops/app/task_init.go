package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

var skeleton = map[string]string{
	"apps_containers/build.conf": `["dockerops-base", "app"]
`,
	"apps_containers/run.conf": `# Instances to run, in order. See ` + "`dockerops help:run`" + ` for every key.
[
    {"container": "app", "instance": "one", "env_vars": {"GREETING": "hello"}},
    {"container": "app", "instance": "master"}
]
`,
	"apps_containers/app/Dockerfile": `ARG PROJECT
FROM ${PROJECT}/dockerops-base

# A service is a supervisor program; supervisord (started by the base image)
# runs everything in /etc/supervisor/conf.d/.
COPY app.conf /etc/supervisor/conf.d/app.conf
RUN echo 'echo "$(date) started with GREETING=$GREETING" >> /data/started.log' >> /entrypoint-local.sh
EXPOSE 8080
`,
	"apps_containers/app/app.conf": `[program:app]
command=/bin/bash -c 'while true; do sleep 3600; done'
autorestart=true
`,
	".gitignore": `# machine-local settings and secrets, persistent data (with the project ssh key) and inventory
host.conf
apps_containers/host.conf
data_*/
inventory.json
`,
}

func runInit(_ context.Context, s *session, a Args) error {
	dir, err := s.projectDir()
	if err != nil {
		return err
	}
	if a.Arg != "" {
		dir = filepath.Join(dir, a.Arg)
	}
	if found, err := projectFiles(dir, s.getenv("APPS_CONTAINERS_DIR")); err != nil {
		return err
	} else if found != "" {
		return fmt.Errorf("init: %s is already a dockerops project (%s); nothing written", dir, found)
	}
	var exists []string
	for rel := range skeleton {
		if _, err := os.Stat(filepath.Join(dir, rel)); err == nil {
			exists = append(exists, rel)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	sort.Strings(exists)
	if len(exists) > 0 {
		return fmt.Errorf("%s already has %v; init never overwrites files", dir, exists)
	}
	for rel, content := range skeleton {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(s.env.Stdout, "new project in %s\nnext: dockerops build:all && dockerops run:all && dockerops ps\n", dir)
	return nil
}

// projectFiles describes what makes dir a project already: a build or run
// conf at its root or in its apps dir, or a container folder with a
// Dockerfile; "" when there is none. A second pair of confs would make the
// project fail to load ("found both").
func projectFiles(dir, appsDir string) (string, error) {
	apps := "apps_containers"
	if appsDir != "" {
		apps = appsDir
	}
	if filepath.IsAbs(apps) {
		if rel, err := filepath.Rel(dir, apps); err == nil {
			apps = rel
		}
	}
	var atRoot, inApps []string
	for _, base := range []string{"build", "run"} {
		for _, ext := range []string{".conf", ".yaml", ".yml"} {
			name := base + ext
			if isRegular(filepath.Join(dir, name)) {
				atRoot = append(atRoot, name)
			}
			if filepath.Clean(apps) != "." && isRegular(filepath.Join(dir, apps, name)) {
				inApps = append(inApps, filepath.Join(apps, name))
			}
		}
	}
	var parts []string
	if len(atRoot) > 0 {
		parts = append(parts, strings.Join(atRoot, " and ")+" at the project root")
	}
	if len(inApps) > 0 {
		parts = append(parts, strings.Join(inApps, " and "))
	}
	if len(parts) == 0 {
		entries, err := os.ReadDir(filepath.Join(dir, apps))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		for _, e := range entries {
			if df := filepath.Join(apps, e.Name(), "Dockerfile"); e.IsDir() && isRegular(filepath.Join(dir, df)) {
				parts = append(parts, df)
			}
		}
	}
	return strings.Join(parts, ", "), nil
}

func isRegular(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
