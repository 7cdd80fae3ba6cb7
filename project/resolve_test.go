package project

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// flags is the resolved booleans of an instance, in README table order
// plus safemode and interactive.
type flags struct{ linked, publish, data, opt, log, safemode, interactive bool }

func flagsOf(in Instance) flags {
	return flags{in.Linked, in.PublishPorts, in.PersistentData, in.PersistentOpt, in.PersistentLog, in.Safemode, in.Interactive}
}

// resolveOne resolves the single instance a selection picks.
func resolveOne(t *testing.T, p *Project, sel Selection, ov Overrides) Instance {
	t.Helper()
	ins, err := p.Resolve(sel, ov)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if len(ins) != 1 {
		t.Fatalf("Resolve gave %d instances, want 1", len(ins))
	}
	return ins[0]
}

// TestInstanceTypeDefaults is the DockerOps README table, reached through
// the instance name and through an explicit type.
func TestInstanceTypeDefaults(t *testing.T) {
	table := map[InstanceType]flags{
		Standard:    {linked: true},
		Published:   {linked: true, publish: true},
		Master:      {linked: true, publish: true, data: true, log: true},
		Interactive: {linked: true, interactive: true},
		Safemode:    {safemode: true, interactive: true},
		Persistent:  {linked: true, data: true, log: true},
		Debug:       {safemode: true, interactive: true},
	}
	p := mustLoad(t, Options{Dir: webProject(t, `[
		{"container": "web", "instance": "standard"},
		{"container": "web", "instance": "published"},
		{"container": "web", "instance": "master"},
		{"container": "web", "instance": "interactive"},
		{"container": "web", "instance": "safemode"},
		{"container": "web", "instance": "persistent"},
		{"container": "web", "instance": "debug"},
		{"container": "web", "instance": "x1", "instance_type": "standard"},
		{"container": "web", "instance": "x2", "instance_type": "published"},
		{"container": "web", "instance": "x3", "instance_type": "master"},
		{"container": "web", "instance": "x4", "instance_type": "interactive"},
		{"container": "web", "instance": "x5", "instance_type": "safemode"},
		{"container": "web", "instance": "x6", "instance_type": "persistent"},
		{"container": "web", "instance": "x7", "instance_type": "debug"},
		{"container": "web", "instance": "Master"}
	]`)})
	for _, tc := range []struct {
		instance string
		want     InstanceType
	}{
		{"standard", Standard}, {"published", Published}, {"master", Master}, {"interactive", Interactive}, {"safemode", Safemode},
		{"persistent", Persistent}, {"debug", Debug},
		{"x1", Standard}, {"x2", Published}, {"x3", Master}, {"x4", Interactive}, {"x5", Safemode}, {"x6", Persistent}, {"x7", Debug},
		{"Master", Standard}, // names match exactly, as in DockerOps
	} {
		in := resolveOne(t, p, Selection{Target: "web", Instance: tc.instance}, Overrides{})
		if in.InstanceType != tc.want || flagsOf(in) != table[tc.want] {
			t.Errorf("%s: type %s flags %+v, want %s %+v", tc.instance, in.InstanceType, flagsOf(in), tc.want, table[tc.want])
		}
		if in.Env["INSTANCE_TYPE"] != string(tc.want) || in.Env["SAFEMODE"] != pyBool(table[tc.want].safemode) {
			t.Errorf("%s: env %v", tc.instance, in.Env)
		}
	}
}

