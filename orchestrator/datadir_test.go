package orchestrator_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
	"github.com/dockerops/dockerops/project"
)

// droplet is a remote machine's file system: the folders that exist on it.
type droplet struct {
	root string
	dirs map[string]bool
	asks int // Existing calls
}

func (d *droplet) Root() string { return d.root }
func (d *droplet) Local() bool  { return false }
func (d *droplet) MkdirAll(_ context.Context, _ string, dirs []string) error {
	for _, dir := range dirs {
		d.dirs[dir] = true
	}
	return nil
}
func (d *droplet) Existing(_ context.Context, _ string, dirs []string) ([]string, error) {
	d.asks++
	var out []string
	for _, dir := range dirs {
		if d.dirs[dir] {
			out = append(out, dir)
		}
	}
	return out, nil
}
func (d *droplet) RemoveAll(_ context.Context, _ string, dirs []string) error {
	for _, dir := range dirs {
		delete(d.dirs, dir)
	}
	return nil
}
func (d *droplet) Sync(context.Context, string, string, string) (int, error) { return 0, nil }

func persistentDB() project.Instance {
	db := inst("db", "one")
	db.PersistentData = true
	db.PersistentDir = ptr("/laptop/data_demo/db_one")
	return db
}

func persistentBind(t *testing.T, f *enginetest.Fake) string {
	t.Helper()
	spec, ok := f.Spec("demo-db-one")
	if !ok {
		t.Fatal("demo-db-one was not created")
	}
	for _, b := range spec.Binds {
		if strings.HasSuffix(b, ":"+orchestrator.PersistentMount) {
			return strings.TrimSuffix(b, ":"+orchestrator.PersistentMount)
		}
	}
	t.Fatalf("binds %v: no persistent folder", spec.Binds)
	return ""
}

// A droplet that holds a DockerOps v0.6+ db-one folder runs db/one on it,
// and dockerops never makes the db_one folder beside it; a second run
// changes nothing.
func TestPersistentDashFolderOnHost(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	root := "/var/lib/dockerops/demo"
	files := &droplet{root: root, dirs: map[string]bool{path.Join(root, "db-one"): true}}
	o.Host, o.Files = "web1", files
	apply(t, o, []project.Instance{persistentDB()}, orchestrator.PlanOptions{})
	if got := persistentBind(t, f); got != path.Join(root, "db-one") {
		t.Errorf("persistent folder = %s, want the existing %s/db-one", got, root)
	}
	if files.dirs[path.Join(root, "db_one")] {
		t.Errorf("db_one was created beside the existing db-one")
	}
	asked := files.asks
	plan, err := o.Plan(context.Background(), []project.Instance{persistentDB()}, orchestrator.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Changes() != 0 || files.asks != asked {
		t.Errorf("second run changes something or looks into the host's folders again (%d times):\n%s", files.asks-asked, plan)
	}
}

// A container dockerops made on db_one before the v0.6+ folder appeared
// keeps db_one: its spec is unchanged, so it is not recreated.
func TestPersistentFolderOfExistingContainerKept(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	root := "/var/lib/dockerops/demo"
	files := &droplet{root: root, dirs: map[string]bool{}}
	o.Host, o.Files = "web1", files
	apply(t, o, []project.Instance{persistentDB()}, orchestrator.PlanOptions{})
	files.dirs[path.Join(root, "db-one")] = true
	plan := apply(t, o, []project.Instance{persistentDB()}, orchestrator.PlanOptions{})
	if plan.Changes() != 0 || persistentBind(t, f) != path.Join(root, "db_one") {
		t.Errorf("persistent folder %s, plan:\n%s\nwant db_one kept, nothing changed", persistentBind(t, f), plan)
	}
}

// Without either folder, the underscore one is made; with both, the
// underscore one is used and a warning names both.
func TestPersistentFolderChoiceOnHost(t *testing.T) {
	root := "/var/lib/dockerops/demo"
	under, dash := path.Join(root, "db_one"), path.Join(root, "db-one")
	f := enginetest.New()
	o := newOrch(f)
	files := &droplet{root: root, dirs: map[string]bool{}}
	o.Host, o.Files = "web1", files
	apply(t, o, []project.Instance{persistentDB()}, orchestrator.PlanOptions{})
	if got := persistentBind(t, f); got != under || !files.dirs[under] || files.dirs[dash] {
		t.Errorf("persistent folder = %s, folders %v: want %s made and used", got, files.dirs, under)
	}

	f = enginetest.New()
	o = newOrch(f)
	rec := &orchestrator.Recorder{}
	files = &droplet{root: root, dirs: map[string]bool{under: true, dash: true}}
	o.Host, o.Files, o.Events = "web1", files, rec
	apply(t, o, []project.Instance{persistentDB()}, orchestrator.PlanOptions{})
	if got := persistentBind(t, f); got != under {
		t.Errorf("persistent folder = %s, want %s when both exist", got, under)
	}
	var warnings []string
	for _, e := range rec.Events() {
		if e.Status == orchestrator.Warning {
			warnings = append(warnings, e.Detail)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], under) || !strings.Contains(warnings[0], dash) {
		t.Errorf("warnings %q: want one naming %s and %s", warnings, under, dash)
	}
}

// On the local engine a data_<project>/web-one folder is found on disk,
// with the project's own data dir and with a target that has no Files.
func TestPersistentDashFolderLocal(t *testing.T) {
	data := t.TempDir()
	if err := os.Mkdir(filepath.Join(data, "db-one"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, files := range []orchestrator.Files{orchestrator.LocalFiles{Dir: data}, nil} {
		f := enginetest.New()
		o := newOrch(f)
		o.Files = files
		db := persistentDB()
		db.PersistentDir = ptr(filepath.Join(data, "db_one"))
		apply(t, o, []project.Instance{db}, orchestrator.PlanOptions{})
		if got := persistentBind(t, f); got != filepath.Join(data, "db-one") {
			t.Errorf("files %v: persistent folder = %s, want %s/db-one", files, got, data)
		}
		entries, _ := os.ReadDir(data)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{"db-one"}) {
			t.Errorf("files %v: data dir holds %v, want only db-one", files, names)
		}
	}
}

// Cleaning with purge removes an instance's v0.6+ folder as well.
func TestPurgeRemovesDashFolder(t *testing.T) {
	f := enginetest.New()
	o := newOrch(f)
	root := "/var/lib/dockerops/demo"
	files := &droplet{root: root, dirs: map[string]bool{path.Join(root, "db-one"): true}}
	o.Host, o.Files = "web1", files
	apply(t, o, []project.Instance{persistentDB()}, orchestrator.PlanOptions{})
	observed, err := f.Containers(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := o.PlanClean(context.Background(), observed, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if len(files.dirs) != 0 {
		t.Errorf("after the purge the host holds %v, want nothing", files.dirs)
	}
}
