package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dockerops/dockerops/project/conffile"
)

// fuzzContainers is the project the fuzzed files are checked against.
func fuzzContainers() map[string]*Container {
	return map[string]*Container{
		"web":    {Name: "web", Exposed: []Port{{80, 80, "tcp"}}},
		"db":     {Name: "db"},
		BaseName: {Name: BaseName, Embedded: true},
	}
}

// checkProblems asserts every problem is a ConfError of file with a line
// inside the data.
func checkProblems(t *testing.T, ps *problems, file string, data []byte) {
	t.Helper()
	lines := maxLines(data)
	for _, err := range ps.list {
		var ce *conffile.Error
		if !errors.As(err, &ce) {
			t.Fatalf("problem %v is not a *conffile.Error", err)
		}
		if ce.File != file || ce.Line < 0 || ce.Line > lines || ce.Msg == "" {
			t.Fatalf("problem %q: file %q line %d outside %s (%d lines)", ce.Error(), ce.File, ce.Line, file, lines)
		}
	}
}

// maxLines counts lines as generously as YAML does: a lone CR and the
// Unicode line breaks end a line too.
func maxLines(data []byte) int {
	n := 1
	for _, sep := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		n += bytes.Count(data, []byte(sep))
	}
	return n
}

func FuzzRunConf(f *testing.F) {
	f.Add([]byte(`[{"container": "web", "instance": "master", "links": [{"name": "DB", "container": "db", "instance": null}]}]`), false)
	f.Add([]byte("# c\n{\"include\": [\"run.conf\"], \"instances\": [{\"container\": \"db\", \"env_vars\": {\"A\": null, \"B\": 1}}]}"), false)
	f.Add([]byte("x-a: &a {group: g}\ninstances:\n  - {container: web, <<: *a, volumes: [\"a:/b:ro\"]}\n"), true)
	f.Add([]byte("- {container: web, restart: \"on-failure:3\"}\n- {container: web, instance: interactive, restart: always}\n"), true)
	f.Add([]byte("[{\"service\": \"db\", \"instance\": \"one\"}, # c\n{\"container\": \"web\", \"links\": [\"db-one:DB\", {\"name\": \"W\", \"service\": \"w*\", \"instance\": null}]}, {\"container\": \"db\", \"instance\": null}]"), false)
	f.Fuzz(func(t *testing.T, data []byte, isYAML bool) {
		file := "apps_containers/run.conf"
		if isYAML {
			file = "apps_containers/run.yaml"
		}
		entries, notes, ps := fuzzLoad(file, data)
		checkProblems(t, ps, file, data)
		if len(ps.list) > 0 {
			return
		}
		prj := &Project{Name: "demo", Dir: "/p", AppsDir: "/p/apps_containers", DataDir: "/p/data_demo", Containers: fuzzContainers(), Entries: entries}
		ins, err := prj.Resolve(Selection{}, Overrides{})
		if err != nil {
			t.Fatalf("a valid run conf does not resolve: %v", err)
		}
		// What migrate writes loads, has nothing left to migrate, and
		// resolves to the same plan.
		var rewritable []Compat
		for _, c := range notes {
			if c.Rewritable() {
				rewritable = append(rewritable, c)
			}
		}
		if len(rewritable) > 0 && len(rewritable) == len(notes) {
			migrated := applyEdits(data, rewritable)
			entries2, notes2, ps2 := fuzzLoad(file, migrated)
			if len(ps2.list) > 0 || len(notes2) > 0 {
				t.Fatalf("migrated conf: problems %v, left %v\n%s", ps2.err(), notes2, migrated)
			}
			prj2 := &Project{Name: "demo", Dir: "/p", AppsDir: "/p/apps_containers", DataDir: "/p/data_demo", Containers: fuzzContainers(), Entries: entries2}
			ins2, err := prj2.Resolve(Selection{}, Overrides{})
			a, _ := MarshalPlan("demo", ins)
			b, _ := MarshalPlan("demo", ins2)
			if err != nil || !bytes.Equal(a, b) {
				t.Fatalf("migrate changed the plan (%v):\n%s\n---\n%s\n--- from\n%s\n--- to\n%s", err, a, b, data, migrated)
			}
		}
		if len(ins) != len(entries) {
			t.Fatalf("%d entries resolved into %d instances", len(entries), len(ins))
		}
		out, err := MarshalPlan("demo", ins)
		if err != nil || !json.Valid(out) {
			t.Fatalf("plan is not JSON: %v\n%s", err, out)
		}
		for _, in := range ins {
			if in.Ports == nil || in.Links == nil || in.Volumes == nil || in.Env == nil {
				t.Fatalf("nil list in %+v", in)
			}
			if in.Env["CONTAINER"] != in.Container {
				t.Fatalf("CONTAINER env %q for %q", in.Env["CONTAINER"], in.Container)
			}
		}
	})
}

