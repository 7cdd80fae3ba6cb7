package project

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/project/conffile"
)

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"demo", "demo"},
		{"DockerOps", "dockerops"},
		{"My Project", "my-project"},
		{"my_project", "my_project"},
		{"web.app-2", "web-app-2"},
		{"--x--", "x"},
		{"a - _b", "a-b"},
		{"Café", "caf"},
		{"日本", ""},
		{"", ""},
	} {
		if got := Slug(tc.in); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLoadPaths(t *testing.T) {
	dir := writeProject(t, "My Demo", map[string]string{
		"apps_containers/web/Dockerfile": "FROM x\n",
		"containers/web/Dockerfile":      "FROM x\n",
		"containers/api/Dockerfile":      "FROM x\n",
	})
	for _, tc := range []struct {
		name           string
		opts           Options
		wantName       string
		wantApps       string
		wantData       string
		wantContainers []string
	}{
		{"defaults", Options{Dir: dir}, "my-demo", dir + "/apps_containers", dir + "/data_my-demo", []string{"dockerops-base", "web"}},
		{"PROJECT_NAME", Options{Dir: dir, Name: "other"}, "other", dir + "/apps_containers", dir + "/data_other", []string{"dockerops-base", "web"}},
		{"relative APPS_CONTAINERS_DIR", Options{Dir: dir, AppsDir: "containers"}, "my-demo", dir + "/containers", dir + "/data_my-demo", []string{"api", "dockerops-base", "web"}},
		{"absolute APPS_CONTAINERS_DIR", Options{Dir: dir, AppsDir: dir + "/containers"}, "my-demo", dir + "/containers", dir + "/data_my-demo", []string{"api", "dockerops-base", "web"}},
		{"relative DATA_DIR", Options{Dir: dir, DataDir: "state"}, "my-demo", dir + "/apps_containers", dir + "/state", []string{"dockerops-base", "web"}},
		{"absolute DATA_DIR", Options{Dir: dir, DataDir: "/var/lib/x"}, "my-demo", dir + "/apps_containers", "/var/lib/x", []string{"dockerops-base", "web"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustLoad(t, tc.opts)
			if p.Name != tc.wantName || p.AppsDir != tc.wantApps || p.DataDir != tc.wantData || p.Dir != dir {
				t.Errorf("got name %q apps %q data %q dir %q", p.Name, p.AppsDir, p.DataDir, p.Dir)
			}
			if got := slices.Sorted(maps.Keys(p.Containers)); !reflect.DeepEqual(got, tc.wantContainers) {
				t.Errorf("containers = %v, want %v", got, tc.wantContainers)
			}
			if p.HostConfPath != filepath.Join(tc.wantApps, "host.conf") {
				t.Errorf("HostConfPath = %q, want a new host.conf in the containers folder", p.HostConfPath)
			}
		})
	}
}

func TestLoadBadOptions(t *testing.T) {
	dir := writeProject(t, "demo", nil)
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"relative dir", Options{Dir: "demo"}, `project dir "demo" is not an absolute path`},
		{"missing dir", Options{Dir: dir + "/nope"}, "does not exist"},
		{"bad PROJECT_NAME", Options{Dir: dir, Name: "My App"}, `project name "My App" is not valid: use lower-case letters, digits, '_' and '-' (e.g. "my-app")`},
		{"no usable name", Options{Dir: filepath.Dir(dir) + "/日本"}, "set PROJECT_NAME"},
		{"missing containers folder", Options{Dir: dir, AppsDir: "nope"}, "nope: cannot read the containers folder"},
		{"missing conf=", Options{Dir: dir, RunConf: "prod.conf"}, "prod.conf: run conf not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "no usable name" {
				if err := os.Mkdir(tc.opts.Dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Load(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestConfLookup checks where build.conf, run.conf and host.conf are found
// and which format each is read in.
func TestConfLookup(t *testing.T) {
	df := map[string]string{"apps_containers/web/Dockerfile": "FROM ${PROJECT}/dockerops-base\n"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range df {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		files     map[string]string
		runConf   string
		wantRun   string // relative to the project dir; "" = none
		wantBuild []string
		wantHost  map[string]string
	}{
		{"nothing", with(nil), "", "", []string{"dockerops-base", "web"}, map[string]string{}},
		{"apps_containers, JSON", with(map[string]string{
			"apps_containers/run.conf":   `[{"container": "web"}]`,
			"apps_containers/build.conf": `["web"]`,
			"apps_containers/host.conf":  `{"A": "1"}`,
		}), "", "apps_containers/run.conf", []string{"web"}, map[string]string{"A": "1"}},
		{"project root, YAML", with(map[string]string{
			"run.yaml":  "- container: web\n",
			"build.yml": "[web, dockerops-base]\n",
			"host.yaml": "A: 1\n",
		}), "", "run.yaml", []string{"web", "dockerops-base"}, map[string]string{"A": "1"}},
		{"conf= relative to the project dir", with(map[string]string{
			"apps_containers/run.conf": `[{"container": "web"}]`,
			"envs/prod.conf":           `[{"container": "web", "instance": "prod"}]`,
		}), "envs/prod.conf", "envs/prod.conf", []string{"dockerops-base", "web"}, map[string]string{}},
		{"conf= falls back to apps_containers", with(map[string]string{
			"apps_containers/prod.yml": "[{container: web, instance: prod}]",
		}), "prod.yml", "apps_containers/prod.yml", []string{"dockerops-base", "web"}, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProject(t, "demo", tc.files)
			p := mustLoad(t, Options{Dir: dir, RunConf: tc.runConf})
			wantRun := ""
			if tc.wantRun != "" {
				wantRun = filepath.Join(dir, tc.wantRun)
			}
			if p.RunConfPath != wantRun {
				t.Errorf("RunConfPath = %q, want %q", p.RunConfPath, wantRun)
			}
			if !reflect.DeepEqual(p.BuildOrder, tc.wantBuild) {
				t.Errorf("BuildOrder = %v, want %v", p.BuildOrder, tc.wantBuild)
			}
			if !reflect.DeepEqual(p.HostConf, tc.wantHost) {
				t.Errorf("HostConf = %v, want %v", p.HostConf, tc.wantHost)
			}
			if tc.wantRun != "" && len(p.Entries) != 1 {
				t.Errorf("entries = %+v, want the one of %s", p.Entries, tc.wantRun)
			}
		})
	}
}

// TestJSONComments checks that whole '#' lines are comments, wherever they
// are indented, and that '#' elsewhere is data.
func TestJSONComments(t *testing.T) {
	dir := webProject(t, "# heading\n[\n    # indented comment\n\t# tab comment\n  {\"container\": \"web\", \"seed_command\": \"echo # not a comment\",\n# between keys\n   \"instance\": \"x\"}\n]\n# trailing\n")
	p := mustLoad(t, Options{Dir: dir})
	if len(p.Entries) != 1 {
		t.Fatalf("entries = %+v", p.Entries)
	}
	e := p.Entries[0]
	if e.Line != 5 || e.Instance != "x" || *e.SeedCommand != "echo # not a comment" {
		t.Errorf("entry = line %d instance %q seed %q", e.Line, e.Instance, *e.SeedCommand)
	}
}

// TestLoadErrors checks each kind of problem is reported with the file and
// line it is on.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		runConf string
		want    []string
	}{
		{"JSON syntax", "[\n{\"container\": \"web\"\n]", []string{"apps_containers/run.conf:3: JSON syntax error at column 1: invalid character ']' after object key:value pair"}},
		{"unclosed", "[\n{\"container\": \"web\"}", []string{"apps_containers/run.conf:2: JSON syntax error at column 21: unexpected end of file"}},
		{"empty file", "# nothing\n", []string{"apps_containers/run.conf:1: the file is empty"}},
		{"trailing data", "[]\n[]", []string{"apps_containers/run.conf:2: JSON syntax error at column 1: unexpected data after the end of the JSON value"}},
		{"not a list", `"web"`, []string{`apps_containers/run.conf:1: a run conf must be a list of entries, or an object {"include": [...], "instances": [...]}, not a string`}},
		{"unknown key", "[\n{\"container\": \"web\",\n \"publish_port\": true}]", []string{`apps_containers/run.conf:3: unknown key "publish_port" in an entry (did you mean "publish_ports"?)`}},
		{"unknown key, case", `[{"Container": "web"}]`, []string{`unknown key "Container" in an entry (did you mean "container"?)`, `entry has no "container"`}},
		{"unknown top key", `{"instance": []}`, []string{`apps_containers/run.conf:1: unknown key "instance" in a run conf (did you mean "instances"?)`}},
		{"key twice", "[{\"container\": \"web\",\n\"container\": \"db\"}]", []string{`apps_containers/run.conf:2: key "container" is given twice (first at line 1)`}},
		{"wrong types", "[{\"container\": \"web\",\n\"sleep\": true,\n\"publish_ports\": 1,\n\"group\": []}]", []string{
			`:2: "sleep" must be a number of seconds, not a boolean`,
			`:3: "publish_ports" must be true or false, not a number`,
			`:4: "group" must be a string, not a list`}},
		{"unknown container", "[\n{\"container\": \"wbe\"}]", []string{`apps_containers/run.conf:2: container "wbe" is not in apps_containers (did you mean "web"?)`}},
		{"duplicate instance", "[{\"container\": \"web\"},\n{\"container\": \"web\", \"instance\": \"one\"}]", []string{`apps_containers/run.conf:2: duplicate instance "one" of container "web" (first at line 1)`}},
		{"bad instance name", `[{"container": "web", "instance": "a b"}]`, []string{`instance name "a b" is not valid`}},
		{"link to unknown container", "[{\"container\": \"web\", \"links\": [\n{\"name\": \"DB\", \"container\": \"dbx\", \"instance\": null}]}]",
			[]string{`apps_containers/run.conf:2: link "DB" targets container "dbx", which is not in apps_containers (did you mean "db"?)`}},
		{"link to instance not in conf", "[{\"container\": \"db\"},\n{\"container\": \"web\", \"links\": [\n{\"name\": \"DB\", \"container\": \"db\", \"instance\": \"onee\"}]}]",
			[]string{`apps_containers/run.conf:3: link "DB" targets instance "onee" of container "db", which is not in run.conf (did you mean "one"?)`}},
		{"link to itself", `[{"container": "web", "links": [{"name": "ME", "container": "web", "instance": "one"}]}]`, []string{`link "ME" targets the instance itself`}},
		{"link without name", `[{"container": "web", "links": [{"container": "db"}]}]`, []string{`link has no "name"`}},
		{"link bad name", `[{"container": "web", "links": [{"name": "my-db", "container": "db"}]}]`, []string{`link name "my-db" is not valid`}},
		{"link twice", `[{"container": "web", "links": [{"name": "DB", "container": "db"}, {"name": "db", "container": "db"}]}]`, []string{`link "db" is given twice`}},
		{"invalid instance type", "[\n{\"container\": \"web\", \"instance_type\": \"Master\"}]", []string{`apps_containers/run.conf:2: invalid instance_type "Master" (did you mean "master"?)`}},
		{"bad volume", "[{\"container\": \"web\",\n\"volumes\": \"a:/b,c\"}]", []string{`apps_containers/run.conf:2: volume "c": expected HOST:CONTAINER or HOST:CONTAINER:ro`}},
		{"volume with ~", `[{"container": "web", "volumes": "~/x:/x"}]`, []string{`~ is not expanded`}},
		{"negative sleep", `[{"container": "web", "sleep": -2}]`, []string{`"sleep" must be zero or more seconds, not -2`}},
		{"huge sleep", `[{"container": "web", "sleep": 1e999}]`, []string{`"sleep" 1e999 is out of range`}},
		{"reserved env", `[{"container": "web", "env_vars": {"INSTANCE": "x"}}]`, []string{`env var "INSTANCE" is set by dockerops`}},
		{"bad env name", `[{"container": "web", "env_vars": {"A=B": "x"}}]`, []string{`env var name "A=B" is not valid`}},
		{"bad hostname", `[{"container": "web", "hostname": "a b"}]`, []string{`hostname "a b" is not valid`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := loadErrors(t, Options{Dir: webProject(t, tc.runConf)})
			all := strings.Join(lines, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("errors:\n%s\nwant one containing %q", all, w)
				}
			}
			if len(lines) != len(tc.want) {
				t.Errorf("got %d errors, want %d:\n%s", len(lines), len(tc.want), all)
			}
		})
	}
}

// TestErrorsAreConfErrors checks callers can inspect every problem.
func TestErrorsAreConfErrors(t *testing.T) {
	dir, _ := filepath.Abs("testdata/invalid/many_errors")
	_, err := Load(Options{Dir: dir, BaseContainer: testBase})
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %T is not a joined error", err)
	}
	if n := len(joined.Unwrap()); n < 10 {
		t.Errorf("got %d problems, want every one of the project's (>= 10)", n)
	}
	for _, e := range joined.Unwrap() {
		var ce *conffile.Error
		if !errors.As(e, &ce) || ce.File == "" || filepath.IsAbs(ce.File) {
			t.Errorf("%v is not a *conffile.Error with a project-relative file", e)
		}
	}
}