// TestPrecedence: task arguments > run.conf > instance-type defaults.
func TestPrecedence(t *testing.T) {
	p := mustLoad(t, Options{Dir: webProject(t, `[
		{"container": "web", "instance": "a"},
		{"container": "web", "instance": "b", "instance_type": "master", "publish_ports": false, "persistent_log": false,
		 "hostname": "conf-host", "sleep": 2, "seed_command": "conf", "volumes": "conf:/conf"}
	]`)})
	master, standard := Master, Standard
	for _, tc := range []struct {
		name     string
		instance string
		ov       Overrides
		typ      InstanceType
		flags    flags
		hostname string
		sleep    float64
		seed     string
		volume   string
	}{
		{"type defaults", "a", Overrides{}, Standard, flags{linked: true}, "web-a", 0, "", ""},
		{"run.conf over defaults", "b", Overrides{}, Master, flags{linked: true, data: true}, "conf-host", 2, "conf", "/conf"},
		{"arguments over run.conf", "b", Overrides{PublishPorts: ptr(true), PersistentLog: ptr(true), Hostname: ptr("arg-host"),
			Sleep: ptr(0.5), SeedCommand: ptr("arg"), Volumes: ptr("arg:/arg")},
			Master, flags{linked: true, publish: true, data: true, log: true}, "arg-host", 0.5, "arg", "/arg"},
		{"argument type changes the defaults", "a", Overrides{InstanceType: &master}, Master, flags{linked: true, publish: true, data: true, log: true}, "web-a", 0, "", ""},
		{"run.conf still beats an argument type's defaults", "b", Overrides{InstanceType: &standard}, Standard, flags{linked: true}, "conf-host", 2, "conf", "/conf"},
		{"safemode argument implies interactive", "a", Overrides{Safemode: ptr(true)}, Standard, flags{linked: true, safemode: true, interactive: true}, "web-a", 0, "", ""},
		{"safemode wins over interactive=false", "a", Overrides{Safemode: ptr(true), Interactive: ptr(false)}, Standard, flags{linked: true, safemode: true, interactive: true}, "web-a", 0, "", ""},
		{"empty volumes argument clears them", "b", Overrides{Volumes: ptr("")}, Master, flags{linked: true, data: true}, "conf-host", 2, "conf", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := resolveOne(t, p, Selection{Target: "web", Instance: tc.instance}, tc.ov)
			if in.InstanceType != tc.typ || flagsOf(in) != tc.flags {
				t.Errorf("type %s flags %+v, want %s %+v", in.InstanceType, flagsOf(in), tc.typ, tc.flags)
			}
			if in.Hostname != tc.hostname || in.Sleep != tc.sleep || in.SeedCommand != tc.seed {
				t.Errorf("hostname %q sleep %v seed %q", in.Hostname, in.Sleep, in.SeedCommand)
			}
			gotVolume := ""
			if len(in.Volumes) > 0 {
				gotVolume = in.Volumes[0].Target
			}
			if gotVolume != tc.volume {
				t.Errorf("volumes %+v, want target %q", in.Volumes, tc.volume)
			}
		})
	}
}

func TestNames(t *testing.T) {
	dir := webProject(t, `[{"container": "web", "instance": "master"}, {"container": "web", "instance": "two"}]`)
	for _, tc := range []struct {
		name     string
		opts     Options
		wantName string
		wantDir  string
	}{
		{"defaults", Options{Dir: dir}, "demo", filepath.Join(dir, "data_demo")},
		{"PROJECT_NAME and DATA_DIR", Options{Dir: dir, Name: "prod", DataDir: "/srv/data"}, "prod", "/srv/data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustLoad(t, tc.opts)
			ins, err := p.Resolve(Selection{}, Overrides{})
			if err != nil {
				t.Fatal(err)
			}
			m := ins[0]
			if m.Name != tc.wantName+"-web-master" || m.Image != tc.wantName+"/web" || m.Hostname != "web-master" {
				t.Errorf("name %q image %q hostname %q", m.Name, m.Image, m.Hostname)
			}
			if m.PersistentDir == nil || *m.PersistentDir != filepath.Join(tc.wantDir, "web_master") {
				t.Errorf("persistent dir %v, want %s/web_master", m.PersistentDir, tc.wantDir)
			}
			// A standard instance keeps nothing (DockerOps's code: no persistent_log).
			if ins[1].PersistentDir != nil {
				t.Errorf("standard instance has persistent dir %q, want none", *ins[1].PersistentDir)
			}
		})
	}
	p := mustLoad(t, Options{Dir: dir})
	in := resolveOne(t, p, Selection{Target: "web", Instance: "two"}, Overrides{PersistentLog: ptr(true)})
	if in.PersistentDir == nil {
		t.Errorf("persistent_log=True, but no persistent dir")
	}
}

