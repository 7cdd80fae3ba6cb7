package dockerengine

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func tarNames(t *testing.T, r io.Reader) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeDir {
			names = append(names, h.Name)
		}
	}
	sort.Strings(names)
	return names
}

func TestContextTarHonoursDockerignore(t *testing.T) {
	tests := []struct {
		name       string
		ignore     string
		dockerfile string
		want       []string
	}{
		{"no ignore file", "", "Dockerfile",
			[]string{"Dockerfile", "keep.txt", "secret.txt", "sub/deep.txt"}},
		{"file and folder", "# secrets\nsecret.txt\n/sub\n", "Dockerfile",
			[]string{".dockerignore", "Dockerfile", "keep.txt"}},
		{"everything but one, Dockerfile still sent", "*\n!keep.txt\n", "Dockerfile",
			[]string{".dockerignore", "Dockerfile", "keep.txt"}},
		{"other dockerfile", "sub\n", "sub/Dockerfile.web",
			[]string{".dockerignore", "Dockerfile", "keep.txt", "secret.txt", "sub/Dockerfile.web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{
				"Dockerfile": "FROM scratch\n", "keep.txt": "k", "secret.txt": "s", "sub/deep.txt": "d",
			}
			if tt.ignore != "" {
				files[".dockerignore"] = tt.ignore
			}
			if tt.dockerfile != "Dockerfile" {
				files[tt.dockerfile] = "FROM scratch\n"
				delete(files, "sub/deep.txt")
			}
			writeFiles(t, dir, files)
			rc, err := contextTar(dir, tt.dockerfile)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got := tarNames(t, rc)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("context has %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContextTarErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"keep.txt": "k"})
	tests := []struct{ name, dir, dockerfile, want string }{
		{"no Dockerfile", dir, "Dockerfile", "no such file"},
		{"outside the context", dir, "../Dockerfile", "outside the build context"},
		{"absolute", dir, "/etc/passwd", "outside the build context"},
		{"no folder", "", "Dockerfile", "no build context folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := contextTar(tt.dir, tt.dockerfile)
			if err == nil {
				rc.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}
