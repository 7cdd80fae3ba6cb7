package digitalocean

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseHostsValid(t *testing.T) {
	want := []Host{
		{Name: "web1", Region: "fra1", Size: "s-1vcpu-2gb", Image: DefaultImage, IPv6: true,
			Names: []string{"web1.example.com", "example.com"}, DataDir: "/srv/web1", Groups: []string{"web"}, Tags: []string{"frontend", "env:prod"}, Manager: true},
		{Name: "db_main", Region: "fra1", Size: DefaultSize, Image: "123456", Backups: true, IPv6: false, Monitoring: true,
			VPCUUID: "5a4981aa-9653-4bd1-bef5-d6bff52042e4", Groups: []string{"db", "backup"}, Manager: true},
		{Name: "tools", Region: "ams3", Size: DefaultSize, Image: "tools / golden", IPv6: true, Manager: true},
	}
	for _, file := range []string{"hosts.conf", "hosts.yaml"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/hosts/valid", file))
			if err != nil {
				t.Fatal(err)
			}
			hs, err := ParseHosts(file, data)
			if err != nil {
				t.Fatalf("valid file rejected:\n%v", err)
			}
			got := hs.All()
			for i := range got {
				if got[i].Line == 0 {
					t.Errorf("host %s has no line", got[i].Name)
				}
				if got[i].File != file {
					t.Errorf("host %s is from %q, want %q", got[i].Name, got[i].File, file)
				}
				got[i].Line, got[i].File = 0, ""
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("hosts:\n got %+v\nwant %+v", got, want)
			}
			if !reflect.DeepEqual(hs.Names, []string{"web1", "db_main", "tools"}) {
				t.Errorf("names not in file order: %q", hs.Names)
			}
		})
	}
}

