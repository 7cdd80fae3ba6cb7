package digitalocean

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"
)

// Defaults for the keys a host may leave out.
const (
	DefaultSize  = "s-1vcpu-1gb"
	DefaultImage = "debian-12-x64"
	// DefaultDataParent holds, per project, the persistent data of a host
	// without "data_dir": DefaultDataParent/<project>.
	DefaultDataParent = "/var/lib/dockerops"
)

// hostsFileNames are the names a hosts file may have; exactly one may exist.
var hostsFileNames = []string{"hosts.conf", "hosts.yaml", "hosts.yml"}

// ErrNoHostsFile is returned (wrapped) by LoadHosts when the project has no
// hosts file.
var ErrNoHostsFile = errors.New("no hosts file")

// Host is one machine of hosts.conf, with defaults applied.
type Host struct {
	Name       string   // the key in hosts.conf
	Region     string   // required, e.g. "fra1"
	Size       string   // default DefaultSize
	Image      string   // distribution slug, snapshot name or numeric image ID; default DefaultImage
	Backups    bool     // default false
	IPv6       bool     // default true
	Monitoring bool     // default false
	VPCUUID    string   // "" = the region's default VPC
	Tags       []string // extra droplet tags
	Names      []string // DNS names (lower case, no trailing dot) that get A/AAAA records
	Groups     []string // run.conf groups this host runs; none = every group
	// Manager: the host is a manager of the project's swarm. Given in the
	// file, or by the rule when no host says true: the first host, or the
	// first three when there are three or more.
	Manager bool
	DataDir string // absolute, clean POSIX path on the droplet for the project's data; "" = see DataRoot
	Volume  int    // GB of a block storage volume mounted at DataRoot; 0 = none (see VolumeName)
	File    string // the hosts file it was read from, for messages
	Line    int    // line of the host in the file, for messages

	// SSHFrom are the addresses and CIDRs (canonical) that may reach the
	// host's SSH port; nil = everyone (DefaultSSHFrom).
	SSHFrom []string
	// ReservedIP: the host gets a reserved IPv4, which its DNS A records
	// point at and which a replaced droplet gets back.
	ReservedIP bool
}

// Hosts is a loaded and validated hosts file.
type Hosts struct {
	File  string   // the file read, relative to the project dir
	Names []string // host names in file order
	hosts map[string]Host
}

// LoadHosts finds and loads the project's hosts file: hosts.conf (JSON whose
// whole lines starting with '#' are comments), hosts.yaml or hosts.yml, in
// projectDir or in appsDir ("" = <projectDir>/apps_containers). Two copies
// is an error; no file is an error wrapping ErrNoHostsFile. Every problem of
// the file is reported at once, each as "file:line: message".
func LoadHosts(projectDir, appsDir string) (*Hosts, error) {
	if appsDir == "" {
		appsDir = filepath.Join(projectDir, "apps_containers")
	}
	dirs := []string{projectDir}
	if filepath.Clean(appsDir) != filepath.Clean(projectDir) {
		dirs = append(dirs, appsDir)
	}
	var found []string
	for _, dir := range dirs {
		for _, name := range hostsFileNames {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				found = append(found, p)
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: looked for %s in %s and %s",
			ErrNoHostsFile, strings.Join(hostsFileNames, ", "), projectDir, appsDir)
	case 1:
	default:
		shown := make([]string, len(found))
		for i, p := range found {
			shown[i] = relTo(projectDir, p)
		}
		return nil, fmt.Errorf("found %d hosts files (%s): keep exactly one", len(found), strings.Join(shown, ", "))
	}
	data, err := conffile.Read(found[0])
	if err != nil {
		return nil, fmt.Errorf("read hosts file: %w", err)
	}
	return ParseHosts(relTo(projectDir, found[0]), data)
}

func relTo(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// DataRoot is the folder on the droplet where the project's persistent data
// lives: "data_dir" when the host has one, else DefaultDataParent/<project>.
func (h Host) DataRoot(project string) string {
	if h.DataDir != "" {
		return h.DataDir
	}
	return path.Join(DefaultDataParent, project)
}

// All returns every host in file order.
func (h *Hosts) All() []Host {
	out := make([]Host, 0, len(h.Names))
	for _, n := range h.Names {
		out = append(out, h.hosts[n])
	}
	return out
}

// Lookup returns the named host; an unknown name is an error naming the
// file and listing the valid ones.
func (h *Hosts) Lookup(name string) (Host, error) {
	if host, ok := h.hosts[name]; ok {
		return host, nil
	}
	return Host{}, h.noHost(fmt.Sprintf("%q", name))
}

func (h *Hosts) noHost(quoted ...string) error {
	return fmt.Errorf("%s has no host %s (hosts: %s)", h.File, strings.Join(quoted, ", "), strings.Join(h.Names, ", "))
}

// Select returns the named hosts in file order, or every host when names is
// empty or is just "all". An unknown name is an error listing the valid ones.
func (h *Hosts) Select(names ...string) ([]Host, error) {
	if len(names) == 0 || (len(names) == 1 && names[0] == "all") {
		return h.All(), nil
	}
	var unknown []string
	for _, n := range names {
		if _, ok := h.hosts[n]; !ok {
			unknown = append(unknown, fmt.Sprintf("%q", n))
		}
	}
	if len(unknown) > 0 {
		return nil, h.noHost(unknown...)
	}
	var out []Host
	for _, n := range h.Names {
		if slices.Contains(names, n) {
			out = append(out, h.hosts[n])
		}
	}
	return out, nil
}
