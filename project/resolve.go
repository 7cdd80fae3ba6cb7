package project

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Selection picks the instances a task works on.
type Selection struct {
	Target   string // "all" or "" = every entry; else a container name
	Group    string // "" = any group
	Instance string // "" = any instance
}

// Overrides are task arguments; nil = not given. They win over run.conf,
// which wins over the instance type's defaults.
type Overrides struct {
	InstanceType                                                                                       *InstanceType
	Linked, PublishPorts, PersistentData, PersistentLog, PersistentOpt, Safemode, Interactive, NetHost *bool
	Hostname, SeedCommand, FirstStartCommand, Volumes                                                  *string
	Sleep                                                                                              *float64
	Restart                                                                                            *RestartPolicy
}

// Resolve turns the selected entries into instances, in run order. A
// container with no entry in the run conf, or an instance the run conf does
// not have, gets an entry made from the defaults.
func (p *Project) Resolve(sel Selection, ov Overrides) ([]Instance, error) {
	volumes, err := ov.check()
	if err != nil {
		return nil, err
	}
	entries, err := p.selectEntries(sel)
	if err != nil {
		return nil, err
	}
	out := make([]Instance, 0, len(entries))
	var errs []error
	for _, e := range entries {
		in := p.resolve(e, ov, volumes)
		if ov.Restart != nil && *ov.Restart != RestartNo && in.Interactive {
			errs = append(errs, fmt.Errorf("restart=%s: %s is interactive (its container is removed when its shell exits), so it never restarts", *ov.Restart, in.Name))
		}
		out = append(out, in)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// check validates the overrides and parses their volumes (nil = not given).
func (ov Overrides) check() ([]VolumeSpec, error) {
	var errs []error
	if ov.InstanceType != nil {
		if _, err := ParseInstanceType(string(*ov.InstanceType)); err != nil {
			errs = append(errs, err)
		}
	}
	if ov.Restart != nil {
		if _, err := ParseRestart(string(*ov.Restart)); err != nil {
			errs = append(errs, err)
		}
	}
	if ov.Hostname != nil && !validHostname(*ov.Hostname) {
		errs = append(errs, fmt.Errorf("hostname %q is not valid: use letters, digits, '.' and '-'", *ov.Hostname))
	}
	if ov.Sleep != nil && (*ov.Sleep < 0 || math.IsNaN(*ov.Sleep) || math.IsInf(*ov.Sleep, 0)) {
		errs = append(errs, fmt.Errorf("sleep must be zero or more seconds, not %v", *ov.Sleep))
	}
	var volumes []VolumeSpec
	if ov.Volumes != nil {
		v, err := parseVolumeList(*ov.Volumes)
		if err != nil {
			errs = append(errs, err)
		}
		volumes = v
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return volumes, nil
}

func (p *Project) selectEntries(sel Selection) ([]Entry, error) {
	all := sel.Target == "" || sel.Target == "all"
	if !all && p.Containers[sel.Target] == nil {
		return nil, fmt.Errorf("no container %q in %s%s", sel.Target, p.appsName(), DidYouMean(sel.Target, slices.Sorted(maps.Keys(p.Containers))))
	}
	if sel.Instance != "" && !instanceRE.MatchString(sel.Instance) {
		return nil, fmt.Errorf("instance name %q is not valid: use letters, digits, '_', '.' and '-', starting with a letter or digit", sel.Instance)
	}
	out := []Entry{}
	for _, e := range p.Entries {
		if (all || e.Container == sel.Target) && (sel.Group == "" || e.Group == sel.Group) &&
			(sel.Instance == "" || e.Instance == sel.Instance) {
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	if !all && sel.Group == "" {
		inst := sel.Instance
		if inst == "" {
			inst = DefaultInstance
		}
		return []Entry{{Container: sel.Target, Instance: inst}}, nil
	}
	var what []string
	if !all {
		what = append(what, fmt.Sprintf("of container %q", sel.Target))
	}
	if sel.Instance != "" {
		what = append(what, fmt.Sprintf("named %q", sel.Instance))
	}
	if sel.Group != "" {
		what = append(what, fmt.Sprintf("in group %q", sel.Group))
	}
	if len(what) == 0 {
		return out, nil // run:all on an empty run conf does nothing
	}
	conf := p.confName
	if conf == "" {
		conf = "the run conf (there is none)"
	}
	return nil, fmt.Errorf("no instance %s in %s", strings.Join(what, " "), conf)
}

func (p *Project) resolve(e Entry, ov Overrides, ovVolumes []VolumeSpec) Instance {
	typ := TypeForInstance(e.Instance)
	if e.InstanceType != nil {
		typ = *e.InstanceType
	}
	if ov.InstanceType != nil {
		typ = *ov.InstanceType
	}
	d := defaultsByType[typ]
	in := Instance{
		Name:           p.Name + "-" + e.Container + "-" + e.Instance,
		Container:      e.Container,
		Instance:       e.Instance,
		Image:          p.Name + "/" + e.Container,
		InstanceType:   typ,
		Hostname:       pick(ov.Hostname, e.Hostname, e.Container+"-"+e.Instance),
		Group:          e.Group,
		Linked:         pick(ov.Linked, e.Linked, d.linked),
		PublishPorts:   pick(ov.PublishPorts, e.PublishPorts, d.publishPorts),
		PersistentData: pick(ov.PersistentData, e.PersistentData, d.persistentData),
		PersistentLog:  pick(ov.PersistentLog, e.PersistentLog, d.persistentLog),
		PersistentOpt:  pick(ov.PersistentOpt, e.PersistentOpt, d.persistentOpt),
		Safemode:       pick(ov.Safemode, e.Safemode, d.safemode),
		Sleep:          pick(ov.Sleep, e.Sleep, 0),
		SeedCommand:    pick(ov.SeedCommand, e.SeedCommand, ""),
		NetHost:        pick(ov.NetHost, e.NetHost, false),
		FirstStart:     pick(ov.FirstStartCommand, e.FirstStartCommand, ""),
		Ports:          []Port{},
		Links:          []Link{},
		Volumes:        []Volume{},
	}
	// safemode is interactive without entrypoint-local.sh, so it implies it.
	in.Interactive = pick(ov.Interactive, e.Interactive, d.interactive) || in.Safemode
	in.Restart = pick(ov.Restart, e.Restart, "")
	if in.Interactive {
		in.Restart = RestartNo
	}
	if in.PublishPorts {
		if c := p.Containers[e.Container]; c != nil {
			in.Ports = append(in.Ports, c.Exposed...)
		}
	}
	if in.Linked {
		for _, l := range e.Links {
			link := Link{Name: l.Name, TargetContainer: l.Container}
			if l.Instance != nil {
				target := p.Name + "-" + l.Container + "-" + *l.Instance
				link.Target, link.TargetInstance = &target, *l.Instance
			}
			in.Links = append(in.Links, link)
		}
	}
	volumes := e.Volumes
	if ov.Volumes != nil {
		volumes = ovVolumes
	}
	for _, v := range volumes {
		in.Volumes = append(in.Volumes, v.resolve(p.Dir))
	}
	if in.PersistentData || in.PersistentLog || in.PersistentOpt {
		dir := filepath.Join(p.DataDir, e.Container+"_"+e.Instance)
		in.PersistentDir = &dir
	}
	in.Env, in.MissingEnv = p.env(e, in)
	return in
}

// env builds an instance's environment. A declared env_vars key takes the
// process environment's value, else host.conf's, else run.conf's; a null
// one found nowhere is missing. dockerops's own variables come last.
func (p *Project) env(e Entry, in Instance) (map[string]string, []string) {
	env := map[string]string{}
	missing := map[string]bool{}
	p.requireEnv(e.Container, env, missing)
	for _, ev := range e.EnvVars {
		if v, ok := p.lookup(ev.Key); ok {
			env[ev.Key] = v
		} else if ev.Value != nil {
			env[ev.Key] = *ev.Value
			delete(missing, ev.Key)
		} else {
			missing[ev.Key] = true
		}
	}
	inject := func(key string) {
		if _, declared := env[key]; declared {
			return
		}
		v, _ := p.lookup(key)
		env[key] = v // "" = the orchestrator fills it in
		delete(missing, key)
	}
	for _, l := range in.Links {
		key := strings.ToUpper(l.Name)
		inject(key + "_CONTAINER_IP")
		// The second layout names a link's given address <NAME>_SERVICE_IP.
		if env[key+"_CONTAINER_IP"] == "" {
			if v, ok := p.lookup(key + "_SERVICE_IP"); ok {
				env[key+"_CONTAINER_IP"] = v
			} else {
				env[key+"_CONTAINER_IP"] = env[key+"_SERVICE_IP"]
			}
		}
	}
	if in.InstanceType == Master && !missing["HOST_IP"] {
		inject("HOST_IP")
	}
	env["CONTAINER"] = in.Container
	env["INSTANCE"] = in.Instance
	env["INSTANCE_TYPE"] = string(in.InstanceType)
	env["PERSISTENT_DATA"] = pyBool(in.PersistentData)
	env["PERSISTENT_LOG"] = pyBool(in.PersistentLog)
	env["PERSISTENT_OPT"] = pyBool(in.PersistentOpt)
	env["SAFEMODE"] = pyBool(in.Safemode)
	var list []string
	for k := range missing {
		list = append(list, k)
	}
	sort.Strings(list)
	return env, list
}

// lookup finds a value in the process environment, then in host.conf.
func (p *Project) lookup(key string) (string, bool) {
	if p.getenv != nil {
		if v, ok := p.getenv(key); ok {
			return v, true
		}
	}
	v, ok := p.HostConf[key]
	return v, ok
}

func (p *Project) appsName() string {
	return paths{dir: p.Dir}.rel(p.AppsDir)
}

func pick[T any](override, conf *T, def T) T {
	if override != nil {
		return *override
	}
	if conf != nil {
		return *conf
	}
	return def
}
