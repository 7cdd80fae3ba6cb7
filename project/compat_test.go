package project

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The report line is the one the issue asks for, word for word.
func TestCompatReportLine(t *testing.T) {
	conf := strings.Repeat("# padding\n", 14) + "[{\"container\": \"dockerops-dns\", \"instance\": \"master\"},\n" +
		"{\"container\": \"web\", \"links\": [\"dockerops-dns-master:dns\"]}]\n"
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/dockerops-dns/Dockerfile": "FROM x\n",
		"apps_containers/web/Dockerfile":           "FROM x\n",
		"run.conf":                                 conf,
	})
	p := mustLoad(t, Options{Dir: dir})
	want := `run.conf:16: string link "dockerops-dns-master:dns" — modern form: {"name": "dns", "container": "dockerops-dns", "instance": "master"}`
	if len(p.Compat) != 1 || p.Compat[0].String() != want {
		t.Fatalf("compat %v, want one line %q", p.Compat, want)
	}
	l := p.Entries[1].Links[0]
	if l.Name != "dns" || l.Container != "dockerops-dns" || l.Instance == nil || *l.Instance != "master" {
		t.Errorf("link %+v", l)
	}
}

// The container of a string link is the longest container name followed by
// '-' that starts the target, so names with dashes work.
func TestStringLinkLongestContainer(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/db/Dockerfile":          "FROM x\n",
		"apps_containers/db-server/Dockerfile":   "FROM x\n",
		"apps_containers/db-server-x/Dockerfile": "FROM x\n",
		"apps_containers/web/Dockerfile":         "FROM x\n",
		"apps_containers/run.conf": `[
			{"container": "db", "instance": "server"},
			{"container": "db-server", "instance": "one"},
			{"container": "db-server-x", "instance": "two"},
			{"container": "web", "links": ["db-server-one:A", "db-server-x-two:B", "db-server:C", "db-server-one.b:D"]}
		]`,
	})
	// db-server-one.b is not an entry: the link check names it.
	errs := loadErrors(t, Options{Dir: dir})
	if len(errs) != 1 || !strings.Contains(errs[0], `link "D" targets instance "one.b" of container "db-server"`) {
		t.Fatalf("errors %q", errs)
	}
	os.WriteFile(filepath.Join(dir, "apps_containers", "run.conf"), []byte(`[
			{"container": "db", "instance": "server"},
			{"container": "db-server", "instance": "one"},
			{"container": "db-server-x", "instance": "two"},
			{"container": "web", "links": ["db-server-one:A", "db-server-x-two:B", "db-server:C"]}
		]`), 0o644)
	p := mustLoad(t, Options{Dir: dir})
	var got []string
	for _, l := range p.Entries[3].Links {
		got = append(got, l.Name+"="+l.Container+"/"+*l.Instance)
	}
	if want := []string{"A=db-server/one", "B=db-server-x/two", "C=db/server"}; !slices.Equal(got, want) {
		t.Errorf("links %v, want %v", got, want)
	}
}

