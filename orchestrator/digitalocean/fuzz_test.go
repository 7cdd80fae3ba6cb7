package digitalocean

import (
	"strings"
	"testing"
)

// FuzzParseHosts feeds arbitrary bytes to the hosts file parser, as JSON
// with comments or as YAML: it must never panic, every error line must name
// the file, and a file it accepts must give complete hosts. The seed corpus
// is in testdata/fuzz/FuzzParseHosts.
func FuzzParseHosts(f *testing.F) {
	f.Add([]byte(`{"web": {"region": "fra1", "names": ["web.example.com"]}}`), false)
	f.Add([]byte("web:\n  region: fra1\n  groups: [web]\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, isYAML bool) {
		name := "hosts.conf"
		if isYAML {
			name = "hosts.yaml"
		}
		hs, err := ParseHosts(name, data)
		if err != nil {
			if hs != nil {
				t.Fatal("hosts returned with an error")
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, name+":") {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		if len(hs.Names) == 0 {
			t.Fatal("accepted a file with no hosts")
		}
		for _, h := range hs.All() {
			if !hostNameRE.MatchString(h.Name) || h.Region == "" || h.Size == "" || h.Image == "" || h.Line < 1 {
				t.Fatalf("accepted an incomplete host %+v", h)
			}
			for _, n := range h.Names {
				if _, err := checkDNSName(n); err != nil || n != strings.ToLower(n) {
					t.Fatalf("accepted a bad DNS name %q", n)
				}
			}
		}
	})
}
