package digitalocean

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dockerops/dockerops/project"
	"github.com/dockerops/dockerops/project/conffile"

	"gopkg.in/yaml.v3"
)

// hostKeys are the keys a host may have, in the order help lists them.
var hostKeys = []string{"region", "size", "image", "backups", "ipv6", "monitoring", "vpc_uuid", "tags", "names", "groups", "data_dir", "manager", "ssh_from", "reserved_ip", "volume"}

var (
	hostNameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$`)
	slugRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	tagRE      = regexp.MustCompile(`^[A-Za-z0-9_:-]{1,255}$`)
	uuidRE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	labelRE    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// ParseHosts parses and validates the content of a hosts file; file names it
// in messages and picks the format (.yaml/.yml = YAML, anything else = JSON
// with '#' comment lines). Every problem is reported, each a
// *conffile.Error with its line, joined.
func ParseHosts(file string, data []byte) (*Hosts, error) {
	doc, err := conffile.Parse(file, data)
	if err != nil {
		return nil, conffile.Join(err)
	}
	if doc.Root == nil {
		return nil, conffile.Join(conffile.Errorf(file, 1, "the file is empty: want an object of host name to host"))
	}
	c := &hostsChecker{file: file, notManager: map[string]bool{}}
	hosts := c.hosts(conffile.Deref(doc.Root))
	if err := conffile.Join(c.errs...); err != nil {
		return nil, err
	}
	return hosts, nil
}

type hostsChecker struct {
	file       string
	notManager map[string]bool // hosts that say "manager": false
	errs       []error
}

func (c *hostsChecker) addf(line int, format string, args ...any) {
	c.errs = append(c.errs, conffile.Errorf(c.file, line, format, args...))
}

func (c *hostsChecker) hosts(root *yaml.Node) *Hosts {
	hs := &Hosts{File: c.file, hosts: map[string]Host{}}
	if root.Kind != yaml.MappingNode {
		c.addf(root.Line, "want an object of host name to host, got %s", describe(root))
		return hs
	}
	fields, errs := conffile.Fields(c.file, root)
	c.errs = append(c.errs, errs...)
	if len(fields) == 0 && len(errs) == 0 {
		c.addf(root.Line, "no hosts defined")
		return hs
	}
	defer c.managers(hs)
	droplets := map[string]string{} // droplet name -> host
	dnsOwner := map[string]string{} // DNS name -> host
	for _, f := range fields {
		name := f.Key
		if _, dup := hs.hosts[name]; dup {
			c.addf(f.Line, "host %q is defined twice", name)
			continue
		}
		if !hostNameRE.MatchString(name) {
			c.addf(f.Line, "host name %q: use lower-case letters, digits, '-' and '_' (at most 63, starting and ending with a letter or digit)", name)
		}
		h := c.host(name, f.Line, conffile.Deref(f.Val))
		dn := dropletHostPart(name)
		if other, ok := droplets[dn]; ok {
			c.addf(f.Line, "hosts %q and %q would both be droplet \"<project>-%s\": rename one", other, name, dn)
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

// managers applies the rule for hosts that say nothing about "manager":
// when no host says true, the first host (the first three when there are
// three or more) not marked false manage the swarm. Three managers survive
// the loss of one; more than three buys little and slows every write.
func (c *hostsChecker) managers(hs *Hosts) {
	if len(hs.Names) == 0 {
		return
	}
	for _, n := range hs.Names {
		if hs.hosts[n].Manager {
			return
		}
	}
	want := 1
	if len(hs.Names) >= 3 {
		want = 3
	}
	for _, n := range hs.Names {
		if h := hs.hosts[n]; want > 0 && !c.notManager[n] {
			h.Manager = true
			hs.hosts[n] = h
			want--
		}
	}
	for _, n := range hs.Names {
		if hs.hosts[n].Manager {
			return
		}
	}
	c.addf(hs.hosts[hs.Names[0]].Line, "every host says \"manager\": false: the swarm needs at least one manager")
}

// fields lists a host's keys, YAML merges expanded as in every other
// configuration file; a key written twice in the host is an error.
func (c *hostsChecker) fields(host string, n *yaml.Node) []conffile.Field {
	fields, errs := conffile.Fields(c.file, n)
	for _, err := range errs {
		var ce *conffile.Error
		if errors.As(err, &ce) {
			ce.Msg = fmt.Sprintf("host %q: %s", host, ce.Msg)
		}
		c.errs = append(c.errs, err)
	}
	seen := map[string]bool{}
	for _, f := range fields {
		// Fields drops merged keys the host already has, so a repeat is
		// one written twice.
		if seen[f.Key] {
			c.addf(f.Line, "host %q: key %q is given twice", host, f.Key)
		}
		seen[f.Key] = true
	}
	return fields
}

func (c *hostsChecker) host(name string, line int, n *yaml.Node) Host {
	h := Host{Name: name, Size: DefaultSize, Image: DefaultImage, IPv6: true, File: c.file, Line: line}
	if n.Kind != yaml.MappingNode {
		c.addf(n.Line, "host %q: want an object with at least \"region\", got %s", name, describe(n))
		return h
	}
	hasRegion := false
	for _, f := range c.fields(name, n) {
		where := fmt.Sprintf("host %q: %q", name, f.Key)
		v := conffile.Deref(f.Val)
		switch f.Key {
		case "region":
			hasRegion = true
			h.Region = c.slug(where, v)
		case "size":
			h.Size = c.slug(where, v)
		case "image":
			h.Image = c.image(where, v)
		case "backups":
			h.Backups = c.boolean(where, v)
		case "ipv6":
			h.IPv6 = c.boolean(where, v)
		case "monitoring":
			h.Monitoring = c.boolean(where, v)
		case "vpc_uuid":
			if s, ok := c.str(where, v); ok && s != "" && !uuidRE.MatchString(s) {
				c.addf(v.Line, "%s: %q is not a VPC UUID (like 5a4981aa-9653-4bd1-bef5-d6bff52042e4)", where, s)
			} else {
				h.VPCUUID = s
			}
		case "tags":
			h.Tags = c.list(where, v, checkTag)
		case "names":
			h.Names = c.list(where, v, checkDNSName)
		case "groups":
			h.Groups = c.list(where, v, checkGroup)
		case "manager":
			h.Manager = c.boolean(where, v)
			if v.Tag == "!!bool" && !h.Manager {
				c.notManager[name] = true
			}
		case "data_dir":
			if s, ok := c.str(where, v); ok && s != "" {
				if dir, err := checkDataDir(s); err != nil {
					c.addf(v.Line, "%s: %v", where, err)
				} else {
					h.DataDir = dir
				}
			}
		case "ssh_from":
			h.SSHFrom = c.sshFrom(where, v)
		case "reserved_ip":
			h.ReservedIP = c.boolean(where, v)
		case "volume":
			h.Volume = c.volumeSize(where, v)
		default:
			c.addf(f.Line, "host %q: unknown key %q%s (valid keys: %s)", name, f.Key, project.DidYouMean(f.Key, hostKeys), strings.Join(hostKeys, ", "))
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

// volumeSize reads a volume's size in GiB, within DigitalOcean's limits.
func (c *hostsChecker) volumeSize(where string, n *yaml.Node) int {
	gb, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
		c.addf(n.Line, "%s must be the volume's size in GB, a whole number, got %s", where, describe(n))
		return 0
	}
	if gb < MinVolumeGB || gb > MaxVolumeGB {
		c.addf(n.Line, "%s: %d GB is outside DigitalOcean's volume sizes (%d to %d GB)", where, gb, MinVolumeGB, MaxVolumeGB)
		return 0
	}
	return gb
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
		item = conffile.Deref(item)
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

// checkDataDir cleans a folder on the droplet and checks it is absolute, has
// no ".." (a path that climbs is a typo or a trap) and is not "/" itself,
// which the project would then own.
func checkDataDir(s string) (string, error) {
	switch {
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "", fmt.Errorf("%q has a control character", s)
	case !strings.HasPrefix(s, "/"):
		return "", fmt.Errorf("%q is not an absolute path (like /srv/data)", s)
	case slices.Contains(strings.Split(s, "/"), ".."):
		return "", fmt.Errorf("%q must not contain \"..\"", s)
	case path.Clean(s) == "/":
		return "", fmt.Errorf("%q is the root folder: give the project a folder of its own (like /srv/data)", s)
	}
	return path.Clean(s), nil
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

// describe names a node's type for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!null":
		return "null"
	case "!!bool":
		return n.Value
	case "!!int", "!!float":
		return "the number " + n.Value
	}
	return fmt.Sprintf("%q", n.Value)
}
