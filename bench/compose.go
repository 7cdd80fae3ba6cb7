package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// composeVersion is the Compose release the bench measures against; the
// module in bench/compose pins it.
const composeVersion = "v5.5.0"

// composeEnv names another Compose binary to measure against instead.
const composeEnv = "DOCKEROPS_BENCH_COMPOSE"

// findCompose is the Compose binary to measure: the one composeEnv names,
// else composeVersion built once from bench/compose and kept in the user's
// cache folder.
func findCompose(ctx context.Context) (string, error) {
	if p := os.Getenv(composeEnv); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", composeEnv, p, err)
		}
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder for the Compose binary (set %s): %w", composeEnv, err)
	}
	bin := filepath.Join(cache, "dockerops-bench", "compose-"+composeVersion)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	// Built into a temporary name first, so an interrupted build never
	// leaves a half-written binary that a later run would trust.
	fmt.Fprintf(os.Stderr, "bench: building Docker Compose %s into %s (once; a few minutes)\n", composeVersion, bin)
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	tmp := bin + ".building"
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", tmp,
		"-ldflags", "-w -X github.com/docker/compose/v5/internal.Version="+composeVersion,
		"github.com/docker/compose/v5/cmd")
	build.Dir = filepath.Join("bench", "compose")
	if out, err := build.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("build Compose %s in %s: %v\n%s", composeVersion, build.Dir, err, out)
	}
	return bin, os.Rename(tmp, bin)
}

// composeVersionOf is what the binary says its version is.
func composeVersionOf(bin string) string {
	out, err := exec.Command(bin, "version", "--short").Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return strings.TrimSpace(string(out))
}
