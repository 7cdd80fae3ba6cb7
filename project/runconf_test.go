package project

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestYAMLRunConf(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/web/Dockerfile": "FROM x\n",
		"apps_containers/run.yaml": `x-common: &common
  group: g
  publish_ports: yes   # a string in YAML 1.2, so an error
entries_are_here: 1
instances:
  - container: web
    <<: *common
  - {container: web, instance: two, sleep: 0x10, linked: True}
`,
	})
	lines := loadErrors(t, Options{Dir: dir})
	want := []string{
		`apps_containers/run.yaml:3: "publish_ports" must be true or false, not a string`,
		`apps_containers/run.yaml:4: unknown key "entries_are_here" in a run conf; valid keys: include, instances`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("errors = %q, want %q", lines, want)
	}
	fixed := "instances:\n  - container: web\n    group: g\n  - {container: web, instance: two, sleep: 0x10, linked: True}\n"
	if err := os.WriteFile(filepath.Join(dir, "apps_containers/run.yaml"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	p := mustLoad(t, Options{Dir: dir})
	if len(p.Entries) != 2 || p.Entries[0].Group != "g" || *p.Entries[1].Sleep != 16 || !*p.Entries[1].Linked || p.Entries[1].Line != 4 {
		t.Errorf("entries = %+v", p.Entries)
	}
}

// TestIncludes checks include resolution and how included entries merge.
func TestIncludes(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/web/Dockerfile": "FROM x\n",
		"apps_containers/db/Dockerfile":  "FROM x\n",
		"apps_containers/run.conf": `{"include": ["envs/a.conf", "envs/b.yaml"], "instances": [
			{"container": "web", "instance": "two", "sleep": 3},
			{"container": "web", "instance": "three"}]}`,
		"apps_containers/envs/a.conf":   `[{"container": "db"}, {"container": "web", "instance": "two"}, {"container": "web", "instance": "x"}]`,
		"apps_containers/envs/b.yaml":   "include: [c/c.conf]\ninstances:\n  - {container: web, instance: x, group: from-b}\n",
		"apps_containers/envs/c/c.conf": `[{"container": "db", "instance": "c"}]`,
	})
	p := mustLoad(t, Options{Dir: dir})
	var got []string
	for _, e := range p.Entries {
		got = append(got, e.File+" "+e.Key()+" "+e.Group)
	}
	want := []string{
		"apps_containers/envs/a.conf db-one ",
		"apps_containers/run.conf web-two ",
		"apps_containers/envs/b.yaml web-x from-b",
		"apps_containers/envs/c/c.conf db-c ",
		"apps_containers/run.conf web-three ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if *p.Entries[1].Sleep != 3 {
		t.Errorf("the including file's entry did not replace the included one")
	}
}

func TestIncludeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"self include", map[string]string{"apps_containers/run.conf": "{\n\"include\": [\"run.conf\"]}"},
			[]string{"apps_containers/run.conf:2: include cycle: apps_containers/run.conf -> apps_containers/run.conf"}},
		{"missing", map[string]string{"apps_containers/run.conf": `{"include": ["nope.conf"]}`},
			[]string{`apps_containers/run.conf:1: include "apps_containers/nope.conf": no such file or directory`}},
		{"not a list", map[string]string{"apps_containers/run.conf": `{"include": "a.conf"}`},
			[]string{`apps_containers/run.conf:1: "include" must be a list of file names, not a string`}},
		{"problem in an included file", map[string]string{
			"apps_containers/run.conf": `{"include": ["a.conf"]}`,
			"apps_containers/a.conf":   "[\n{\"container\": \"web\", \"instance\": \"one\"},\n{\"container\": \"web\"}]"},
			[]string{`apps_containers/a.conf:3: duplicate instance "one" of container "web" (first at line 2)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.files["apps_containers/web/Dockerfile"] = "FROM x\n"
			lines := loadErrors(t, Options{Dir: writeProject(t, "demo", tc.files)})
			if !reflect.DeepEqual(lines, tc.want) {
				t.Errorf("errors = %q, want %q", lines, tc.want)
			}
		})
	}
}
