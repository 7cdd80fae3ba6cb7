package project

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"

	"gopkg.in/yaml.v3"
)

// Entry is one run.conf entry as written; nil pointers are keys not given.
type Entry struct {
	File      string // relative to the project dir
	Line      int
	Container string
	Instance  string // DefaultInstance when not given

	InstanceType *InstanceType
	Links        []LinkSpec
	EnvVars      []EnvVar // in file order
	Hostname     *string
	Volumes      []VolumeSpec // nil = not given
	Group        string
	Sleep        *float64
	SeedCommand  *string // the command instead of supervisord (or bash)
	// FirstStartCommand runs once in the container after its first start.
	FirstStartCommand *string
	Restart           *RestartPolicy

	Linked, PublishPorts, PersistentData, PersistentLog, PersistentOpt, Safemode, Interactive *bool
	// NetHost runs the instance on the host's network (DockerOps v0.7's
	// "nethost" key).
	NetHost *bool
}

// Key identifies an entry: its container and instance.
func (e Entry) Key() string { return e.Container + "-" + e.Instance }

// LinkSpec is a run.conf link; Instance nil = any running instance.
type LinkSpec struct {
	Name      string
	Container string
	Instance  *string
	Line      int

	wildcard *wildcard // a "PREFIX*" container not settled yet
}

// EnvVar is one env_vars value; Value nil = required from the process
// environment or host.conf.
type EnvVar struct {
	Key   string
	Value *string
	Line  int
}

var (
	entryKeys = []string{"container", "instance", "instance_type", "links", "env_vars", "hostname", "volumes", "group",
		"sleep", "seed_command", "linked", "publish_ports", "persistent_data", "persistent_log", "persistent_opt",
		"safemode", "interactive", "restart", "nethost", "first_start_command"}
	// compatKeys are older names of keys, accepted in entries and links but
	// not offered in messages: DockerOps v0.5+ wrote "service" for
	// "container", and up to fbb408a "expose_ports" for "publish_ports".
	compatKeys = map[string]string{"service": "container", "expose_ports": "publish_ports"}
	linkKeys   = []string{"name", "container", "instance"}
	instanceRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	linkNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// reservedEnv are set by dockerops itself; HOST_IP and *_CONTAINER_IP
	// may be given, for the multi-host case.
	reservedEnv = map[string]bool{"CONTAINER": true, "INSTANCE": true, "INSTANCE_TYPE": true, "PERSISTENT_DATA": true,
		"PERSISTENT_LOG": true, "PERSISTENT_OPT": true, "SAFEMODE": true}
)

// entryParser reads entries of one file, reporting problems with its name.
type entryParser struct {
	file       string
	ps         *problems
	containers map[string]*Container
	appsName   string // how messages name the containers folder

	abs   string        // the file's absolute path, for migrate
	doc   *conffile.Doc // the parsed file, for the spans migrate edits; nil = no edits
	notes *compatNotes  // where constructs of later DockerOps releases are recorded; nil = nowhere
	// skipped holds the entries with "instance": null, each with the line
	// of its instance key.
	skipped map[*yaml.Node]int
}

func (ep *entryParser) errf(line int, format string, args ...any) {
	ep.ps.addf(ep.file, line, format, args...)
}

// checkKeys reports unknown and repeated keys; it returns the known ones.
func (ep *entryParser) checkKeys(fs []conffile.Field, valid []string, what string) map[string]conffile.Field {
	out := map[string]conffile.Field{}
	for _, f := range fs {
		switch {
		case !slices.Contains(valid, f.Key) && !slices.Contains(valid, compatKeys[f.Key]):
			if s := DidYouMean(f.Key, valid); s != "" {
				ep.errf(f.Line, "unknown key %q in %s%s", f.Key, what, s)
			} else {
				ep.errf(f.Line, "unknown key %q in %s; valid keys: %s", f.Key, what, strings.Join(valid, ", "))
			}
		case out[f.Key].Val != nil:
			ep.errf(f.Line, "key %q is given twice (first at line %d)", f.Key, out[f.Key].Line)
		default:
			out[f.Key] = f
		}
	}
	return out
}