func TestEnv(t *testing.T) {
	dir := writeProject(t, "demo", map[string]string{
		"apps_containers/web/Dockerfile": "FROM x\n",
		"apps_containers/db/Dockerfile":  "FROM x\n",
		"apps_containers/host.conf":      "HOSTED=host\nBOTH=host\nDB_CONTAINER_IP=10.0.0.9\nHOST_IP=198.51.100.1\n",
		"apps_containers/run.conf": `[
			{"container": "db"},
			{"container": "web", "instance": "master",
			 "links": [{"name": "DB", "container": "db", "instance": "one"}, {"name": "cache", "container": "db", "instance": null}],
			 "env_vars": {"PLAIN": "conf", "HOSTED": "conf", "BOTH": "conf", "PROC": "conf", "NUM": 1.50, "YES": true,
			              "REQ_HOST": null, "REQ_PROC": null, "REQ_B": null, "REQ_A": null, "CACHE_CONTAINER_IP": null}},
			{"container": "web", "instance": "safemode", "links": [{"name": "DB", "container": "db", "instance": "one"}],
			 "env_vars": {"HOST_IP": null}},
			{"container": "web", "instance": "nohost", "instance_type": "master", "env_vars": {"HOST_IP": null}}
		]`,
	})
	env := map[string]string{"PROC": "proc", "BOTH": "proc", "REQ_PROC": "", "REQ_HOST": "proc-wins"}
	p := mustLoad(t, Options{Dir: dir, Getenv: envMap(env)})
	p.HostConf["REQ_HOST"] = "host"

	in := resolveOne(t, p, Selection{Target: "web", Instance: "master"}, Overrides{})
	want := map[string]string{
		"PLAIN": "conf", "HOSTED": "host", "BOTH": "proc", "PROC": "proc", "NUM": "1.50", "YES": "True",
		"REQ_HOST": "proc-wins", "REQ_PROC": "",
		"DB_CONTAINER_IP": "10.0.0.9", "CACHE_CONTAINER_IP": "", "HOST_IP": "198.51.100.1",
		"CONTAINER": "web", "INSTANCE": "master", "INSTANCE_TYPE": "master",
		"PERSISTENT_DATA": "True", "PERSISTENT_LOG": "True", "PERSISTENT_OPT": "False", "SAFEMODE": "False",
	}
	if !reflect.DeepEqual(in.Env, want) {
		t.Errorf("env:\n got %v\nwant %v", in.Env, want)
	}
	if !reflect.DeepEqual(in.MissingEnv, []string{"REQ_A", "REQ_B"}) {
		t.Errorf("missing = %v, want [REQ_A REQ_B] (sorted; the link IP is filled by the orchestrator)", in.MissingEnv)
	}
	wantLinks := []Link{
		{Name: "DB", Target: ptr("demo-db-one"), TargetContainer: "db", TargetInstance: "one"},
		{Name: "cache", TargetContainer: "db"},
	}
	if !reflect.DeepEqual(in.Links, wantLinks) {
		t.Errorf("links = %+v, want %+v", in.Links, wantLinks)
	}

	// Unlinked (safemode): no links, no link IP; HOST_IP declared: from host.conf.
	in = resolveOne(t, p, Selection{Target: "web", Instance: "safemode"}, Overrides{})
	if len(in.Links) != 0 || in.Links == nil {
		t.Errorf("unlinked instance has links %v", in.Links)
	}
	if _, ok := in.Env["DB_CONTAINER_IP"]; ok || in.Env["HOST_IP"] != "198.51.100.1" || in.Env["SAFEMODE"] != "True" {
		t.Errorf("safemode env %v", in.Env)
	}
	// Linking turned on by an argument brings the link back.
	in = resolveOne(t, p, Selection{Target: "web", Instance: "safemode"}, Overrides{Linked: ptr(true)})
	if len(in.Links) != 1 || in.Env["DB_CONTAINER_IP"] != "10.0.0.9" {
		t.Errorf("linked=True: links %v env %v", in.Links, in.Env)
	}
	// A standard instance gets no HOST_IP.
	in = resolveOne(t, p, Selection{Target: "db"}, Overrides{})
	if _, ok := in.Env["HOST_IP"]; ok {
		t.Errorf("standard instance has HOST_IP")
	}
	// HOST_IP required but found nowhere: missing, not "".
	delete(p.HostConf, "HOST_IP")
	in = resolveOne(t, p, Selection{Target: "web", Instance: "nohost"}, Overrides{})
	if _, ok := in.Env["HOST_IP"]; ok || !reflect.DeepEqual(in.MissingEnv, []string{"HOST_IP"}) {
		t.Errorf("HOST_IP: env %v missing %v", in.Env, in.MissingEnv)
	}
	// Not declared and found nowhere: "" for a master.
	in = resolveOne(t, p, Selection{Target: "web", Instance: "x"}, Overrides{InstanceType: ptr(Master)})
	if v, ok := in.Env["HOST_IP"]; !ok || v != "" {
		t.Errorf("master without HOST_IP anywhere: %q %v", v, ok)
	}
}

