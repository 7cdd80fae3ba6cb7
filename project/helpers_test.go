package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// testBase stands in for the embedded base_container in tests.
var testBase = fstest.MapFS{"Dockerfile": {Data: []byte(
	"ARG BASE_IMAGE=debian:bookworm-slim\nFROM ${BASE_IMAGE}\nEXPOSE 22\n")}}

// writeProject makes a project folder named name holding files (paths
// relative to it, slash-separated) and returns its absolute path.
func writeProject(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Join(dir, "apps_containers"), 0o755); err != nil {
		t.Fatal(err)
	}
	for path, text := range files {
		full := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// envMap turns a map into an Options.Getenv.
func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// mustLoad loads a project that must be valid.
func mustLoad(t *testing.T, opts Options) *Project {
	t.Helper()
	if opts.BaseContainer == nil {
		opts.BaseContainer = testBase
	}
	p, err := Load(opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return p
}

// loadErrors loads a project that must be invalid and returns its error
// lines.
func loadErrors(t *testing.T, opts Options) []string {
	t.Helper()
	if opts.BaseContainer == nil {
		opts.BaseContainer = testBase
	}
	p, err := Load(opts)
	if err == nil {
		t.Fatalf("Load succeeded (%d entries), want errors", len(p.Entries))
	}
	if p != nil {
		t.Errorf("Load returned a project along with errors")
	}
	return strings.Split(err.Error(), "\n")
}

// webProject is a one-container project with the given run.conf.
func webProject(t *testing.T, runConf string) string {
	return writeProject(t, "demo", map[string]string{
		"apps_containers/web/Dockerfile": "FROM ${PROJECT}/dockerops-base\nEXPOSE 8080\n#UDP_EXPOSE 53\n",
		"apps_containers/db/Dockerfile":  "FROM ${PROJECT}/dockerops-base\nEXPOSE 5432\n",
		"apps_containers/run.conf":       runConf,
	})
}

func ptr[T any](v T) *T { return &v }
