package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitRefusesAnExistingProject: init in a project used to add a second
// build.conf and run.conf under apps_containers/, after which the project
// no longer loaded ("found both").
func TestInitRefusesAnExistingProject(t *testing.T) {
	cases := []struct {
		name  string
		files []string
		env   map[string]string
		want  string
	}{
		{"confs at the root", []string{"build.conf", "run.conf", "web/Dockerfile"}, nil,
			"(build.conf and run.conf at the project root); nothing written"},
		{"run.yaml at the root", []string{"run.yaml"}, nil, "(run.yaml at the project root)"},
		{"confs in apps_containers", []string{"apps_containers/build.conf", "apps_containers/run.conf"}, nil,
			"(apps_containers/build.conf and apps_containers/run.conf); nothing written"},
		{"a container folder without confs", []string{"apps_containers/web/Dockerfile"}, nil,
			"(apps_containers/web/Dockerfile); nothing written"},
		{"confs in APPS_CONTAINERS_DIR", []string{"containers/run.conf"}, map[string]string{"APPS_CONTAINERS_DIR": "containers"},
			"(containers/run.conf)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				writeFile(t, filepath.Join(dir, f), "[]\n")
			}
			before := listFiles(t, dir)
			code, _, stderr := run(t, dir, tc.env, "init")
			want := "dockerops: init: " + dir + " is already a dockerops project " + tc.want
			if code != exitFailure || !strings.Contains(stderr, want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
			}
			if after := listFiles(t, dir); strings.Join(after, " ") != strings.Join(before, " ") {
				t.Errorf("init wrote files in a project: before %v, after %v", before, after)
			}
		})
	}
	// A folder that only holds a Dockerfile is not a project yet: init
	// makes one that loads.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Dockerfile"), "FROM scratch\n")
	if code, _, stderr := run(t, dir, nil, "init"); code != exitOK {
		t.Fatalf("init next to a lone Dockerfile: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, dir, nil, "config:all"); code != exitOK {
		t.Errorf("the project init made does not load: exit %d: %s", code, stderr)
	}
	// init:NAME looks at NAME/, not at the project it is run in.
	dir = copyFixture(t, "testdata/fake")
	if code, _, stderr := run(t, dir, nil, "init:sub"); code != exitOK {
		t.Errorf("init:sub inside a project: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, dir, nil, "init:sub"); code != exitFailure || !strings.Contains(stderr, "already a dockerops project") {
		t.Errorf("second init:sub: exit %d: %s", code, stderr)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		rel, _ := filepath.Rel(dir, path)
		files = append(files, rel)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
