package project

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestBuildConf(t *testing.T) {
	for _, tc := range []struct {
		name, conf string
		want       []string
		wantErrs   []string
	}{
		{"list", `["dockerops-base", "web"]`, []string{"dockerops-base", "web"}, nil},
		{"any order is kept", `["web", "dockerops-base"]`, []string{"web", "dockerops-base"}, nil},
		{"empty list", `[]`, []string{}, nil},
		{"object", `{"web": 1}`, nil, []string{`apps_containers/build.conf:1: build.conf must be a list of container names, e.g. ["dockerops-base", "web"], not an object`}},
		{"unknown", "[\n\"web\",\n\"wbe\"]", nil, []string{`apps_containers/build.conf:3: build.conf lists container "wbe", which is not in apps_containers (did you mean "web"?)`}},
		{"twice", "[\"web\",\n\"web\"]", nil, []string{`apps_containers/build.conf:2: build.conf lists container "web" twice (first at line 1)`}},
		{"not a string", "[\"web\", null]", nil, []string{`apps_containers/build.conf:1: each build.conf item must be a container name, not null`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProject(t, "demo", map[string]string{
				"apps_containers/web/Dockerfile": "FROM x\n",
				"apps_containers/build.conf":     tc.conf,
			})
			if tc.wantErrs != nil {
				if lines := loadErrors(t, Options{Dir: dir}); !reflect.DeepEqual(lines, tc.wantErrs) {
					t.Errorf("errors = %q, want %q", lines, tc.wantErrs)
				}
				return
			}
			if p := mustLoad(t, Options{Dir: dir}); !reflect.DeepEqual(p.BuildOrder, tc.want) {
				t.Errorf("BuildOrder = %v, want %v", p.BuildOrder, tc.want)
			}
		})
	}
}

// TestDefaultBuildOrder checks the order without build.conf: base first,
// then by name, each after what it is built FROM.
func TestDefaultBuildOrder(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/a/Dockerfile":    "FROM demo/c\n",
		"apps_containers/b/Dockerfile":    "FROM ${PROJECT}/dockerops-base\n",
		"apps_containers/c/Dockerfile":    "FROM demo/b:1.0\n",
		"apps_containers/d/Dockerfile":    "FROM debian\n",
		"apps_containers/e/Dockerfile":    "FROM other/c\n",
		"apps_containers/nodf/README":     "not a container: no Dockerfile\n",
		"apps_containers/file-not-folder": "x",
	})
	p := mustLoad(t, Options{Dir: dir})
	want := []string{"dockerops-base", "b", "c", "a", "d", "e"}
	if !reflect.DeepEqual(p.BuildOrder, want) {
		t.Errorf("BuildOrder = %v, want %v", p.BuildOrder, want)
	}
	if got := p.Containers["a"].DependsOn; !reflect.DeepEqual(got, []string{"c"}) {
		t.Errorf("a depends on %v, want [c]", got)
	}
	if got := p.Containers["e"].DependsOn; len(got) != 0 {
		t.Errorf("e (FROM another project's image) depends on %v, want nothing", got)
	}
}

func TestFromContainer(t *testing.T) {
	for _, tc := range []struct{ ref, self, want string }{
		{"demo/web", "x", "web"},
		{"demo/web:1.2", "x", "web"},
		{"demo/web@sha256:abc", "x", "web"},
		{"DEMO/Web", "x", "web"},
		{"dockerops/dockerops-base", "x", "dockerops-base"},
		{"registry.example:5000/team/dockerops-base:latest", "x", "dockerops-base"},
		{"dockerops/dockerops-base", "dockerops-base", ""},
		{"demo/dockerops-base", "dockerops-base", "dockerops-base"},
		{"other/web", "x", ""},
		{"demo/a/b", "x", ""},
		{"debian:bookworm-slim", "x", ""},
		{"localhost:5000/demo", "x", ""},
		{"dockerops/dockerops-base-ubuntu14.04", "x", "dockerops-base"},
		{"demo/dockerops-base-ubuntu14.04", "x", "dockerops-base"},
		{"dockerops/dockerops-common-ubuntu14.04:latest", "x", "dockerops-base"},
		{"dockerops/dockerops-base-ubuntu14.04", "dockerops-base", ""},
		{"dockerops-base-ubuntu14.04", "x", ""},
		{"dockerops/dockerops-dns", "x", "dockerops-dns"},
		{"dockerops/dockerops-dns-ubuntu14.04", "x", "dockerops-dns"},
		{"dockerops/mybase", "x", "mybase"},
		{"dockerops/web", "x", ""},
		{"other/mybase", "x", ""},
	} {
		all := map[string]*Container{"web": {Name: "web"}, "mybase": {Name: "mybase", Base: true}, BaseName: {Name: BaseName}, DNSName: {Name: DNSName}}
		if got := fromContainer(tc.ref, "demo", tc.self, all); got != tc.want {
			t.Errorf("fromContainer(%q, self %q) = %q, want %q", tc.ref, tc.self, got, tc.want)
		}
	}
}

func TestOwnBaseReplacesBuiltIn(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/dockerops-base/Dockerfile": "FROM debian\nEXPOSE 2222\n",
	})
	p := mustLoad(t, Options{Dir: dir})
	base := p.Containers[BaseName]
	if base.Embedded || base.Dir != filepath.Join(dir, "apps_containers", BaseName) || len(base.Exposed) != 1 || base.Exposed[0].Container != 2222 {
		t.Errorf("base = %+v, want the project's own", base)
	}
	p = mustLoad(t, Options{Dir: writeProject(t, "demo", nil)})
	if base := p.Containers[BaseName]; !base.Embedded || base.Dir != "" || len(base.Exposed) != 1 || base.Exposed[0].Container != 22 {
		t.Errorf("base = %+v, want the built-in one", base)
	}
	p, err := Load(Options{Dir: writeProject(t, "demo", nil)})
	if err != nil || !p.Containers[BaseName].Embedded {
		t.Errorf("without BaseContainer: %v, %+v", err, p)
	}
}