// A "PREFIX*" link settles on the first other entry whose
// <container>-<instance> the prefix starts; it stays "any instance" unless
// the prefix reaches into the instance part.
func TestWildcardLinks(t *testing.T) {
	for _, tc := range []struct {
		link, want string
	}{
		{`{"name": "L", "container": "ca*", "instance": null}`, "cache/*"},
		{`{"name": "L", "container": "cache-t*", "instance": null}`, "cache/two"},
		{`{"name": "L", "container": "cache*", "instance": "one"}`, "cache/one"},
		{`{"name": "L", "container": "cache*", "instance": "three"}`, "cache/three"}, // no entry: the link check names it
		{`{"name": "L", "container": "w*", "instance": null}`, "worker/*"},           // never the entry itself
		{`{"name": "L", "container": "*", "instance": null}`, "cache/*"},
		{`{"name": "L", "container": "db*", "instance": null}`, "db/*"}, // no entry: the container
	} {
		t.Run(tc.link, func(t *testing.T) {
			dir := writeProject(t, "demo", map[string]string{
				"apps_containers/cache/Dockerfile":  "FROM x\n",
				"apps_containers/db/Dockerfile":     "FROM x\n",
				"apps_containers/web/Dockerfile":    "FROM x\n",
				"apps_containers/worker/Dockerfile": "FROM x\n",
				"apps_containers/run.conf": `[{"container": "cache", "instance": "one"}, {"container": "cache", "instance": "two"},
					{"container": "web", "instance": "one", "links": [` + tc.link + `]},
					{"container": "worker", "instance": "we"}]`,
			})
			opts := Options{Dir: dir, BaseContainer: testBase}
			p, err := Load(opts)
			if strings.HasSuffix(tc.want, "three") {
				if err == nil || !strings.Contains(err.Error(), `targets instance "three" of container "cache"`) {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			l := p.Entries[2].Links[0]
			got := l.Container + "/*"
			if l.Instance != nil {
				got = l.Container + "/" + *l.Instance
			}
			if got != tc.want {
				t.Errorf("settled on %s, want %s", got, tc.want)
			}
			if len(p.Compat) != 1 || !strings.HasPrefix(p.Compat[0].What, `wildcard link "L"`) {
				t.Errorf("compat %v", p.Compat)
			}
		})
	}
}

func TestNetHostAndServiceKeys(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"services/web/Dockerfile": "FROM x\n",
		"services/db/Dockerfile":  "FROM x\n",
		"default.conf": `[{"service": "db", "instance": "one"},
			{"service": "web", "instance": "one", "nethost": true, "links": [{"name": "DB", "service": "db", "instance": "one"}]}]`,
	})
	os.Remove(filepath.Join(dir, "apps_containers"))
	p := mustLoad(t, Options{Dir: dir})
	if p.AppsDir != filepath.Join(dir, "services") {
		t.Errorf("containers from %s, want services/", p.AppsDir)
	}
	ins, err := p.Resolve(Selection{Target: "all"}, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if ins[0].NetHost || !ins[1].NetHost || ins[1].Links[0].TargetContainer != "db" {
		t.Errorf("nethost %v %v, links %+v", ins[0].NetHost, ins[1].NetHost, ins[1].Links)
	}
	if in := resolveOne(t, p, Selection{Target: "web"}, Overrides{NetHost: ptr(false)}); in.NetHost {
		t.Error("nethost=False argument did not win over the run conf")
	}
	// APPS_CONTAINERS_DIR wins; an apps_containers/ folder wins over services/.
	os.MkdirAll(filepath.Join(dir, "apps_containers", "web"), 0o755)
	os.WriteFile(filepath.Join(dir, "apps_containers", "web", "Dockerfile"), []byte("FROM x\n"), 0o644)
	errs := loadErrors(t, Options{Dir: dir})
	if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, `container "db" is not in apps_containers`) }) {
		t.Errorf("with apps_containers/ present: %q", errs)
	}
}

