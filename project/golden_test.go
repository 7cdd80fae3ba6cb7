package project

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./project -run %s -update)", err, t.Name())
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is right)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func projectDirs(t *testing.T, kind string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", kind))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatalf("no projects in testdata/%s", kind)
	}
	return names
}

// testEnv reads the optional test.env (KEY=VALUE) of a test project: the
// process environment its test runs with.
func testEnv(t *testing.T, dir string) func(string) (string, bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "test.env"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	env, err := ParseHostConf("test.env", data)
	if err != nil {
		t.Fatal(err)
	}
	return envMap(env)
}

// TestGoldenValid pins the resolved plan (config,format=json) and the
// containers and build order of every project in testdata/valid.
func TestGoldenValid(t *testing.T) {
	for _, name := range projectDirs(t, "valid") {
		t.Run(name, func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join("testdata", "valid", name))
			if err != nil {
				t.Fatal(err)
			}
			p := mustLoad(t, Options{Dir: dir, Getenv: testEnv(t, dir)})
			instances, err := p.Resolve(Selection{Target: "all"}, Overrides{})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			plan, err := MarshalPlan(p.Name, instances)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("valid", name+".json"), []byte(strings.ReplaceAll(string(plan), dir, "$PROJECT_DIR")+"\n"))
			golden(t, filepath.Join("valid", name+".txt"), []byte(strings.ReplaceAll(summary(p, instances), dir, "$PROJECT_DIR")))
		})
	}
}

// summary describes what the plan JSON does not show.
func summary(p *Project, instances []Instance) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\ndir: %s\napps: %s\ndata: %s\nrun conf: %s\nhost conf: %s\n",
		p.Name, p.Dir, p.AppsDir, p.DataDir, p.RunConfPath, p.HostConfPath)
	fmt.Fprintf(&b, "build order: %s\n", strings.Join(p.BuildOrder, ", "))
	for _, name := range slices.Sorted(maps.Keys(p.Containers)) {
		c := p.Containers[name]
		var ports []string
		for _, port := range c.Exposed {
			ports = append(ports, fmt.Sprintf("%d/%s", port.Container, port.Protocol))
		}
		fmt.Fprintf(&b, "container %s: embedded=%v dir=%s\n  from: %s\n  depends on: %s\n  exposed: %s\n",
			name, c.Embedded, c.Dir, strings.Join(c.From, ", "), strings.Join(c.DependsOn, ", "), strings.Join(ports, " "))
	}
	keys := slices.Sorted(maps.Keys(p.HostConf))
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "host.conf %s=%q\n", k, p.HostConf[k])
	}
	for _, e := range p.Entries {
		fmt.Fprintf(&b, "entry %s:%d %s/%s\n", e.File, e.Line, e.Container, e.Instance)
	}
	for _, in := range instances {
		fmt.Fprintf(&b, "instance %s missing env: %s\n", in.Name, strings.Join(in.MissingEnv, ", "))
	}
	for _, c := range p.Compat {
		fmt.Fprintf(&b, "compat %s\n", c)
	}
	return b.String()
}

// TestGoldenInvalid pins the complete error list of every project in
// testdata/invalid: each problem with its file and line, all at once.
func TestGoldenInvalid(t *testing.T) {
	for _, name := range projectDirs(t, "invalid") {
		t.Run(name, func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join("testdata", "invalid", name))
			if err != nil {
				t.Fatal(err)
			}
			lines := loadErrors(t, Options{Dir: dir})
			out := strings.ReplaceAll(strings.Join(lines, "\n"), dir, "$PROJECT_DIR") + "\n"
			golden(t, filepath.Join("invalid", name+".txt"), []byte(out))
		})
	}
}
