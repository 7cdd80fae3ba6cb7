package project

import (
	"maps"
	"slices"

	"github.com/dockerops/dockerops/project/conffile"

	"gopkg.in/yaml.v3"
)

// loadBuildConf reads build.conf: the ordered list of containers to build.
func loadBuildConf(p paths, abs string, containers map[string]*Container, ps *problems) []string {
	file := p.rel(abs)
	data, err := conffile.Read(abs)
	if err != nil {
		ps.addf(file, 0, "cannot read: %v", unwrapPath(err))
		return nil
	}
	return parseBuildConf(file, data, conffile.IsYAML(abs), containers, p.rel(p.apps), ps)
}

func parseBuildConf(file string, data []byte, isYAML bool, containers map[string]*Container, appsName string, ps *problems) []string {
	root, err := parseConf(file, data, isYAML)
	if err != nil {
		ps.add(err)
		return nil
	}
	root = conffile.Deref(root)
	if root.Kind != yaml.SequenceNode {
		ps.addf(file, root.Line, "build.conf must be a list of container names, e.g. [\"dockerops-base\", \"web\"], not %s", conffile.KindName(root))
		return nil
	}
	order := []string{}
	first := map[string]int{}
	for _, n := range root.Content {
		n = conffile.Deref(n)
		switch {
		case !isString(n):
			ps.addf(file, n.Line, "each build.conf item must be a container name, not %s", conffile.KindName(n))
		case containers[n.Value] == nil:
			ps.addf(file, n.Line, "build.conf lists container %q, which is not in %s%s", n.Value, appsName, DidYouMean(n.Value, slices.Sorted(maps.Keys(containers))))
		case first[n.Value] > 0:
			ps.addf(file, n.Line, "build.conf lists container %q twice (first at line %d)", n.Value, first[n.Value])
		default:
			first[n.Value] = max(n.Line, 1)
			order = append(order, n.Value)
		}
	}
	return order
}
