package imagearchive

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Archive is a `docker save` archive spooled to a temporary file and
// indexed, so it can be written again with some layers left out.
type Archive struct {
	file    *os.File
	size    int64
	entries []entry
	// layers are the manifest's layers, one per image and RootFS position.
	layers []layer
}

type entry struct {
	hdr    *tar.Header
	offset int64 // of the entry's data in file
}

// layer is one use of a layer file by an image of the manifest.
type layer struct {
	chainID string
	file    string // the regular file holding it, symlinks followed
}

// Selection is what Write sends: the layers a target lacks, with the
// manifests and configs.
type Selection struct {
	Layers  int // distinct layers (chain IDs) of the archive's images
	Missing int // of those, the ones the target lacks and gets sent
	skip    map[string]bool
}

// manifestItem is an entry of manifest.json, which `docker save` writes in
// both its classic layout (<v1 id>/layer.tar) and its OCI one (blobs/sha256/<digest>).
type manifestItem struct {
	Config string
	Layers []string
}

// Spool copies a `docker save` archive from r into a temporary file in dir
// ("" = the system's) and indexes it. The caller must Close it.
func Spool(r io.Reader, dir string) (*Archive, error) {
	f, err := os.CreateTemp(dir, "dockerops-ship-*.tar")
	if err != nil {
		return nil, err
	}
	a := &Archive{file: f}
	if err := a.index(r); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Close removes the temporary file.
func (a *Archive) Close() error {
	err := a.file.Close()
	if rmErr := os.Remove(a.file.Name()); err == nil {
		err = rmErr
	}
	return err
}

// Size is the number of bytes of the whole archive.
func (a *Archive) Size() int64 { return a.size }

func (a *Archive) index(r io.Reader) error {
	counted := &countingWriter{w: a.file}
	tr := tar.NewReader(io.TeeReader(r, counted))
	byName := map[string]*tar.Header{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("image archive: %w", err)
		}
		// tar.Reader reads no further than the header, so what has gone
		// through is where the entry's data starts.
		a.entries = append(a.entries, entry{hdr: hdr, offset: counted.n})
		byName[path.Clean(hdr.Name)] = hdr
	}
	// The end-of-archive blocks and any padding after them.
	if _, err := io.Copy(counted, r); err != nil {
		return fmt.Errorf("image archive: %w", err)
	}
	a.size = counted.n
	return a.readManifest(byName)
}

func (a *Archive) readManifest(byName map[string]*tar.Header) error {
	var manifest []manifestItem
	if err := a.decode("manifest.json", &manifest); err != nil {
		return err
	}
	for _, m := range manifest {
		var config struct {
			RootFS struct {
				DiffIDs []string `json:"diff_ids"`
			} `json:"rootfs"`
		}
		if err := a.decode(m.Config, &config); err != nil {
			return err
		}
		if len(config.RootFS.DiffIDs) != len(m.Layers) {
			return fmt.Errorf("image archive: %s has %d layers, its manifest %d", m.Config, len(config.RootFS.DiffIDs), len(m.Layers))
		}
		for i, chain := range ChainIDs(config.RootFS.DiffIDs) {
			file, err := resolve(byName, m.Layers[i])
			if err != nil {
				return err
			}
			a.layers = append(a.layers, layer{chainID: chain, file: file})
		}
	}
	return nil
}

// resolve follows the symlinks `docker save` writes for a layer it already
// wrote for another image, to the regular file.
func resolve(byName map[string]*tar.Header, name string) (string, error) {
	name = path.Clean(name)
	for range 16 {
		hdr, ok := byName[name]
		if !ok {
			return "", fmt.Errorf("image archive: no layer file %s", name)
		}
		if hdr.Typeflag != tar.TypeSymlink {
			return name, nil
		}
		if path.IsAbs(hdr.Linkname) {
			name = path.Clean(strings.TrimPrefix(hdr.Linkname, "/"))
		} else {
			name = path.Join(path.Dir(name), hdr.Linkname)
		}
	}
	return "", fmt.Errorf("image archive: symlink loop at %s", name)
}

func (a *Archive) decode(name string, v any) error {
	name = path.Clean(name)
	for _, e := range a.entries {
		if path.Clean(e.hdr.Name) == name {
			err := json.NewDecoder(io.NewSectionReader(a.file, e.offset, e.hdr.Size)).Decode(v)
			if err != nil {
				return fmt.Errorf("image archive: %s: %w", name, err)
			}
			return nil
		}
	}
	return fmt.Errorf("image archive: no %s", name)
}

// Without selects the layers whose chain ID present does not hold.
func (a *Archive) Without(present map[string]bool) Selection {
	s := Selection{skip: map[string]bool{}}
	seen := map[string]bool{}
	needed := map[string]bool{}
	for _, l := range a.layers {
		if !seen[l.chainID] {
			seen[l.chainID] = true
			s.Layers++
			if !present[l.chainID] {
				s.Missing++
			}
		}
		if !present[l.chainID] {
			needed[l.file] = true
		}
	}
	for _, l := range a.layers {
		// One file can hold a layer the target has for one image and one
		// it lacks for another (the same diff on another parent).
		if !needed[l.file] {
			s.skip[l.file] = true
		}
	}
	return s
}

// Write writes the archive to w without the layer files s leaves out, and
// returns the bytes written. A docker load reads those layers from the
// engine's own store, looking each up by chain ID.
func (a *Archive) Write(w io.Writer, s Selection) (int64, error) {
	if len(s.skip) == 0 {
		return a.WriteAll(w)
	}
	cw := &countingWriter{w: w}
	tw := tar.NewWriter(cw)
	for _, e := range a.entries {
		if s.skip[path.Clean(e.hdr.Name)] {
			continue
		}
		if err := tw.WriteHeader(e.hdr); err != nil {
			return cw.n, err
		}
		if _, err := io.Copy(tw, io.NewSectionReader(a.file, e.offset, e.hdr.Size)); err != nil {
			return cw.n, err
		}
	}
	err := tw.Close()
	return cw.n, err
}

// WriteAll writes the whole archive, byte for byte as it was saved.
func (a *Archive) WriteAll(w io.Writer) (int64, error) {
	return io.Copy(w, io.NewSectionReader(a.file, 0, a.size))
}

// ChainIDs returns the chain ID of each layer of a RootFS: the ID an engine
// knows the layer by, which names the layer and every layer under it.
func ChainIDs(diffIDs []string) []string {
	out := make([]string, len(diffIDs))
	for i, d := range diffIDs {
		if i == 0 {
			out[i] = d
			continue
		}
		sum := sha256.Sum256([]byte(out[i-1] + " " + d))
		out[i] = "sha256:" + hex.EncodeToString(sum[:])
	}
	return out
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
