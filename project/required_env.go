package project

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"
	"gopkg.in/yaml.v3"
)

// RequiredEnvFile is the file of a container's folder listing the env vars
// its image needs (DockerOps v0.5+, in services/<service>/).
const RequiredEnvFile = "required_env_vars.json"

// loadRequiredEnv reads every container folder's required_env_vars.json: a
// JSON list of env var names, '#' comments allowed as in the run conf. (An
// object is read as its keys, which is what iterating it gave the
// original.) A name dockerops sets itself (INSTANCE, ...) needs nothing.
func loadRequiredEnv(p paths, containers map[string]*Container, ps *problems) {
	for _, c := range containers {
		if c.Dir == "" {
			continue
		}
		path := filepath.Join(c.Dir, RequiredEnvFile)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		file := p.rel(path)
		data, err := conffile.Read(path)
		if err != nil {
			ps.addf(file, 0, "cannot read: %v", unwrapPath(err))
			continue
		}
		doc, err := conffile.ParseJSON(file, data)
		if err != nil {
			ps.add(err)
			continue
		}
		c.RequiredEnv = requiredNames(file, doc.Root, ps)
	}
}

func requiredNames(file string, root *yaml.Node, ps *problems) []string {
	if root == nil {
		return nil
	}
	var items []*yaml.Node
	switch root.Kind {
	case yaml.SequenceNode:
		items = root.Content
	case yaml.MappingNode:
		for i := 0; i < len(root.Content); i += 2 {
			items = append(items, root.Content[i])
		}
	default:
		ps.addf(file, root.Line, "must be a list of env var names [\"NAME\", ...], not %s", conffile.KindName(root))
		return nil
	}
	var names []string
	for _, n := range items {
		name, ok := n.Value, n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str"
		switch {
		case !ok:
			ps.addf(file, n.Line, "an env var name must be a string, not %s", conffile.KindName(n))
		case name == "" || strings.ContainsAny(name, "=\x00") || strings.TrimSpace(name) != name:
			ps.addf(file, n.Line, "env var name %q is not valid", name)
		case reservedEnv[name] || slices.Contains(names, name):
		default:
			names = append(names, name)
		}
	}
	return names
}

// requireEnv starts an instance's env with its container's required names:
// each takes the process environment's or host.conf's value, or is missing
// (asked for, like an env_vars null) unless env_vars gives it one.
func (p *Project) requireEnv(container string, env map[string]string, missing map[string]bool) {
	c := p.Containers[container]
	if c == nil {
		return
	}
	for _, name := range c.RequiredEnv {
		if v, ok := p.lookup(name); ok {
			env[name] = v
		} else {
			missing[name] = true
		}
	}
}
