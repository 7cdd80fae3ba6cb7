package project

import (
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// DNSName is the original's DNS service, which dockerops provides built in:
// names resolve through the engine's DNS on the project network.
const DNSName = "dockerops-dns"

// isOriginalBase says whether name is one of the original DockerOps base
// images (dockerops-base, dockerops-common, their -<os> variants and
// dockerops-dns), which dockerops' built-in containers stand for.
func isOriginalBase(name string) bool {
	for _, prefix := range []string{"dockerops-base", "dockerops-common", DNSName} {
		if name == prefix || strings.HasPrefix(name, prefix+"-") {
			return true
		}
	}
	return false
}

func isOriginalDNS(name string) bool {
	return name == DNSName || strings.HasPrefix(name, DNSName+"-")
}

// loadBaseContainers adds the folders of the base containers dir
// (BASE_CONTAINERS_DIR or BASE_IMAGES_DIR; by default base_containers/ in
// the project dir, when there is one). A folder named like one of the
// original's own bases is skipped: those are Ubuntu 14.04 images no
// registry serves, and dockerops' built-in containers stand for them.
func loadBaseContainers(p paths, out map[string]*Container, ps *problems) {
	if p.base == "" {
		return
	}
	entries, err := os.ReadDir(p.base)
	if err != nil {
		if p.baseSet || !os.IsNotExist(err) {
			ps.addf(p.rel(p.base), 0, "cannot read the base containers folder: %v (check BASE_CONTAINERS_DIR)", unwrapPath(err))
		}
		return
	}
	for _, e := range entries {
		if isOriginalBase(e.Name()) {
			continue
		}
		c := readContainer(p, p.base, e.Name(), ps)
		if c == nil {
			continue
		}
		if own := out[c.Name]; own != nil {
			ps.addf(c.file, 0, "container %q is both here and in %s; keep one", c.Name, own.file)
			continue
		}
		c.Base = true
		out[c.Name] = c
	}
}

// addBuiltins adds dockerops-base and dockerops-dns, each unless the project
// has its own.
func addBuiltins(p paths, out map[string]*Container, builtin fs.FS, ps *problems) {
	for _, b := range []struct{ name, dir string }{{BaseName, "."}, {DNSName, "dns"}} {
		if out[b.name] != nil {
			continue
		}
		c := &Container{Name: b.name, Embedded: true, EmbeddedDir: b.dir, file: "<built-in " + b.name + ">/Dockerfile"}
		data, err := []byte(nil), fs.ErrNotExist
		if builtin != nil {
			data, err = fs.ReadFile(builtin, path.Join(b.dir, "Dockerfile"))
		}
		switch {
		case err == nil:
			c.read(data, p.name, ps)
		case b.name == DNSName:
			// A test's base without dns/: it is built FROM the base all the same.
			c.From, c.fromLines = []string{p.name + "/" + BaseName}, []int{0}
		case builtin != nil:
			ps.addf(c.file, 0, "cannot read the built-in %s container: %v", b.name, err)
		}
		out[b.name] = c
	}
}

// dropUnusedDNS removes the built-in dockerops-dns from a project whose run
// conf neither runs nor links it, so it is not built for nothing.
func (prj *Project) dropUnusedDNS() {
	c := prj.Containers[DNSName]
	if c == nil || !c.Embedded {
		return
	}
	for _, e := range prj.Entries {
		if e.Container == DNSName {
			return
		}
		for _, l := range e.Links {
			if l.Container == DNSName {
				return
			}
		}
	}
	for _, other := range prj.Containers {
		if other.Name != DNSName && slices.Contains(other.DependsOn, DNSName) {
			return
		}
	}
	delete(prj.Containers, DNSName)
	kept := prj.BuildOrder[:0]
	for _, n := range prj.BuildOrder {
		if n != DNSName {
			kept = append(kept, n)
		}
	}
	prj.BuildOrder = kept
}
