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

// Container is one buildable container: a folder of apps_containers with a
// Dockerfile, or the built-in dockerops-base.
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

	fromLines []int
	fromDeps  []string // per From: the project container it names, or ""
	file      string   // Dockerfile, relative to the project dir, for messages
}

// containerNameRE is what Docker accepts as the last component of an image
// name (lower case), which a container folder becomes.
var containerNameRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)

// loadContainers finds every apps_containers/<name>/Dockerfile, adds the
// embedded base unless the project has its own, and reads their Dockerfiles.
func loadContainers(p paths, base fs.FS, ps *problems) map[string]*Container {
	out := map[string]*Container{}
	entries, err := os.ReadDir(p.apps)
	if err != nil {
		ps.addf(p.rel(p.apps), 0, "cannot read the containers folder: %v (set APPS_CONTAINERS_DIR, or run `dockerops init`)", unwrapPath(err))
	}
	for _, e := range entries {
		dir := filepath.Join(p.apps, e.Name())
		dockerfilePath := filepath.Join(dir, "Dockerfile")
		if st, err := os.Stat(dockerfilePath); err != nil || !st.Mode().IsRegular() || !isDir(dir) {
			continue
		}
		c := &Container{Name: e.Name(), Dir: dir, file: p.rel(dockerfilePath)}
		if !containerNameRE.MatchString(c.Name) {
			ps.addf(c.file, 0, "folder name %q cannot be an image name: use lower-case letters, digits and single '.', '_' or '-' between them", c.Name)
			continue
		}
		data, err := conffile.Read(dockerfilePath)
		if err != nil {
			ps.addf(c.file, 0, "cannot read: %v", unwrapPath(err))
			continue
		}
		c.read(data, p.name, ps)
		out[c.Name] = c
	}
	if _, own := out[BaseName]; !own {
		c := &Container{Name: BaseName, Embedded: true, file: "<built-in " + BaseName + ">/Dockerfile"}
		if base != nil {
			if data, err := fs.ReadFile(base, "Dockerfile"); err == nil {
				c.read(data, p.name, ps)
			} else {
				ps.addf(c.file, 0, "cannot read the built-in base container: %v", err)
			}
		}
		out[BaseName] = c
	}
	for _, c := range out {
		c.DependsOn = dependencies(c, out, p.name)
	}
	fromCycles(out, ps)
	return out
}

func (c *Container) read(data []byte, project string, ps *problems) {
	df := parseDockerfile(data, project)
	c.Exposed = df.exposed
	c.From, c.fromLines = df.from, df.fromLine
	for _, e := range df.errs {
		ps.addf(c.file, e.line, "%s", e.msg)
	}
}

// dependencies lists the project containers c is built FROM: an image
// "<project>/<name>", and any "<anything>/dockerops-base", because old
// DockerOps projects say FROM dockerops/dockerops-base whatever folder they
// are cloned into.
func dependencies(c *Container, all map[string]*Container, project string) []string {
	set := map[string]bool{}
	c.fromDeps = make([]string, len(c.From))
	for i, ref := range c.From {
		if name := fromContainer(ref, project, c.Name); name != "" && all[name] != nil {
			set[name] = true
			c.fromDeps[i] = name
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// fromContainer returns the project container an image ref names, or "".
func fromContainer(ref, project, self string) string {
	repo := ref
	if i := strings.IndexByte(repo, '@'); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo = repo[:i]
	}
	repo = strings.ToLower(repo)
	if name, ok := strings.CutPrefix(repo, project+"/"); ok && !strings.Contains(name, "/") {
		return name
	}
	// A base built FROM someone else's dockerops-base is not its own parent.
	if strings.HasSuffix(repo, "/"+BaseName) && self != BaseName {
		return BaseName
	}
	return ""
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