func TestPortsAndVolumes(t *testing.T) {
	dir := webProject(t, `[
		{"container": "web", "instance": "published", "volumes": "data:/data,/abs/logs:/var/log:ro, ../up:/up"},
		{"container": "web", "instance": "two", "volumes": ["a,b:/x"]}
	]`)
	p := mustLoad(t, Options{Dir: dir})
	in := resolveOne(t, p, Selection{Target: "web", Instance: "published"}, Overrides{})
	wantPorts := []Port{{8080, 8080, "tcp"}, {53, 53, "udp"}}
	if !reflect.DeepEqual(in.Ports, wantPorts) {
		t.Errorf("ports = %v, want %v", in.Ports, wantPorts)
	}
	wantVolumes := []Volume{
		{Source: filepath.Join(dir, "data"), Target: "/data", Relative: "data"},
		{Source: "/abs/logs", Target: "/var/log", ReadOnly: true},
		{Source: filepath.Join(filepath.Dir(dir), "up"), Target: "/up", Relative: "../up"},
	}
	if !reflect.DeepEqual(in.Volumes, wantVolumes) {
		t.Errorf("volumes = %+v, want %+v", in.Volumes, wantVolumes)
	}
	in = resolveOne(t, p, Selection{Target: "web", Instance: "two"}, Overrides{})
	if in.Ports == nil || len(in.Ports) != 0 {
		t.Errorf("unpublished ports = %#v, want an empty list", in.Ports)
	}
	if want := []Volume{{Source: filepath.Join(dir, "a,b"), Target: "/x", Relative: "a,b"}}; !reflect.DeepEqual(in.Volumes, want) {
		t.Errorf("list volumes = %+v, want %+v (commas kept in list items)", in.Volumes, want)
	}
	in = resolveOne(t, p, Selection{Target: "web", Instance: "two"}, Overrides{PublishPorts: ptr(true)})
	if len(in.Ports) != 2 {
		t.Errorf("publish_ports=True gives ports %v", in.Ports)
	}
}

func TestSelection(t *testing.T) {
	p := mustLoad(t, Options{Dir: webProject(t, `[
		{"container": "db", "instance": "one", "group": "data"},
		{"container": "web", "instance": "a", "group": "front"},
		{"container": "web", "instance": "b"},
		{"container": "db", "instance": "a", "group": "data"}
	]`)})
	for _, tc := range []struct {
		name    string
		sel     Selection
		want    []string
		wantErr string
	}{
		{"all", Selection{Target: "all"}, []string{"db-one", "web-a", "web-b", "db-a"}, ""},
		{"empty target is all", Selection{}, []string{"db-one", "web-a", "web-b", "db-a"}, ""},
		{"container", Selection{Target: "db"}, []string{"db-one", "db-a"}, ""},
		{"group", Selection{Target: "all", Group: "data"}, []string{"db-one", "db-a"}, ""},
		{"instance across containers", Selection{Instance: "a"}, []string{"web-a", "db-a"}, ""},
		{"container and instance", Selection{Target: "web", Instance: "b"}, []string{"web-b"}, ""},
		{"instance not in run.conf is made", Selection{Target: "web", Instance: "new"}, []string{"web-new"}, ""},
		{"container not in run.conf is made", Selection{Target: "dockerops-base"}, []string{"dockerops-base-one"}, ""},
		{"unknown container", Selection{Target: "wbe"}, nil, `no container "wbe" in apps_containers (did you mean "web"?)`},
		{"unknown group", Selection{Group: "nope"}, nil, `no instance in group "nope" in run.conf`},
		{"group with no such instance", Selection{Target: "web", Group: "data"}, nil, `no instance of container "web" in group "data" in run.conf`},
		{"instance not anywhere", Selection{Instance: "zz"}, nil, `no instance named "zz" in run.conf`},
		{"bad instance name", Selection{Target: "web", Instance: "a/b"}, nil, `instance name "a/b" is not valid`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins, err := p.Resolve(tc.sel, Overrides{})
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Errorf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, in := range ins {
				got = append(got, in.Container+"-"+in.Instance)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestResolveEmptyRunConf(t *testing.T) {
	p := mustLoad(t, Options{Dir: writeProject(t, "demo", map[string]string{"apps_containers/web/Dockerfile": "FROM x\n"})})
	ins, err := p.Resolve(Selection{Target: "all"}, Overrides{})
	if err != nil || ins == nil || len(ins) != 0 {
		t.Errorf("all without a run conf = %v, %v; want an empty list", ins, err)
	}
	in := resolveOne(t, p, Selection{Target: "web"}, Overrides{})
	if in.Name != "demo-web-one" || in.InstanceType != Standard {
		t.Errorf("made instance %+v", in)
	}
	if _, err := p.Resolve(Selection{Group: "g"}, Overrides{}); err == nil || !strings.Contains(err.Error(), "there is none") {
		t.Errorf("group without a run conf: %v", err)
	}
}

func TestBadOverrides(t *testing.T) {
	p := mustLoad(t, Options{Dir: webProject(t, `[]`)})
	bad := InstanceType("mastr")
	for _, tc := range []struct {
		name string
		ov   Overrides
		want string
	}{
		{"instance type", Overrides{InstanceType: &bad}, `invalid instance_type "mastr" (did you mean "master"?)`},
		{"hostname", Overrides{Hostname: ptr("bad host")}, `hostname "bad host" is not valid`},
		{"sleep", Overrides{Sleep: ptr(-1.0)}, "sleep must be zero or more seconds"},
		{"volumes", Overrides{Volumes: ptr("a:b")}, `volume "a:b": the container path "b" must be absolute`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := p.Resolve(Selection{Target: "web"}, tc.ov); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}
