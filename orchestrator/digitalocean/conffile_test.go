package digitalocean

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/project"
	"github.com/dockerops/dockerops/project/conffile"
)

// These tests read the same text as a run conf (through project.Load) and
// as a hosts file, to pin that both go through one reader: the same merges,
// the same nesting limit, the same error type.

// loadRunConf loads a one-container project whose run conf is name.
func loadRunConf(t *testing.T, name, text string) (*project.Project, error) {
	t.Helper()
	dir := t.TempDir()
	apps := filepath.Join(dir, "apps_containers")
	if err := os.MkdirAll(filepath.Join(apps, "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(apps, "web", "Dockerfile"), []byte("FROM debian:12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(apps, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return project.Load(project.Options{Dir: dir})
}

// anchors is a merge chain two deep: x-b merges x-a, and whatever merges
// x-b must see the keys of both.
const anchors = `x-a: &a {region: fra1}
x-b: &b {<<: *a, size: s-2vcpu-2gb}
`

func TestNestedMergeReadsInRunConfAndHostsFile(t *testing.T) {
	prj, err := loadRunConf(t, "run.yaml", anchors+"instances:\n  - {container: web, env_vars: {<<: *b}}\n")
	if err != nil {
		t.Fatalf("run.yaml rejected: %v", err)
	}
	env := map[string]string{}
	for _, ev := range prj.Entries[0].EnvVars {
		if ev.Value != nil {
			env[ev.Key] = *ev.Value
		}
	}
	if env["region"] != "fra1" || env["size"] != "s-2vcpu-2gb" {
		t.Errorf("run.yaml env_vars = %v, want region and size from both anchors", env)
	}

	hs, err := ParseHosts("hosts.yaml", []byte(anchors+"web: {<<: *b, image: tools}\n"))
	if err != nil {
		t.Fatalf("hosts.yaml rejected: %v", err)
	}
	web, _ := hs.Lookup("web")
	if web.Region != "fra1" || web.Size != "s-2vcpu-2gb" || web.Image != "tools" {
		t.Errorf("hosts.yaml web = %+v, want region and size from both anchors", web)
	}
}

func TestTooDeepFailsAlikeInRunConfAndHostsFile(t *testing.T) {
	// Both values sit at depth 2 (file, entry or host, value), so k brackets
	// reach depth 1+k: MaxDepth-1 of them is the deepest allowed.
	nested := func(k int) string { return strings.Repeat("[", k) + strings.Repeat("]", k) }
	readers := []struct {
		file string
		text func(value string) string
		read func(file, text string) error
	}{
		{"run.conf",
			func(v string) string { return "[{\"container\": \"web\",\n \"volumes\": " + v + "}]\n" },
			func(file, text string) error { _, err := loadRunConf(t, file, text); return err }},
		{"hosts.conf",
			func(v string) string { return "{\"web\": {\"region\": \"fra1\",\n \"tags\": " + v + "}}\n" },
			func(file, text string) error { _, err := ParseHosts(file, []byte(text)); return err }},
	}
	for _, r := range readers {
		// The flow-style text is JSON and YAML at once: try both formats.
		for _, file := range []string{r.file, strings.TrimSuffix(r.file, ".conf") + ".yaml"} {
			for _, k := range []int{conffile.MaxDepth - 1, conffile.MaxDepth} {
				err := r.read(file, r.text(nested(k)))
				var ce *conffile.Error
				if !errors.As(err, &ce) {
					t.Fatalf("%s, %d brackets: error %v is not a *conffile.Error", file, k, err)
				}
				tooDeep := strings.HasPrefix(ce.Msg, "nested too deeply")
				if want := k == conffile.MaxDepth; tooDeep != want || ce.Line != 2 || !strings.HasSuffix(ce.File, file) {
					t.Errorf("%s, %d brackets: got %q, want line 2, nested too deeply: %v", file, k, ce.Error(), want)
				}
			}
		}
	}
}

func TestErrorsAsConffileError(t *testing.T) {
	_, runErr := loadRunConf(t, "run.conf", "[\n  {\"container\": \"web\"},\n  {\"container\": \"nope\"}\n]\n")
	_, hostsErr := ParseHosts("hosts.conf", []byte("{\n  \"web\": {\"region\": \"fra1\",\n    \"sise\": \"x\"}\n}\n"))
	for _, c := range []struct {
		err  error
		file string
		line int
	}{
		{runErr, filepath.Join("apps_containers", "run.conf"), 3},
		{hostsErr, "hosts.conf", 3},
	} {
		var ce *conffile.Error
		if !errors.As(c.err, &ce) {
			t.Errorf("errors.As(%v, *conffile.Error) = false", c.err)
			continue
		}
		if ce.File != c.file || ce.Line != c.line || ce.Error() != ce.File+":3: "+ce.Msg {
			t.Errorf("got File %q Line %d (%q), want %s:%d", ce.File, ce.Line, ce.Error(), c.file, c.line)
		}
	}
}