// entry parses one run.conf entry; ok is false when it has no usable
// container and instance, so later checks skip it.
func (ep *entryParser) entry(n *yaml.Node) (e Entry, ok bool) {
	n = conffile.Deref(n)
	e = Entry{File: ep.file, Line: n.Line, Instance: DefaultInstance}
	if n.Kind != yaml.MappingNode {
		ep.errf(n.Line, "an entry must be an object with at least \"container\", not %s", conffile.KindName(n))
		return e, false
	}
	keys := ep.checkKeys(fields(n, ep.file, ep.ps), entryKeys, "an entry")
	ep.renamedKeys(n, keys, "an entry")
	ok = true
	if f, has := keys["container"]; !has {
		ep.errf(n.Line, "entry has no \"container\"")
		ok = false
	} else if s, good := ep.str(f); good {
		e.Container = s
		if ep.containers[s] == nil {
			ep.errf(f.Line, "container %q is not in %s%s", s, ep.appsName, DidYouMean(s, slices.Sorted(maps.Keys(ep.containers))))
			ok = false
		}
	} else {
		ok = false
	}
	if f, has := keys["instance"]; has && isNull(f.Val) {
		// DockerOps's run:all skipped such an entry (later releases ran it
		// under a random name no entry matches, asking first); so do we.
		ep.skipped[n] = f.Line
		return e, false
	} else if has {
		if s, good := ep.str(f); good {
			e.Instance = s
			if !instanceRE.MatchString(s) {
				ep.errf(f.Line, "instance name %q is not valid: use letters, digits, '_', '.' and '-', starting with a letter or digit", s)
				ok = false
			}
		} else {
			ok = false
		}
	}
	if f, has := keys["instance_type"]; has {
		if s, good := ep.str(f); good && s == "exposed" {
			// DockerOps up to fbb408a: what d92abea renamed published.
			t := Published
			e.InstanceType = &t
			ep.note(f.Line, `instance_type "exposed"`, `"published"`, ep.replace(conffile.Deref(f.Val), `"published"`))
		} else if good {
			if t, err := ParseInstanceType(s); err != nil {
				ep.errf(f.Line, "%v", err)
			} else {
				e.InstanceType = &t
			}
		}
	}
	e.Hostname = ep.optStr(keys, "hostname")
	if e.Hostname != nil && !validHostname(*e.Hostname) {
		ep.errf(keys["hostname"].Line, "hostname %q is not valid: use letters, digits, '.' and '-'", *e.Hostname)
	}
	if g := ep.optStr(keys, "group"); g != nil {
		e.Group = *g
	}
	e.SeedCommand = ep.optStr(keys, "seed_command")
	e.FirstStartCommand = ep.optStr(keys, "first_start_command")
	if f, has := keys["sleep"]; has {
		if v, good := numberValue(f.Val); !good && conffile.KindName(f.Val) == "a number" {
			ep.errf(f.Line, "\"sleep\" %s is out of range", conffile.Deref(f.Val).Value)
		} else if !good {
			ep.errf(f.Line, "\"sleep\" must be a number of seconds, not %s", conffile.KindName(f.Val))
		} else if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			ep.errf(f.Line, "\"sleep\" must be zero or more seconds, not %s", conffile.Deref(f.Val).Value)
		} else {
			e.Sleep = &v
		}
	}
	for _, b := range []struct {
		key string
		dst **bool
	}{{"linked", &e.Linked}, {"publish_ports", &e.PublishPorts}, {"persistent_data", &e.PersistentData},
		{"persistent_log", &e.PersistentLog}, {"persistent_opt", &e.PersistentOpt}, {"safemode", &e.Safemode},
		{"interactive", &e.Interactive}, {"nethost", &e.NetHost}} {
		if f, has := keys[b.key]; has {
			if v, good := boolValue(f.Val); good {
				*b.dst = &v
			} else {
				ep.errf(f.Line, "%q must be true or false, not %s", b.key, conffile.KindName(f.Val))
			}
		}
	}
	if f, has := keys["restart"]; has {
		e.Restart = ep.restart(f, e)
	}
	if f, has := keys["volumes"]; has {
		e.Volumes = ep.volumes(f)
	}
	if f, has := keys["links"]; has {
		e.Links = ep.links(f, e)
	}
	if f, has := keys["env_vars"]; has {
		e.EnvVars = ep.envVars(f)
	}
	return e, ok
}

// renamedKeys puts the fields given under an older name (compatKeys)
// under the current one, recording each for migrate; both names at once
// is an error.
func (ep *entryParser) renamedKeys(n *yaml.Node, keys map[string]conffile.Field, inWhat string) {
	for _, old := range slices.Sorted(maps.Keys(compatKeys)) {
		f, has := keys[old]
		if !has {
			continue
		}
		delete(keys, old)
		current := compatKeys[old]
		if _, both := keys[current]; both {
			ep.errf(f.Line, "%s has both %q and %q (its older name): keep %q", inWhat, current, old, current)
			continue
		}
		keys[current] = f
		ep.note(f.Line, fmt.Sprintf("%q key in %s", old, inWhat), quote(current), ep.replace(keyNode(n, old), quote(current)))
	}
}

func (ep *entryParser) str(f conffile.Field) (string, bool) {
	if !isString(f.Val) {
		ep.errf(f.Line, "%q must be a string, not %s", f.Key, conffile.KindName(f.Val))
		return "", false
	}
	return conffile.Deref(f.Val).Value, true
}

func (ep *entryParser) optStr(keys map[string]conffile.Field, key string) *string {
	f, has := keys[key]
	if !has {
		return nil
	}
	if s, ok := ep.str(f); ok {
		return &s
	}
	return nil
}
