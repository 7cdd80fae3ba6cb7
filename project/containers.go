package project

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"
)

// Container is one buildable container: a folder of apps_containers or of
// the base containers dir with a Dockerfile, or a built-in one
// (dockerops-base, dockerops-dns).
type Container struct {
	Name     string
	Dir      string // absolute; "" when embedded
	Embedded bool
	// Exposed lists EXPOSE ports (tcp unless written /udp) and "#UDP_EXPOSE n"
	// comment lines (udp), in Dockerfile order; Host = Container.
	Exposed []Port
	// From lists the FROM image refs, with ${PROJECT} expanded.
	From []string
	// DependsOn lists the project containers built FROM, sorted.
	DependsOn []string
	// Base is set for a folder of the base containers dir
	// (BASE_CONTAINERS_DIR): FROM dockerops/<name> names it, as in the
	// original, where base images lived outside the project.
	Base bool
	// EmbeddedDir is the folder of the built-in build context holding this
	// container's Dockerfile ("." for dockerops-base); "" unless Embedded.
	EmbeddedDir string
	// Aliases are the other image names other containers' FROM lines give
	// this container's image (dockerops/dockerops-base-ubuntu14.04,
	// dockerops/<base>), sorted: the build tags the image with them too.
	Aliases []string
	// RequiredEnv lists the names of the folder's required_env_vars.json
	// (DockerOps v0.5+): env vars every instance needs a value for.
	RequiredEnv []string

	fromLines []int
	fromDeps  []string // per From: the project container it names, or ""
	file      string   // Dockerfile, relative to the project dir, for messages
}

// containerNameRE is what Docker accepts as the last component of an image
// name (lower case), which a container folder becomes.
var containerNameRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)

// loadContainers finds every apps_containers/<name>/Dockerfile and every
// folder of the base containers dir, adds the built-in containers the project
// does not have itself, and reads their Dockerfiles.
func loadContainers(p paths, builtin fs.FS, ps *problems) map[string]*Container {
	out := map[string]*Container{}
	entries, err := os.ReadDir(p.apps)
	if err != nil {
		ps.addf(p.rel(p.apps), 0, "cannot read the containers folder: %v (set APPS_CONTAINERS_DIR, or run `dockerops init`)", unwrapPath(err))
	}
	for _, e := range entries {
		if c := readContainer(p, p.apps, e.Name(), ps); c != nil {
			out[c.Name] = c
		}
	}
	loadBaseContainers(p, out, ps)
	addBuiltins(p, out, builtin, ps)
	for _, c := range out {
		c.DependsOn = dependencies(c, out, p.name)
	}
	for _, c := range out {
		for i, dep := range c.fromDeps {
			if alias := fromAlias(c.From[i]); dep != "" && alias != p.name+"/"+dep && alias != "" && !slices.Contains(out[dep].Aliases, alias) {
				out[dep].Aliases = append(out[dep].Aliases, alias)
			}
		}
	}
	for _, c := range out {
		slices.Sort(c.Aliases)
	}
	fromCycles(out, ps)
	return out
}

// readContainer reads dir/name/Dockerfile; nil when the folder holds none
// or cannot be a container.
func readContainer(p paths, dir, name string, ps *problems) *Container {
	dir = filepath.Join(dir, name)
	dockerfilePath := filepath.Join(dir, "Dockerfile")
	if st, err := os.Stat(dockerfilePath); err != nil || !st.Mode().IsRegular() || !isDir(dir) {
		return nil
	}
	c := &Container{Name: name, Dir: dir, file: p.rel(dockerfilePath)}
	if !containerNameRE.MatchString(c.Name) {
		ps.addf(c.file, 0, "folder name %q cannot be an image name: use lower-case letters, digits and single '.', '_' or '-' between them", c.Name)
		return nil
	}
	data, err := conffile.Read(dockerfilePath)
	if err != nil {
		ps.addf(c.file, 0, "cannot read: %v", unwrapPath(err))
		return nil
	}
	c.read(data, p.name, ps)
	return c
}

