package project

import (
	"path/filepath"
	"reflect"
	"testing"
)

// Base containers outside the project are built in FROM order with the
// project's; the original's own bases in that folder stand for the built-in
// ones, and an old FROM of them builds on dockerops-base, which the build
// also tags under the names the FROM lines use.
func TestBaseContainersDir(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/web/Dockerfile": "FROM dockerops/mybase\n",
		"apps_containers/old/Dockerfile": "FROM dockerops/dockerops-base-ubuntu14.04\n",
	})
	bases := writeProject(t, "install", map[string]string{
		"base_containers/mybase/Dockerfile":                       "FROM dockerops/dockerops-base-ubuntu14.04\n",
		"base_containers/dockerops-base-ubuntu14.04/Dockerfile":   "FROM dockerops/dockerops-common-ubuntu14.04\n",
		"base_containers/dockerops-common-ubuntu14.04/Dockerfile": "FROM ubuntu:14.04\n",
	})
	p := mustLoad(t, Options{Dir: dir, BaseDir: filepath.Join(bases, "base_containers")})
	if want := []string{"dockerops-base", "mybase", "old", "web"}; !reflect.DeepEqual(p.BuildOrder, want) {
		t.Errorf("BuildOrder = %v, want %v", p.BuildOrder, want)
	}
	if c := p.Containers["mybase"]; c == nil || !c.Base || !reflect.DeepEqual(c.Aliases, []string{"dockerops/mybase"}) {
		t.Errorf("mybase = %+v, want a base container aliased dockerops/mybase", c)
	}
	if got := p.Containers[BaseName].Aliases; !reflect.DeepEqual(got, []string{"dockerops/dockerops-base-ubuntu14.04"}) {
		t.Errorf("dockerops-base aliases = %v, want the old FROM name", got)
	}
	if _, ok := p.Containers["dockerops-common-ubuntu14.04"]; ok {
		t.Error("the original's own Ubuntu 14.04 base was loaded, want it skipped")
	}
}

func TestBaseContainersDirDefaultAndErrors(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/web/Dockerfile":    "FROM dockerops/mybase\n",
		"base_containers/mybase/Dockerfile": "FROM demo/dockerops-base\n",
	})
	p := mustLoad(t, Options{Dir: dir})
	if want := []string{"dockerops-base", "mybase", "web"}; !reflect.DeepEqual(p.BuildOrder, want) {
		t.Errorf("BuildOrder with <project>/base_containers = %v, want %v", p.BuildOrder, want)
	}
	if got := loadErrors(t, Options{Dir: dir, BaseDir: "nope"}); len(got) != 1 || got[0] != "nope: cannot read the base containers folder: no such file or directory (check BASE_CONTAINERS_DIR)" {
		t.Errorf("missing BASE_CONTAINERS_DIR: %q", got)
	}
	twice := writeProject(t, "demo", map[string]string{
		"apps_containers/mybase/Dockerfile": "FROM debian\n",
		"base_containers/mybase/Dockerfile": "FROM debian\n",
	})
	want := []string{`base_containers/mybase/Dockerfile: container "mybase" is both here and in apps_containers/mybase/Dockerfile; keep one`}
	if got := loadErrors(t, Options{Dir: twice}); !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// The built-in dockerops-dns is there for a run conf that runs or links it,
// and only then.
func TestBuiltinDNS(t *testing.T) {
	files := map[string]string{"apps_containers/web/Dockerfile": "FROM demo/dockerops-base\n"}
	p := mustLoad(t, Options{Dir: writeProject(t, "demo", files)})
	if _, ok := p.Containers[DNSName]; ok {
		t.Errorf("a project without DNS has %s (BuildOrder %v)", DNSName, p.BuildOrder)
	}
	files["apps_containers/run.conf"] = `[{"container": "dockerops-dns", "instance": "master"}, {"container": "web", "instance": "one", "links": [{"name": "dns", "container": "dockerops-dns", "instance": "master"}]}]`
	p = mustLoad(t, Options{Dir: writeProject(t, "demo", files)})
	if want := []string{"dockerops-base", "dockerops-dns", "web"}; !reflect.DeepEqual(p.BuildOrder, want) {
		t.Errorf("BuildOrder = %v, want %v", p.BuildOrder, want)
	}
	if c := p.Containers[DNSName]; !c.Embedded || c.EmbeddedDir != "dns" || !reflect.DeepEqual(c.DependsOn, []string{BaseName}) {
		t.Errorf("%s = %+v, want the built-in one, FROM the base", DNSName, c)
	}
}
