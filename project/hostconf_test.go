package project

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseHostConf(t *testing.T) {
	for _, tc := range []struct {
		name, file, data string
		want             map[string]string
		wantErr          string
	}{
		{"DockerOps JSON", "host.conf", `{"HOST_FQDN": "devbox"}`, map[string]string{"HOST_FQDN": "devbox"}, ""},
		{"JSON values stringified", "host.conf", "# c\n{\"N\": 8080, \"F\": 1.5, \"B\": false, \"S\": \"x y\"}", map[string]string{"N": "8080", "F": "1.5", "B": "False", "S": "x y"}, ""},
		{"KEY=VALUE", "host.conf", "# c\n\nA=1\n  B = two words \nexport C=\"q # x\"\nD='single'\nE=\nF=a=b\n", map[string]string{"A": "1", "B": "two words", "C": "q # x", "D": "single", "E": "", "F": "a=b"}, ""},
		{"empty", "host.conf", "", map[string]string{}, ""},
		{"only comments", "host.conf", "# nothing\n", map[string]string{}, ""},
		{"YAML", "host.yaml", "A: 1\nB: yes\nC: \"x\"\n", map[string]string{"A": "1", "B": "yes", "C": "x"}, ""},
		{"empty YAML", "host.yml", "# nothing\n", map[string]string{}, ""},
		{"JSON syntax", "host.conf", "{\n\"A\": 1,\n}", nil, "host.conf:3: JSON syntax error"},
		{"JSON null", "host.conf", "{\n\"A\": null}", nil, `host.conf:2: "A" must be a string, number or boolean, not null`},
		{"JSON list", "host.conf", `["A"]`, nil, `host.conf:1: host.conf must be an object {"KEY": "value"}, not a list`},
		{"JSON twice", "host.conf", "{\"A\": \"1\",\n\"A\": \"2\"}", nil, `host.conf:2: "A" is given twice (first at line 1)`},
		{"line without =", "host.conf", "A=1\nB\n", nil, `host.conf:2: expected KEY=VALUE, got "B"`},
		{"bad key", "host.conf", "A B=1\n", nil, `host.conf:1: "A B" is not a valid variable name`},
		{"YAML syntax", "host.yaml", "A: [\n", nil, "host.yaml:"},
		{"YAML nested", "host.yaml", "A:\n  B: 1\n", nil, `host.yaml:1: "A" must be a string, number or boolean, not an object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseHostConf(tc.file, []byte(tc.data))
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Errorf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSaveHostConf checks values merge into host.conf in its own format,
// keeping everything else in the file.
func TestSaveHostConf(t *testing.T) {
	for _, tc := range []struct {
		name, file, before, after string
		mode                      os.FileMode
	}{
		{"new file", "", "", "{\n  \"NEW\": \"n v\",\n  \"OLD\": \"changed\"\n}\n", 0o600},
		{"JSON in place", "host.conf",
			"# local settings\n{\n    \"OLD\": \"old\",  \"KEEP\": 42\n    # end\n}\n",
			"# local settings\n{\n    \"OLD\": \"changed\",  \"KEEP\": 42,\n    \"NEW\": \"n v\"\n    # end\n}\n", 0o640},
		{"empty JSON object", "host.conf", "{}", "{\n  \"NEW\": \"n v\",\n  \"OLD\": \"changed\"\n}", 0o600},
		{"KEY=VALUE", "host.conf",
			"# local\nKEEP=1\n  export OLD=old\n",
			"# local\nKEEP=1\n  export OLD=changed\nNEW=n v\n", 0o644},
		{"KEY=VALUE without final newline", "host.conf", "OLD=old", "OLD=changed\nNEW=n v\n", 0o600},
		{"YAML", "host.yaml", "# local\nOLD: old # was\nKEEP: 1\n", "# local\nOLD: \"changed\" # was\nKEEP: 1\nNEW: \"n v\"\n", 0o600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			if tc.file != "" {
				files["apps_containers/"+tc.file] = tc.before
			}
			dir := writeProject(t, "demo", files)
			path := filepath.Join(dir, "apps_containers", "host.conf")
			if tc.file != "" {
				path = filepath.Join(dir, "apps_containers", tc.file)
				if err := os.Chmod(path, tc.mode); err != nil {
					t.Fatal(err)
				}
			}
			p := mustLoad(t, Options{Dir: dir})
			if p.HostConfPath != path {
				t.Fatalf("HostConfPath = %q, want %q", p.HostConfPath, path)
			}
			if err := p.SaveHostConf(map[string]string{"OLD": "changed", "NEW": "n v"}); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tc.after {
				t.Errorf("file:\n%s\nwant:\n%s", data, tc.after)
			}
			if st, _ := os.Stat(path); st.Mode().Perm() != tc.mode {
				t.Errorf("mode %v, want %v", st.Mode().Perm(), tc.mode)
			}
			reloaded := mustLoad(t, Options{Dir: dir})
			if reloaded.HostConf["OLD"] != "changed" || reloaded.HostConf["NEW"] != "n v" || !reflect.DeepEqual(reloaded.HostConf, p.HostConf) {
				t.Errorf("reloaded %v, project has %v", reloaded.HostConf, p.HostConf)
			}
			if strings.Contains(tc.before, "KEEP") && reloaded.HostConf["KEEP"] == "" {
				t.Errorf("KEEP was lost")
			}
		})
	}
}

func TestSaveHostConfRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, file, before string
		values             map[string]string
		want               string
	}{
		{"bad name", "host.conf", "A=1\n", map[string]string{"A B": "x"}, `"A B" is not a valid variable name`},
		{"line break in KEY=VALUE", "host.conf", "A=1\n", map[string]string{"B": "x\ny"}, "line break"},
		{"broken file", "host.conf", "{", map[string]string{"B": "x"}, "fix the file first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProject(t, "demo", nil)
			path := filepath.Join(dir, "apps_containers", tc.file)
			if err := os.WriteFile(path, []byte(tc.before), 0o600); err != nil {
				t.Fatal(err)
			}
			p := &Project{Dir: dir, AppsDir: filepath.Dir(path), HostConfPath: path}
			err := p.SaveHostConf(tc.values)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
			if data, _ := os.ReadFile(path); string(data) != tc.before {
				t.Errorf("file changed to %q", data)
			}
		})
	}
}
