package enginetest

import (
	"context"
	"slices"
)

// SetLayers gives an image ID the RootFS diff IDs ImageLayers reports;
// images without are reported with none.
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