func TestDataRoot(t *testing.T) {
	hs, err := ParseHosts("hosts.yaml", []byte("web: {region: fra1, data_dir: /srv/app/}\ndb: {region: fra1}\nreset: {region: fra1, data_dir: \"\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"web": "/srv/app", "db": "/var/lib/dockerops/demo", "reset": "/var/lib/dockerops/demo"} {
		if h, _ := hs.Lookup(name); h.DataRoot("demo") != want {
			t.Errorf("host %s: DataRoot(demo) = %q, want %q", name, h.DataRoot("demo"), want)
		}
	}
}

// TestParseHostsInvalid checks that every problem of each invalid file is
// reported, each with file:line, against testdata/hosts/invalid/*.err.
func TestParseHostsInvalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/hosts/invalid/*")
	for _, path := range files {
		if strings.HasSuffix(path, ".err") {
			continue
		}
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseHosts(name, data)
			if err == nil {
				t.Fatal("invalid file accepted")
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, name+":") {
					t.Errorf("error line %q does not start with %q", line, name+":")
				}
			}
			golden(t, filepath.Join("hosts/invalid", name+".err"), []byte(err.Error()+"\n"))
		})
	}
}

func TestLoadHosts(t *testing.T) {
	write := func(t *testing.T, path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const conf = `{"web": {"region": "fra1"}}`

	t.Run("none", func(t *testing.T) {
		_, err := LoadHosts(t.TempDir(), "")
		if !errors.Is(err, ErrNoHostsFile) || !strings.Contains(err.Error(), "hosts.conf, hosts.yaml, hosts.yml") {
			t.Errorf("error %v, want ErrNoHostsFile naming the files looked for", err)
		}
	})
	t.Run("apps_containers", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "apps_containers", "hosts.conf"), conf)
		hs, err := LoadHosts(dir, "")
		if err != nil || hs.File != filepath.Join("apps_containers", "hosts.conf") || hs.Names[0] != "web" {
			t.Errorf("LoadHosts = %+v, %v", hs, err)
		}
	})
	t.Run("project dir yaml", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "hosts.yml"), "web:\n  region: fra1\n")
		hs, err := LoadHosts(dir, filepath.Join(dir, "custom"))
		if err != nil || hs.File != "hosts.yml" {
			t.Errorf("LoadHosts = %+v, %v", hs, err)
		}
	})
	t.Run("two copies", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "hosts.conf"), conf)
		write(t, filepath.Join(dir, "apps_containers", "hosts.yaml"), "web:\n  region: fra1\n")
		_, err := LoadHosts(dir, "")
		want := "found 2 hosts files (hosts.conf, " + filepath.Join("apps_containers", "hosts.yaml") + "): keep exactly one"
		if err == nil || err.Error() != want {
			t.Errorf("error %v, want %q", err, want)
		}
	})
	t.Run("errors name the file", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "apps_containers", "hosts.conf"), "{\n\"web\": {}\n}\n")
		_, err := LoadHosts(dir, "")
		want := filepath.Join("apps_containers", "hosts.conf") + `:2: host "web": "region" is required (e.g. "fra1", "nyc3")`
		if err == nil || err.Error() != want {
			t.Errorf("error %v, want %q", err, want)
		}
	})
}

func TestHostsSelect(t *testing.T) {
	hs, err := ParseHosts("hosts.yaml", []byte(`
web1: {region: fra1, groups: [web]}
web2: {region: fra1, groups: [web, cron]}
db: {region: fra1, groups: [db]}
misc: {region: fra1}
`))
	if err != nil {
		t.Fatal(err)
	}
	sel, err := hs.Select("db", "web1")
	if err != nil || len(sel) != 2 || sel[0].Name != "web1" || sel[1].Name != "db" {
		t.Errorf("Select = %+v, %v; want web1, db in file order", sel, err)
	}
	if all, _ := hs.Select("all"); len(all) != 4 {
		t.Errorf("Select(all) = %d hosts", len(all))
	}
	_, err = hs.Select("web3")
	if err == nil || err.Error() != `hosts.yaml has no host "web3" (hosts: web1, web2, db, misc)` {
		t.Errorf("Select unknown: %v", err)
	}
	if _, err := hs.Lookup("db"); err != nil {
		t.Errorf("Lookup(db): %v", err)
	}
	if _, err := hs.Lookup("web3"); err == nil || err.Error() != `hosts.yaml has no host "web3" (hosts: web1, web2, db, misc)` {
		t.Errorf("Lookup unknown: %v", err)
	}
}

func TestParseHostsManagers(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string // the managers, in file order
	}{
		{"one host", "a: {region: fra1}\n", []string{"a"}},
		{"two hosts: the first", "a: {region: fra1}\nb: {region: fra1}\n", []string{"a"}},
		{"three or more: the first three", "a: {region: fra1}\nb: {region: fra1}\nc: {region: fra1}\nd: {region: fra1}\n", []string{"a", "b", "c"}},
		{"marked ones only", "a: {region: fra1}\nb: {region: fra1, manager: true}\nc: {region: fra1}\n", []string{"b"}},
		{"false skipped by the rule", "a: {region: fra1, manager: false}\nb: {region: fra1}\n", []string{"b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := ParseHosts("hosts.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hs.All() {
				if h.Manager {
					got = append(got, h.Name)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("managers %q, want %q", got, tc.want)
			}
		})
	}
	for yaml, want := range map[string]string{
		"a: {region: fra1, manager: yes please}\n":                               `hosts.yaml:1: host "a": "manager" must be true or false, got the string "yes please"`,
		"a: {region: fra1, manager: false}\nb: {region: fra1, manager: false}\n": `hosts.yaml:1: every host says "manager": false: the swarm needs at least one manager`,
	} {
		if _, err := ParseHosts("hosts.yaml", []byte(yaml)); err == nil || err.Error() != want {
			t.Errorf("ParseHosts(%q) = %v, want %s", yaml, err, want)
		}
	}
}

func TestVolumeKey(t *testing.T) {
	hs, err := ParseHosts("hosts.conf", []byte(`{"db": {"region": "fra1", "volume": 10}, "web": {"region": "fra1"}, "max": {"region": "fra1", "volume": 16384}}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"db": 10, "web": 0, "max": 16384} {
		if h, _ := hs.Lookup(name); h.Volume != want {
			t.Errorf("host %s: Volume = %d, want %d", name, h.Volume, want)
		}
	}
}