func (c *Container) read(data []byte, project string, ps *problems) {
	df := parseDockerfile(data, project)
	c.Exposed = df.exposed
	c.From, c.fromLines = df.from, df.fromLine
	for _, e := range df.errs {
		ps.addf(c.file, e.line, "%s", e.msg)
	}
}

// dependencies lists the project containers c is built FROM (see
// fromContainer).
func dependencies(c *Container, all map[string]*Container, project string) []string {
	set := map[string]bool{}
	c.fromDeps = make([]string, len(c.From))
	for i, ref := range c.From {
		if name := fromContainer(ref, project, c.Name, all); name != "" && all[name] != nil {
			set[name] = true
			c.fromDeps[i] = name
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// fromContainer returns the project container an image ref names, or "":
// "<project>/<name>"; "dockerops/<name>" for a base container; and the
// original's own bases, "<anything>/dockerops-base" or
// "<anything>/dockerops-{base,common}-<anything>" (the Ubuntu 14.04 images
// no registry serves any more), which are the built-in dockerops-base,
// unless the project has a container of that very name.
func fromContainer(ref, project, self string, all map[string]*Container) string {
	repo := strings.ToLower(imageRepo(ref))
	owner, name := "", repo
	if i := strings.LastIndexByte(repo, '/'); i >= 0 {
		owner, name = repo[:i], repo[i+1:]
	}
	switch {
	case owner == project && (all[name] != nil || !isOriginalBase(name)):
		return name
	case owner == "dockerops" && all[name] != nil && all[name].Base:
		return name
	case owner != "" && isOriginalBase(name) && all[name] != nil && name != self:
		return name
	case owner != "" && isOriginalDNS(name) && self != DNSName:
		return DNSName
	case owner != "" && (name == BaseName || isOriginalBase(name)) && !isOriginalDNS(name) && self != BaseName:
		// A base built FROM someone else's dockerops-base is not its own parent.
		return BaseName
	}
	return ""
}

// imageRepo drops the tag and digest from an image ref.
func imageRepo(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	return ref
}

// fromAlias is the name a FROM ref expects the built image under: the ref
// as written, "" when a digest pins it (no tag can satisfy that).
func fromAlias(ref string) string {
	if strings.Contains(ref, "@") {
		return ""
	}
	return strings.ToLower(ref)
}

// fromCycles reports every FROM cycle once, at the FROM line that closes it.
func fromCycles(all map[string]*Container, ps *problems) {
	state := map[string]int{} // 0 new, 1 on the stack, 2 done
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		state[name] = 1
		stack = append(stack, name)
		c := all[name]
		for _, dep := range c.DependsOn {
			switch state[dep] {
			case 0:
				visit(dep)
			case 1:
				i := slices.Index(stack, dep)
				chain := append(append([]string{}, stack[i:]...), dep)
				ps.addf(c.file, c.fromLineFor(dep), "FROM cycle: %s", strings.Join(chain, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = 2
	}
	for _, name := range slices.Sorted(maps.Keys(all)) {
		if state[name] == 0 {
			visit(name)
		}
	}
}

func (c *Container) fromLineFor(dep string) int {
	for i, d := range c.fromDeps {
		if d == dep {
			return c.fromLines[i]
		}
	}
	return 0
}

// defaultBuildOrder is used without build.conf: the base first, then every
// container sorted by name, each after the containers it is built FROM.
func defaultBuildOrder(all map[string]*Container) []string {
	var order []string
	done := map[string]bool{}
	var visit func(name string, depth int)
	visit = func(name string, depth int) {
		if done[name] || depth > len(all) {
			return
		}
		done[name] = true
		for _, dep := range all[name].DependsOn {
			visit(dep, depth+1)
		}
		order = append(order, name)
	}
	visit(BaseName, 0)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		visit(name, 0)
	}
	return order
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// unwrapPath drops the path from an *fs.PathError: messages name the file
// themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
