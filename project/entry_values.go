package project

import (
	"maps"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"

	"gopkg.in/yaml.v3"
)

func (ep *entryParser) volumes(f conffile.Field) []VolumeSpec {
	v := conffile.Deref(f.Val)
	var items []conffile.Field
	switch {
	case isString(v):
		for _, s := range strings.Split(v.Value, ",") {
			items = append(items, conffile.Field{Key: s, Line: v.Line})
		}
	case v.Kind == yaml.SequenceNode:
		for _, c := range v.Content {
			if !isString(c) {
				ep.errf(conffile.Deref(c).Line, "each volume must be a string \"HOST:CONTAINER[:ro]\", not %s", conffile.KindName(c))
				continue
			}
			items = append(items, conffile.Field{Key: conffile.Deref(c).Value, Line: conffile.Deref(c).Line})
		}
	default:
		ep.errf(f.Line, "\"volumes\" must be a string \"HOST:CONTAINER[,HOST2:CONTAINER2]\" or a list of them, not %s", conffile.KindName(v))
		return nil
	}
	out := []VolumeSpec{}
	seen := map[string]bool{}
	for _, it := range items {
		if strings.TrimSpace(it.Key) == "" {
			continue
		}
		vs, err := parseVolume(it.Key)
		if err != nil {
			ep.errf(it.Line, "%v", err)
			continue
		}
		if seen[vs.Target] {
			ep.errf(it.Line, "volume %q: %s is mounted twice", it.Key, vs.Target)
			continue
		}
		seen[vs.Target] = true
		out = append(out, vs)
	}
	return out
}

func (ep *entryParser) links(f conffile.Field, e Entry) []LinkSpec {
	v := conffile.Deref(f.Val)
	if v.Kind != yaml.SequenceNode {
		ep.errf(f.Line, "\"links\" must be a list of {\"name\", \"container\", \"instance\"}, not %s", conffile.KindName(v))
		return nil
	}
	var out []LinkSpec
	names := map[string]int{}
	for _, c := range v.Content {
		c = conffile.Deref(c)
		var l LinkSpec
		good := true
		switch {
		case isString(c):
			l, good = ep.stringLink(c)
		case c.Kind == yaml.MappingNode:
			l, good = ep.objectLink(c)
		default:
			ep.errf(c.Line, "a link must be an object {\"name\", \"container\", \"instance\"}, not %s", conffile.KindName(c))
			continue
		}
		if good {
			if first, dup := names[strings.ToUpper(l.Name)]; dup {
				ep.errf(l.Line, "link %q is given twice (first at line %d)", l.Name, first)
				good = false
			} else {
				names[strings.ToUpper(l.Name)] = l.Line
			}
		}
		if good && l.Instance != nil && l.Container == e.Container && *l.Instance == e.Instance {
			ep.errf(l.Line, "link %q targets the instance itself", l.Name)
			good = false
		}
		if good {
			out = append(out, l)
		}
	}
	return out
}

func (ep *entryParser) objectLink(c *yaml.Node) (LinkSpec, bool) {
	keys := ep.checkKeys(fields(c, ep.file, ep.ps), linkKeys, "a link")
	ep.renamedKeys(c, keys, "a link")
	l := LinkSpec{Line: c.Line}
	good := true
	if nf, has := keys["name"]; !has {
		ep.errf(c.Line, "link has no \"name\" (the name its <NAME>_CONTAINER_IP variable and host alias get)")
		good = false
	} else if s, ok := ep.str(nf); !ok {
		good = false
	} else if l.Name = s; !linkNameRE.MatchString(s) {
		ep.errf(nf.Line, "link name %q is not valid: use letters, digits and '_', not starting with a digit", s)
		good = false
	}
	if inf, has := keys["instance"]; has && !isNull(inf.Val) {
		if s, ok := ep.str(inf); ok {
			l.Instance = &s
		} else {
			good = false
		}
	}
	if cf, has := keys["container"]; !has {
		ep.errf(c.Line, "link %q has no \"container\"", l.Name)
		good = false
	} else if s, ok := ep.str(cf); !ok {
		good = false
	} else if l.Container = s; strings.Contains(s, "*") {
		good = good && ep.wildcardLink(&l, c, cf.Line)
	} else if ep.containers[s] == nil {
		ep.errf(cf.Line, "link %q targets container %q, which is not in %s%s", l.Name, s, ep.appsName, DidYouMean(s, slices.Sorted(maps.Keys(ep.containers))))
		good = false
	}
	return l, good
}

func (ep *entryParser) envVars(f conffile.Field) []EnvVar {
	v := conffile.Deref(f.Val)
	if v.Kind != yaml.MappingNode {
		ep.errf(f.Line, "\"env_vars\" must be an object {\"NAME\": \"value\"}, not %s", conffile.KindName(v))
		return nil
	}
	var out []EnvVar
	seen := map[string]int{}
	for _, kv := range fields(v, ep.file, ep.ps) {
		switch {
		case kv.Key == "" || strings.ContainsAny(kv.Key, "=\x00") || strings.TrimSpace(kv.Key) != kv.Key:
			ep.errf(kv.Line, "env var name %q is not valid", kv.Key)
			continue
		case reservedEnv[kv.Key]:
			ep.errf(kv.Line, "env var %q is set by dockerops; choose another name", kv.Key)
			continue
		case seen[kv.Key] > 0:
			ep.errf(kv.Line, "env var %q is given twice (first at line %d)", kv.Key, seen[kv.Key])
			continue
		}
		seen[kv.Key] = kv.Line
		ev := EnvVar{Key: kv.Key, Line: kv.Line}
		if !isNull(kv.Val) {
			s, ok := scalarText(kv.Val)
			if !ok || strings.ContainsRune(s, 0) {
				ep.errf(kv.Line, "env var %q must be a string, number, boolean or null, not %s", kv.Key, conffile.KindName(kv.Val))
				continue
			}
			ev.Value = &s
		}
		out = append(out, ev)
	}
	return out
}

// validHostname accepts what resolvers accept in a host name: letters,
// digits, '-', '_' and dots between labels of at most 63 characters.
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}
