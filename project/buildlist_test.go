package project

import (
	"reflect"
	"strings"
	"testing"
)

func TestBuildList(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/lib/Dockerfile":  "FROM ${PROJECT}/dockerops-base\n",
		"apps_containers/app/Dockerfile":  "FROM demo/lib\n",
		"apps_containers/tool/Dockerfile": "FROM debian\n",
		"apps_containers/both/Dockerfile": "FROM demo/app AS a\nFROM demo/tool\n",
		"apps_containers/build.conf":      `["dockerops-base", "tool", "lib", "app"]`,
	})
	p := mustLoad(t, Options{Dir: dir})
	for _, tc := range []struct {
		name    string
		targets []string
		want    []string
		wantErr string
	}{
		{"all is build.conf", []string{"all"}, []string{"dockerops-base", "tool", "lib", "app"}, ""},
		{"nothing is all", nil, []string{"dockerops-base", "tool", "lib", "app"}, ""},
		{"one without deps", []string{"tool"}, []string{"tool"}, ""},
		{"deps first", []string{"app"}, []string{"dockerops-base", "lib", "app"}, ""},
		{"two FROMs", []string{"both"}, []string{"dockerops-base", "lib", "app", "tool", "both"}, ""},
		{"no repeats", []string{"lib", "app", "lib"}, []string{"dockerops-base", "lib", "app"}, ""},
		{"unknown names, all reported", []string{"ap", "nope", "app"}, nil, "no container \"ap\" in apps_containers (did you mean \"app\"?)\nno container \"nope\" in apps_containers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.BuildList(tc.targets)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Errorf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("BuildList(%v) = %v, %v; want %v", tc.targets, got, err, tc.want)
			}
		})
	}
	got, _ := p.BuildList([]string{"all"})
	got[0] = "changed"
	if p.BuildOrder[0] != "dockerops-base" {
		t.Errorf("BuildList returned the project's own slice")
	}
}
