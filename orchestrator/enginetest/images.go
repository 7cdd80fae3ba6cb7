package enginetest

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/orchestrator/imagearchive"
)

// SetLayers gives an image ID the RootFS diff IDs ImageLayers reports and
// SaveImages writes; images without have none.
func (f *Fake) SetLayers(id string, diffIDs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.layers == nil {
		f.layers = map[string][]string{}
	}
	f.layers[id] = diffIDs
}

// ImageLayers reports the layers SetLayers gave the images refs name (nil
// = every image); the call is recorded as "layers" and the refs.
func (f *Fake) ImageLayers(_ context.Context, refs []string) (map[string][]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("layers", refs...); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for ref, id := range f.images {
		if refs == nil || slices.Contains(refs, ref) {
			out[id] = slices.Clone(f.layers[id])
		}
	}
	return out, nil
}

// manifestItem is an entry of a `docker save` manifest.json.
type manifestItem struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// SaveImages writes the images as `docker save` lays them out: a
// <chain>/layer.tar per layer (holding its diff ID), an <id>.json config
// per image and manifest.json. The call is recorded as "save" and the refs.
func (f *Fake) SaveImages(_ context.Context, refs []string) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("save", refs...); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	put := func(name string, body []byte) {
		_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))})
		_, _ = tw.Write(body)
	}
	var manifest []manifestItem
	written := map[string]bool{}
	for _, ref := range refs {
		id, ok := f.images[ref]
		if !ok {
			return nil, fmt.Errorf("no such image: %s", ref)
		}
		item := manifestItem{Config: strings.TrimPrefix(id, "sha256:") + ".json", RepoTags: []string{ref}}
		diffs := f.layers[id]
		for i, chain := range imagearchive.ChainIDs(diffs) {
			name := strings.TrimPrefix(chain, "sha256:") + "/layer.tar"
			if !written[name] {
				written[name] = true
				put(name, []byte(diffs[i]))
			}
			item.Layers = append(item.Layers, name)
		}
		config, _ := json.Marshal(map[string]any{"rootfs": map[string]any{"type": "layers", "diff_ids": append([]string{}, diffs...)}})
		put(item.Config, config)
		manifest = append(manifest, item)
	}
	m, _ := json.Marshal(manifest)
	put("manifest.json", m)
	_ = tw.Close()
	return io.NopCloser(&buf), nil
}

// LoadImages tags the images of an archive SaveImages made, as docker load
// does: a layer the archive leaves out must be here, under its chain ID.
// The call is recorded as "load" and the refs.
func (f *Fake) LoadImages(_ context.Context, archive io.Reader) error {
	files := map[string][]byte{}
	tr := tar.NewReader(archive)
	var readErr error
	for {
		hdr, err := tr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		files[hdr.Name], _ = io.ReadAll(tr)
	}
	var manifest []manifestItem
	if readErr == nil {
		readErr = json.Unmarshal(files["manifest.json"], &manifest)
	}
	var refs []string
	for _, m := range manifest {
		refs = append(refs, m.RepoTags...)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("load", refs...); err != nil {
		return err
	}
	if readErr != nil {
		return fmt.Errorf("load: %w", readErr)
	}
	here := map[string]bool{}
	for _, diffs := range f.layers {
		for _, chain := range imagearchive.ChainIDs(diffs) {
			here[chain] = true
		}
	}
	for _, m := range manifest {
		var config struct {
			RootFS struct {
				DiffIDs []string `json:"diff_ids"`
			} `json:"rootfs"`
		}
		if err := json.Unmarshal(files[m.Config], &config); err != nil {
			return fmt.Errorf("load: %s: %w", m.Config, err)
		}
		for i, chain := range imagearchive.ChainIDs(config.RootFS.DiffIDs) {
			if _, sent := files[m.Layers[i]]; !sent && (f.RefusePartialLoads || !here[chain]) {
				return fmt.Errorf("load: open %s: no such file or directory", m.Layers[i])
			}
		}
		id := "sha256:" + strings.TrimSuffix(m.Config, ".json")
		for _, ref := range m.RepoTags {
			f.images[ref] = id
		}
		if f.layers == nil {
			f.layers = map[string][]string{}
		}
		f.layers[id] = config.RootFS.DiffIDs
	}
	return nil
}
