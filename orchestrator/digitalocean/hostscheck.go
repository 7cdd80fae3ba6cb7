package digitalocean

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dockerops/dockerops/project"

	"gopkg.in/yaml.v3"
)

// hostKeys are the keys a host may have, in the order help lists them.
var hostKeys = []string{"region", "size", "image", "backups", "ipv6", "monitoring", "vpc_uuid", "tags", "names", "groups"}

var (
	hostNameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$`)
	slugRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	tagRE      = regexp.MustCompile(`^[A-Za-z0-9_:-]{1,255}$`)
	uuidRE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	labelRE    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// ParseHosts parses and validates the content of a hosts file; file names it
// in messages and picks the format (.yaml/.yml = YAML, anything else = JSON
// with '#' comment lines). Every problem is reported, each with its line.
func ParseHosts(file string, data []byte) (*Hosts, error) {
	root, err := parseNode(file, data)
	if err != nil {
		return nil, err
	}
	c := &hostsChecker{file: file}
	hosts := c.hosts(deref(root))
	if len(c.errs) > 0 {
		slices.SortStableFunc(c.errs, func(a, b error) int {
			return cmp.Compare(lineOf(a), lineOf(b))
		})
		return nil, errors.Join(c.errs...)
	}
	return hosts, nil
}

func lineOf(err error) int {
	var ce *confError
	if errors.As(err, &ce) {
		return ce.line
	}
	return 0
}

type hostsChecker struct {
	file string
	errs []error
}

func (c *hostsChecker) addf(line int, format string, args ...any) {
	c.errs = append(c.errs, &confError{file: c.file, line: line, msg: fmt.Sprintf(format, args...)})
}

func (c *hostsChecker) hosts(root *yaml.Node) *Hosts {
	hs := &Hosts{File: c.file, hosts: map[string]Host{}}
	if root.Kind != yaml.MappingNode {
		c.addf(root.Line, "want an object of host name to host, got %s", describe(root))
		return hs
	}
	if len(root.Content) == 0 {
		c.addf(root.Line, "no hosts defined")
		return hs
	}
	droplets := map[string]string{} // droplet name -> host
	dnsOwner := map[string]string{} // DNS name -> host
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := deref(root.Content[i]), deref(root.Content[i+1])
		name := k.Value
		if k.Kind != yaml.ScalarNode {
			c.addf(k.Line, "a host name must be a string, got %s", describe(k))
			continue
		}
		if _, dup := hs.hosts[name]; dup {
			c.addf(k.Line, "host %q is defined twice", name)
			continue
		}
		if !hostNameRE.MatchString(name) {
			c.addf(k.Line, "host name %q: use lower-case letters, digits, '-' and '_' (at most 63, starting and ending with a letter or digit)", name)
		}
		h := c.host(name, k.Line, v)
		dn := dropletHostPart(name)
		if other, ok := droplets[dn]; ok {
			c.addf(k.Line, "hosts %q and %q would both be droplet \"<project>-%s\": rename one", other, name, dn)
		}
		droplets[dn] = name
		for _, n := range h.Names {
			if other, ok := dnsOwner[n]; ok && other != name {
				c.addf(h.Line, "host %q: DNS name %q is already a name of host %q", name, n, other)
			}
			dnsOwner[n] = name
		}
		hs.hosts[name] = h
		hs.Names = append(hs.Names, name)
	}
	return hs
}

// hostField is one key of a host mapping.
type hostField struct {
	key  string
	line int
	val  *yaml.Node
}

// fields lists a host's keys in order; keys merged from a YAML "<<: *anchor"
// come first so the host's own keys win.
func (c *hostsChecker) fields(host string, n *yaml.Node) []hostField {
	var merged, own []hostField
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			c.addf(k.Line, "host %q: a key must be a string, got %s", host, describe(k))
			continue
		}
		if k.Tag == "!!merge" {
			srcs := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				srcs = v.Content
			}
			for _, s := range srcs {
				s = deref(s)
				if s.Kind != yaml.MappingNode {
					c.addf(k.Line, "host %q: \"<<\" must merge an object, got %s", host, describe(s))
					continue
				}
				for j := 0; j+1 < len(s.Content); j += 2 {
					mk := deref(s.Content[j])
					if mk.Kind == yaml.ScalarNode && mk.Tag != "!!merge" {
						merged = append(merged, hostField{mk.Value, mk.Line, deref(s.Content[j+1])})
					}
				}
			}
			continue
		}
		own = append(own, hostField{k.Value, k.Line, v})
	}
	seen := map[string]bool{}
	for _, f := range own {
		if seen[f.key] {
			c.addf(f.line, "host %q: key %q is given twice", host, f.key)
		}
		seen[f.key] = true
	}
	var out []hostField
	for _, f := range merged {
		if !seen[f.key] {
			seen[f.key] = true
			out = append(out, f)
		}
	}
	return append(out, own...)
}

func (c *hostsChecker) host(name string, line int, n *yaml.Node) Host {
	h := Host{Name: name, Size: DefaultSize, Image: DefaultImage, IPv6: true, Line: line}
	if n.Kind != yaml.MappingNode {
		c.addf(n.Line, "host %q: want an object with at least \"region\", got %s", name, describe(n))
		return h
	}
	hasRegion := false
	for _, f := range c.fields(name, n) {
		where := fmt.Sprintf("host %q: %q", name, f.key)
		switch f.key {
		case "region":
			hasRegion = true
			h.Region = c.slug(where, f.val)
		case "size":
			h.Size = c.slug(where, f.val)
		case "image":
			h.Image = c.image(where, f.val)
		case "backups":
			h.Backups = c.boolean(where, f.val)
		case "ipv6":
			h.IPv6 = c.boolean(where, f.val)
		case "monitoring":
			h.Monitoring = c.boolean(where, f.val)
		case "vpc_uuid":
			if s, ok := c.str(where, f.val); ok && s != "" && !uuidRE.MatchString(s) {
				c.addf(f.val.Line, "%s: %q is not a VPC UUID (like 5a4981aa-9653-4bd1-bef5-d6bff52042e4)", where, s)
			} else {
				h.VPCUUID = s
			}
		case "tags":
			h.Tags = c.list(where, f.val, checkTag)
		case "names":
			h.Names = c.list(where, f.val, checkDNSName)
		case "groups":
			h.Groups = c.list(where, f.val, checkGroup)
		default:
			c.addf(f.line, "host %q: unknown key %q%s (valid keys: %s)", name, f.key, project.DidYouMean(f.key, hostKeys), strings.Join(hostKeys, ", "))
		}
	}
	if !hasRegion {
		c.addf(line, "host %q: \"region\" is required (e.g. \"fra1\", \"nyc3\")", name)
	}
	return h
}

func (c *hostsChecker) str(where string, n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		c.addf(n.Line, "%s must be a string, got %s", where, describe(n))
		return "", false
	}
	return n.Value, true
}

func (c *hostsChecker) slug(where string, n *yaml.Node) string {
	s, ok := c.str(where, n)
	if ok && !slugRE.MatchString(s) {
		c.addf(n.Line, "%s: %q is not a DigitalOcean slug (lower-case letters, digits and '-')", where, s)
	}
	return s
}

func (c *hostsChecker) image(where string, n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if id, err := strconv.Atoi(n.Value); err != nil || id < 1 {
			c.addf(n.Line, "%s: image ID %s is not a positive number", where, n.Value)
		}
		return n.Value
	}
	s, ok := c.str(where, n)
	if !ok {
		return ""
	}
	if strings.TrimSpace(s) == "" || len(s) > 255 || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		c.addf(n.Line, "%s: %q is not an image slug, snapshot name or image ID", where, s)
	}
	return s
}

func (c *hostsChecker) boolean(where string, n *yaml.Node) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
		c.addf(n.Line, "%s must be true or false, got %s", where, describe(n))
	}
	return b
}

// list reads a list of strings, normalising and checking each with check.
func (c *hostsChecker) list(where string, n *yaml.Node, check func(string) (string, error)) []string {
	if n.Kind != yaml.SequenceNode {
		c.addf(n.Line, "%s must be a list of strings, got %s", where, describe(n))
		return nil
	}
	var out []string
	for _, item := range n.Content {
		item = deref(item)
		s, ok := c.str(where+" item", item)
		if !ok {
			continue
		}
		norm, err := check(s)
		if err != nil {
			c.addf(item.Line, "%s: %v", where, err)
			continue
		}
		out = append(out, norm)
	}
	return out
}

func checkTag(s string) (string, error) {
	if !tagRE.MatchString(s) {
		return "", fmt.Errorf("tag %q: use letters, digits, ':', '-' and '_' (at most 255)", s)
	}
	if strings.HasPrefix(strings.ToLower(s), "dockerops") {
		return "", fmt.Errorf("tag %q: tags starting with \"dockerops\" are dockerops's own", s)
	}
	return s, nil
}

func checkGroup(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", errors.New("a group name cannot be empty")
	}
	return s, nil
}

// checkDNSName lower-cases a DNS name, drops a trailing dot and checks it.
func checkDNSName(s string) (string, error) {
	name := strings.TrimSuffix(strings.ToLower(s), ".")
	labels := strings.Split(name, ".")
	if len(name) > 253 || len(labels) < 2 {
		return "", fmt.Errorf("%q is not a fully qualified DNS name (like web1.example.com)", s)
	}
	for _, l := range labels {
		if !labelRE.MatchString(l) {
			return "", fmt.Errorf("%q is not a valid DNS name: label %q (use letters, digits and '-')", s, l)
		}
	}
	return name, nil
}
