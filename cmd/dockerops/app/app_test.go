package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs dockerops in-process in dir with extra environment.
func run(t *testing.T, dir string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) (string, bool) {
		if k == "PROJECT_DIR" && dir != "" {
			return dir, true
		}
		v, ok := env[k]
		return v, ok
	}
	code = Run(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: getenv})
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	writeProject(t, dir)
	cases := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"version"}, 0, ""},
		{[]string{"help"}, 0, ""},
		{[]string{"--help"}, 0, ""},
		{[]string{"help:run"}, 0, ""},
		{[]string{"nosuchtask"}, 2, "unknown task"},
		{[]string{"config:all,bogus=1"}, 2, "valid keys: format, conf"},
		{[]string{"config:all,publish_ports=maybe"}, 2, "not a boolean"},
		{[]string{"version", "config,bogus"}, 2, "no key \"bogus\""},
		{[]string{"config:nosuch"}, 1, "nosuch"},
		{[]string{"config:all,format=xml"}, 2, "format"},
		{[]string{"clean:all"}, 1, ""}, // engine or confirmation: never silently succeeds without force
	}
	for _, tc := range cases {
		code, _, stderr := run(t, dir, map[string]string{"DOCKER_HOST": "unix:///nonexistent/docker.sock"}, tc.args...)
		if code != tc.code {
			t.Errorf("dockerops %v: exit %d, want %d (stderr: %s)", tc.args, code, tc.code, stderr)
		}
		if !strings.Contains(stderr, tc.inStderr) {
			t.Errorf("dockerops %v: stderr %q does not mention %q", tc.args, stderr, tc.inStderr)
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Errorf("dockerops %v printed a stack trace:\n%s", tc.args, stderr)
		}
	}
}

func TestUsageErrorRunsNothing(t *testing.T) {
	dir := t.TempDir()
	code, _, _ := run(t, dir, nil, "init", "run:all,bogus=1")
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "apps_containers")); err == nil {
		t.Error("init ran although a later task on the command line was malformed")
	}
}

func TestHelpDescribesEveryTaskAndKey(t *testing.T) {
	_, out, _ := run(t, "", nil, "help")
	for _, task := range tasks {
		if !strings.Contains(out, "  "+task.Name) {
			t.Errorf("help does not list %s", task.Name)
		}
		_, one, _ := run(t, "", nil, "help:"+task.Name)
		for _, k := range task.Keys {
			if !strings.Contains(one, k.Name) {
				t.Errorf("help:%s does not describe key %s", task.Name, k.Name)
			}
		}
	}
}

func TestEngineDownIsOneClearLine(t *testing.T) {
	dir := t.TempDir()
	writeProject(t, dir)
	code, _, stderr := run(t, dir, map[string]string{"DOCKER_HOST": "unix:///nonexistent/docker.sock"}, "ps")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1; lines != 1 || !strings.Contains(stderr, "start") {
		t.Errorf("want one line saying how to start the engine, got:\n%s", stderr)
	}
}

func TestInitThenConfig(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, dir, nil, "init"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	code, out, stderr := run(t, dir, nil, "config:all,format=json")
	if code != 0 {
		t.Fatalf("config: exit %d: %s", code, stderr)
	}
	name := strings.ToLower(filepath.Base(dir))
	if !strings.Contains(out, `"name": "`+name+`-app-master"`) || !strings.Contains(out, `"host": 8080`) {
		t.Errorf("config of a new project lacks the master instance with its published port:\n%s", out)
	}
	gitignore, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if !strings.Contains(string(gitignore), "host.conf") || !strings.Contains(string(gitignore), "data_") {
		t.Errorf(".gitignore must keep host.conf and data out of git:\n%s", gitignore)
	}
	if code, _, _ := run(t, dir, nil, "init"); code != 1 {
		t.Errorf("second init: exit %d, want 1 (never overwrite)", code)
	}
}

func writeProject(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"apps_containers/build.conf":     `["dockerops-base", "web"]`,
		"apps_containers/run.conf":       `[{"container": "web", "instance": "master"}]`,
		"apps_containers/web/Dockerfile": "ARG PROJECT\nFROM ${PROJECT}/dockerops-base\nEXPOSE 8080\n",
	}
	for rel, content := range files {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestInterruptExits130(t *testing.T) {
	dir := t.TempDir()
	writeProject(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	getenv := func(k string) (string, bool) {
		if k == "PROJECT_DIR" {
			return dir, true
		}
		return "", false
	}
	code := Run(ctx, []string{"config"}, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: getenv})
	if code != 130 || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 130 and \"interrupted\"", code, errb.String())
	}
}
