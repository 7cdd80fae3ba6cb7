package basecontainer

import (
	"io/fs"
	"strings"
	"testing"
)

// Every file the Dockerfile copies must be embedded, or the dockerops binary
// cannot build the base image.
func TestFSHoldsEveryCopiedFile(t *testing.T) {
	dockerfile, err := fs.ReadFile(FS(), "Dockerfile")
	if err != nil {
		t.Fatalf("Dockerfile not at the root of FS: %v", err)
	}
	copied := 0
	for line := range strings.Lines(string(dockerfile)) {
		fields := strings.Fields(line)
		if len(fields) < 3 || !strings.EqualFold(fields[0], "COPY") {
			continue
		}
		for _, src := range fields[1 : len(fields)-1] {
			if strings.HasPrefix(src, "--") {
				continue
			}
			copied++
			if _, err := fs.Stat(FS(), src); err != nil {
				t.Errorf("Dockerfile copies %q, which FS does not hold: %v", src, err)
			}
		}
	}
	if copied == 0 {
		t.Error("found no COPY line in the Dockerfile")
	}
}

// Child images append lines to /entrypoint-local.sh: the stub must end with a
// newline and must not exit before the appended lines.
func TestEntrypointLocalStubAcceptsAppendedLines(t *testing.T) {
	stub, err := fs.ReadFile(FS(), "entrypoint-local.sh")
	if err != nil {
		t.Fatal(err)
	}
	s := string(stub)
	if !strings.HasPrefix(s, "#!/bin/bash\n") {
		t.Errorf("stub does not start with #!/bin/bash: %q", s)
	}
	if !strings.HasSuffix(s, "\n") {
		t.Error("stub does not end with a newline: an appended line would join its last line")
	}
	for line := range strings.Lines(s) {
		if strings.HasPrefix(strings.TrimSpace(line), "exit") {
			t.Errorf("stub exits (%q): appended lines would never run", strings.TrimSpace(line))
		}
	}
}
