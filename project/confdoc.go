package project

import (
	"strconv"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"

	"gopkg.in/yaml.v3"
)

// parseConf parses a run.conf or build.conf, JSON or YAML; unlike host.conf,
// an empty one is an error.
func parseConf(file string, data []byte, isYAML bool) (*yaml.Node, error) {
	doc, err := parseConfDoc(file, data, isYAML)
	if err != nil {
		return nil, err
	}
	return doc.Root, nil
}

// parseConfDoc is parseConf returning the whole document.
func parseConfDoc(file string, data []byte, isYAML bool) (*conffile.Doc, error) {
	parse := conffile.ParseJSON
	if isYAML {
		parse = conffile.ParseYAML
	}
	doc, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	if doc.Root == nil {
		return nil, conffile.Errorf(file, 1, "the file is empty")
	}
	return doc, nil
}

// fields lists a mapping's pairs, merges expanded, reporting bad keys.
func fields(n *yaml.Node, file string, ps *problems) []conffile.Field {
	fs, errs := conffile.Fields(file, n)
	ps.list = append(ps.list, errs...)
	return fs
}

func isNull(n *yaml.Node) bool {
	n = conffile.Deref(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func isString(n *yaml.Node) bool {
	n = conffile.Deref(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str"
}

func boolValue(n *yaml.Node) (bool, bool) {
	n = conffile.Deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		return false, false
	}
	return strings.EqualFold(n.Value, "true") || strings.EqualFold(n.Value, "yes") || strings.EqualFold(n.Value, "on"), true
}

// numberValue reads an int or float scalar; YAML ints may be hex, octal or
// use underscores, which ParseFloat alone does not read.
func numberValue(n *yaml.Node) (float64, bool) {
	n = conffile.Deref(n)
	if n.Kind != yaml.ScalarNode {
		return 0, false
	}
	switch n.ShortTag() {
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return float64(i), true
		}
		f, err := strconv.ParseFloat(n.Value, 64)
		return f, err == nil
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		return f, err == nil
	}
	return 0, false
}

// scalarText stringifies an env-like value: strings as they are, numbers as
// written, booleans as Python wrote them ("True"/"False"), because DockerOps
// entrypoint scripts compare against those.
func scalarText(n *yaml.Node) (string, bool) {
	n = conffile.Deref(n)
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	switch n.ShortTag() {
	case "!!null":
		return "", false
	case "!!bool":
		b, _ := boolValue(n)
		return pyBool(b), true
	}
	return n.Value, true
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
