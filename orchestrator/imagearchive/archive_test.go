package imagearchive_test

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/imagearchive"
)

// save builds an archive laid out as Docker 20.10's `docker save` writes
// one: a folder per layer, a layer another image already wrote as a
// symlink to it, then configs, manifest.json and repositories last.
func save(t *testing.T, images map[string][]string, files []tarFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	var manifest []map[string]any
	for _, f := range files {
		hdr := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}
		if f.link != "" {
			hdr = &tar.Header{Name: f.name, Mode: 0o777, Typeflag: tar.TypeSymlink, Linkname: f.link}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, f.body); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range images {
			if !yield(k) {
				return
			}
		}
	}) {
		layers := images[name]
		var diffs []string
		for _, l := range layers {
			for _, f := range files {
				if f.name == l && f.link != "" {
					l = path.Join(path.Dir(l), f.link) // the same diff as the file it links to
				}
			}
			diffs = append(diffs, diffOf(l))
		}
		config, _ := json.Marshal(map[string]any{"rootfs": map[string]any{"type": "layers", "diff_ids": diffs}})
		write(t, tw, name+".json", config)
		manifest = append(manifest, map[string]any{"Config": name + ".json", "RepoTags": []string{name + ":latest"}, "Layers": layers})
	}
	m, _ := json.Marshal(manifest)
	write(t, tw, "manifest.json", m)
	write(t, tw, "repositories", []byte("{}"))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type tarFile struct{ name, body, link string }

// diffOf makes a diff ID from a layer file's name, so tests can say which
// layers a target has by name.
func diffOf(layerFile string) string { return "sha256:" + layerFile }

func write(t *testing.T, tw *tar.Writer, name string, body []byte) {
	t.Helper()
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(body); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, archive []byte) []string {
	t.Helper()
	var out []string
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, hdr.Name)
	}
}

func TestWriteLeavesOutTheLayersTheTargetHas(t *testing.T) {
	files := []tarFile{
		{name: "a/VERSION", body: "1.0"}, {name: "a/layer.tar", body: "base layer"},
		{name: "b/VERSION", body: "1.0"}, {name: "b/layer.tar", body: "old top layer"},
		{name: "c/VERSION", body: "1.0"}, {name: "c/layer.tar", body: "new top layer"},
		// web2's second layer is b's diff on another parent: the same
		// content, saved once, as a symlink.
		{name: "d/VERSION", body: "1.0"}, {name: "d/layer.tar", link: "../b/layer.tar"},
	}
	images := map[string][]string{
		"web":  {"a/layer.tar", "b/layer.tar", "c/layer.tar"},
		"web2": {"c/layer.tar", "d/layer.tar"},
	}
	full := save(t, images, files)
	a, err := imagearchive.Spool(bytes.NewReader(full), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Size() != int64(len(full)) {
		t.Errorf("spooled %d bytes of %d", a.Size(), len(full))
	}
	chain := imagearchive.ChainIDs([]string{diffOf("a/layer.tar"), diffOf("b/layer.tar"), diffOf("c/layer.tar")})
	chain2 := imagearchive.ChainIDs([]string{diffOf("c/layer.tar"), diffOf("b/layer.tar")})

	cases := []struct {
		name          string
		present       []string
		layers, sends int
		left          []string
	}{
		{"nothing there", nil, 5, 5, nil},
		{"web's base and middle there", chain[:2], 5, 3, []string{"a/layer.tar"}},
		// b/layer.tar is a layer web has, but web2 lacks it on its parent.
		{"all of web there", chain, 5, 2, []string{"a/layer.tar"}},
		// A re-ship after a change in web's last layer.
		{"web2 and web but its top there", append(chain[:2:2], chain2...), 5, 1, []string{"a/layer.tar", "b/layer.tar"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			present := map[string]bool{}
			for _, id := range c.present {
				present[id] = true
			}
			sel := a.Without(present)
			if sel.Layers != c.layers || sel.Missing != c.sends {
				t.Errorf("%d of %d layers to send, want %d of %d", sel.Missing, sel.Layers, c.sends, c.layers)
			}
			var out bytes.Buffer
			n, err := a.Write(&out, sel)
			if err != nil || n != int64(out.Len()) {
				t.Fatalf("wrote %d (%d counted): %v", out.Len(), n, err)
			}
			got := names(t, out.Bytes())
			want := slices.DeleteFunc(names(t, full), func(s string) bool { return slices.Contains(c.left, s) })
			if !slices.Equal(got, want) {
				t.Errorf("archive holds %v, want %v", got, want)
			}
		})
	}
	var whole bytes.Buffer
	if _, err := a.WriteAll(&whole); err != nil || !bytes.Equal(whole.Bytes(), full) {
		t.Errorf("whole archive differs from the one saved (%v)", err)
	}
}

func TestSpoolRefusesArchiveWithoutManifest(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	write(t, tw, "a/layer.tar", []byte("x"))
	tw.Close()
	if _, err := imagearchive.Spool(&buf, t.TempDir()); err == nil {
		t.Error("an archive without manifest.json was taken for a docker save archive")
	}
}

// Docker 25 and later save an OCI layout: layers and configs are blobs
// named by digest, and manifest.json points at them.
func TestWriteLeavesOutPresentBlobsOfAnOCILayout(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	base, top := "sha256:"+strings.Repeat("1", 64), "sha256:"+strings.Repeat("2", 64)
	blob := func(digest string) string { return "blobs/sha256/" + strings.TrimPrefix(digest, "sha256:") }
	config, _ := json.Marshal(map[string]any{"rootfs": map[string]any{"type": "layers", "diff_ids": []string{base, top}}})
	manifest, _ := json.Marshal([]map[string]any{{"Config": blob("sha256:" + strings.Repeat("c", 64)),
		"RepoTags": []string{"web:latest"}, "Layers": []string{blob(base), blob(top)}}})
	write(t, tw, "oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	write(t, tw, blob(base), []byte("base layer"))
	write(t, tw, blob(top), []byte("top layer"))
	write(t, tw, blob("sha256:"+strings.Repeat("c", 64)), config)
	write(t, tw, "index.json", []byte(`{"schemaVersion":2,"manifests":[]}`))
	write(t, tw, "manifest.json", manifest)
	tw.Close()

	a, err := imagearchive.Spool(&buf, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sel := a.Without(map[string]bool{base: true})
	var out bytes.Buffer
	if _, err := a.Write(&out, sel); err != nil {
		t.Fatal(err)
	}
	got := names(t, out.Bytes())
	if slices.Contains(got, blob(base)) || !slices.Contains(got, blob(top)) || !slices.Contains(got, "index.json") || sel.Missing != 1 {
		t.Errorf("archive holds %v (%d of %d layers), want all but the base layer's blob", got, sel.Missing, sel.Layers)
	}
}