// copyTestProject copies testdata/<kind>/<name> into a temp folder of the
// same name.
func copyTestProject(t *testing.T, kind, name string) string {
	t.Helper()
	src := filepath.Join("testdata", kind, name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func planJSON(t *testing.T, p *Project) string {
	t.Helper()
	ins, err := p.Resolve(Selection{Target: "all"}, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := MarshalPlan(p.Name, ins)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Migrate round-trips every old-format test project: the plan is the same
// before and after, nothing is left to migrate, and the original is kept.
func TestMigrateRoundTrip(t *testing.T) {
	migrated := 0
	for _, name := range projectDirs(t, "valid") {
		t.Run(name, func(t *testing.T) {
			dir := copyTestProject(t, "valid", name)
			p := mustLoad(t, Options{Dir: dir, Getenv: testEnv(t, dir)})
			if len(p.Compat) == 0 {
				return
			}
			migrated++
			before := planJSON(t, p)
			originals := map[string][]byte{}
			for _, c := range p.Compat {
				originals[c.path], _ = os.ReadFile(c.path)
			}
			done, manual, err := p.Migrate()
			if err != nil || len(manual) != 0 || len(done) != len(originals) {
				t.Fatalf("Migrate: %v, manual %v, done %v", err, manual, done)
			}
			after := mustLoad(t, Options{Dir: dir, Getenv: testEnv(t, dir)})
			if len(after.Compat) != 0 {
				t.Errorf("left after migrate: %v", after.Compat)
			}
			if got := planJSON(t, after); got != before {
				t.Errorf("plan changed:\n--- before\n%s\n--- after\n%s", before, got)
			}
			for path, data := range originals {
				if orig, _ := os.ReadFile(path + ".orig"); !bytes.Equal(orig, data) {
					t.Errorf("%s.orig is not the original", path)
				}
			}
			// A second migrate of the original would overwrite the .orig: refused.
			p2 := mustLoad(t, Options{Dir: dir, Getenv: testEnv(t, dir)})
			p2.Compat = p.Compat
			if _, _, err := p2.Migrate(); err == nil || !strings.Contains(err.Error(), ".orig exists") {
				t.Errorf("migrate over an existing .orig: %v", err)
			}
		})
	}
	if migrated < 3 {
		t.Errorf("only %d test projects use old constructs", migrated)
	}
}

// Entries with "instance": null are removed with the right commas, wherever
// they are in the list.
func TestMigrateRemovesNullEntries(t *testing.T) {
	n := `{"container": "web", "instance": null}`
	a, b := `{"container": "web", "instance": "a"}`, `{"container": "web", "instance": "b"}`
	for _, list := range [][]string{{n}, {n, a}, {a, n}, {a, n, n}, {n, n, a}, {a, n, b}, {n, a, n, b, n}} {
		conf := "[\n  " + strings.Join(list, ", # c\n  ") + "\n]\n"
		t.Run(conf, func(t *testing.T) {
			dir := webProject(t, conf)
			p := mustLoad(t, Options{Dir: dir})
			want := instancesOf(p.Entries, "web")
			if _, _, err := p.Migrate(); err != nil {
				t.Fatal(err)
			}
			after := mustLoad(t, Options{Dir: dir})
			if got := instancesOf(after.Entries, "web"); !slices.Equal(got, want) || len(after.Compat) != 0 {
				data, _ := os.ReadFile(filepath.Join(dir, "apps_containers", "run.conf"))
				t.Errorf("after migrate: instances %v (want %v), compat %v\n%s", got, want, after.Compat, data)
			}
		})
	}
}

// last_conf: a run conf named by host.conf is the default; a conf= given is
// recorded; a null last_conf (DockerOps v0.7) means none and is replaced.
func TestLastConf(t *testing.T) {
	dir := copyTestProject(t, "valid", "services_layout")
	p := mustLoad(t, Options{Dir: dir})
	if p.LastConf != "" || filepath.Base(p.RunConfPath) != "default.conf" {
		t.Fatalf("last_conf %q, run conf %s", p.LastConf, p.RunConfPath)
	}
	if err := p.RecordRunConf(""); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "host.conf")); string(data) != "{\"last_conf\": null}\n" {
		t.Errorf("a run without conf= changed host.conf: %s", data)
	}
	if err := p.RecordRunConf("run"); err != nil { // ".conf" is added, as DockerOps v0.7 did
		t.Fatal(err)
	}
	again := mustLoad(t, Options{Dir: dir})
	if again.LastConf != "run" || filepath.Base(again.RunConfPath) != "run.conf" || again.Entries[0].Instance != "ignored" {
		t.Errorf("after recording: last_conf %q, run conf %s", again.LastConf, again.RunConfPath)
	}
	if explicit := mustLoad(t, Options{Dir: dir, RunConf: "default.conf"}); filepath.Base(explicit.RunConfPath) != "default.conf" {
		t.Errorf("conf= did not win over last_conf: %s", explicit.RunConfPath)
	}
}