func FuzzBuildConf(f *testing.F) {
	f.Add([]byte(`["dockerops-base", "web"]`), false)
	f.Add([]byte("# order\n[\"db\",\n\"web\", \"db\"]"), false)
	f.Add([]byte("- dockerops-base\n- web\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, isYAML bool) {
		ps := &problems{}
		order := parseBuildConf("build.conf", data, isYAML, fuzzContainers(), "apps_containers", ps)
		checkProblems(t, ps, "build.conf", data)
		seen := map[string]bool{}
		for _, name := range order {
			if fuzzContainers()[name] == nil || seen[name] {
				t.Fatalf("order %q has an unknown or repeated container", order)
			}
			seen[name] = true
		}
	})
}

func FuzzHostConf(f *testing.F) {
	f.Add([]byte(`{"HOST_FQDN": "devbox"}`), uint8(0), "new value")
	f.Add([]byte("# c\nA=1\nexport B=\"two\"\n"), uint8(0), " padded ")
	f.Add([]byte("A: 1\nB: [x]\n"), uint8(1), "\"quoted\"")
	f.Fuzz(func(t *testing.T, data []byte, yamlName uint8, value string) {
		file := "host.conf"
		if yamlName%2 == 1 {
			file = "host.yaml"
		}
		doc, err := parseHostDoc(file, data)
		if err != nil {
			var ce *conffile.Error
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				if !errors.As(e, &ce) || ce.File != file {
					t.Fatalf("problem %v is not a *conffile.Error of %s", e, file)
				}
			}
			return
		}
		// Writing back every value unchanged plus one new key keeps them all.
		want := map[string]string{"FUZZ_NEW": value}
		for k, v := range doc.values {
			want[k] = v
		}
		out, err := doc.update(want)
		if err != nil {
			if doc.format == hostLines && strings.Contains(value, "\n") {
				return // KEY=VALUE lines cannot hold a line break: refused
			}
			if doc.format == hostJSON && !utf8.ValidString(value) {
				return // JSON cannot hold it: refused
			}
			if doc.format == hostYAML {
				return // yaml.v3 may refuse to encode an odd document
			}
			t.Fatalf("update: %v", err)
		}
		got, err := ParseHostConf(file, out)
		if err != nil {
			if doc.format == hostYAML {
				return // SaveHostConf checks the result and refuses to write it
			}
			t.Fatalf("updated file does not parse: %v\n%q", err, out)
		}
		for k, v := range want {
			if got[k] != v && doc.format != hostYAML {
				t.Fatalf("%s = %q after update, want %q\n%q", k, got[k], v, out)
			}
		}
	})
}

func FuzzDockerfilePorts(f *testing.F) {
	f.Add([]byte("FROM ${PROJECT}/dockerops-base\nEXPOSE 80 443/tcp 53/udp\n#UDP_EXPOSE 5353\n"))
	f.Add([]byte("ARG P=8000\nENV Q 9000\nEXPOSE $P-${Q} \\\n # c\n 1\nRUN <<EOF\nEXPOSE 2\nEOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		df := parseDockerfile(data, "demo")
		seen := map[Port]bool{}
		for _, p := range df.exposed {
			if p.Container < 1 || p.Container > 65535 || p.Host != p.Container || (p.Protocol != "tcp" && p.Protocol != "udp") || seen[p] {
				t.Fatalf("bad or repeated port %+v", p)
			}
			seen[p] = true
		}
		lines := maxLines(data)
		for _, e := range df.errs {
			if e.line < 1 || e.line > lines {
				t.Fatalf("error %q at line %d of %d", e.msg, e.line, lines)
			}
		}
		if len(df.from) != len(df.fromLine) {
			t.Fatalf("from %v lines %v", df.from, df.fromLine)
		}
	})
}

// fuzzLoad loads data as the run conf file of a project of fuzzContainers.
func fuzzLoad(file string, data []byte) ([]Entry, []Compat, *problems) {
	p := paths{dir: "/p", name: "demo", apps: "/p/apps_containers", data: "/p/data_demo"}
	top := "/p/" + file
	ps := &problems{}
	notes := &compatNotes{}
	rl := &runLoader{p: p, ps: ps, containers: fuzzContainers(), done: map[string][]Entry{}, notes: notes,
		read: func(path string) ([]byte, error) {
			if path == top {
				return data, nil
			}
			return nil, fs.ErrNotExist
		}}
	entries := rl.load(top, nil, includer{})
	settleWildcards(entries, notes, ps)
	checkLinks(entries, "run.conf", ps)
	return entries, notes.list, ps
}
