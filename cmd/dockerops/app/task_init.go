package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	var exists []string
	for rel := range skeleton {
		if _, err := os.Stat(filepath.Join(dir, rel)); err == nil {
			exists = append(exists, rel)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
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
