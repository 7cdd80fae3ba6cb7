package imagearchive_test

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/imagearchive"
)

// Whatever an engine sends, Spool returns an error or an archive that
// writes, whole or filtered, as a readable tar.
func FuzzSpool(f *testing.F) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range []struct{ name, body string }{
		{"a/layer.tar", "base"},
		{"web.json", `{"rootfs":{"type":"layers","diff_ids":["sha256:base"]}}`},
		{"manifest.json", `[{"Config":"web.json","Layers":["a/layer.tar"]}]`},
	} {
		_ = tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body))})
		_, _ = io.WriteString(tw, e.body)
	}
	_ = tw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := imagearchive.Spool(bytes.NewReader(data), t.TempDir())
		if err != nil {
			return
		}
		defer a.Close()
		var out bytes.Buffer
		if _, err := a.Write(&out, a.Without(map[string]bool{"sha256:base": true})); err != nil {
			t.Fatalf("an archive Spool took does not write: %v", err)
		}
		tr := tar.NewReader(&out)
		for {
			if _, err := tr.Next(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("the filtered archive is no tar: %v", err)
			}
		}
	})
}
