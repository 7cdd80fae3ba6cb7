//go:build mage

// Build tasks for dockerops: `go run github.com/magefile/mage@v1.17.2 <target>`
// works with nothing installed beforehand.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"
)

var Default = Build

// Build compiles dockerops and dockerops-graph (graph's SVG and PNG
// renderer, looked for next to dockerops) into ./bin.
func Build() error { return buildInto("bin") }

// Install puts dockerops and dockerops-graph in /usr/local/bin.
func Install() error { return buildInto("/usr/local/bin") }

func buildInto(dir string) error {
	for _, cmd := range []string{"dockerops", "dockerops-graph"} {
		if err := sh.RunV("go", "build", "-o", dir+"/"+cmd, "./cmd/"+cmd); err != nil {
			return err
		}
	}
	return nil
}

// Lint checks formatting (gofmt) and runs go vet.
func Lint() error {
	out, err := sh.Output("gofmt", "-l", ".")
	if err != nil {
		return err
	}
	if out != "" {
		return fmt.Errorf("these files need gofmt:\n%s", out)
	}
	return sh.RunV("go", "vet", "./...")
}

// Engine makes sure a Docker engine answers and the base OS image exists
// (installs Debian's docker.io and bootstraps the image offline if needed).
func Engine() error {
	return sh.RunV("bash", "install.sh", "--engine")
}

// Test runs lint, then every test, integration tests on the real engine included.
func Test() error {
	mg.SerialDeps(Lint, Engine)
	env := map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "true"}
	return sh.RunWithV(env, "go", "test", "-count=1", "-timeout", "30m", "./...")
}

// Fuzz runs every fuzz test for FUZZTIME (default 60s) each.
func Fuzz() error {
	fuzztime := os.Getenv("FUZZTIME")
	if fuzztime == "" {
		fuzztime = "60s"
	}
	out, err := sh.Output("go", "test", "-list", "^Fuzz", "./...")
	if err != nil {
		return err
	}
	// `go test -list` prints a package's test names, then "ok  <package>".
	var pending []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "Fuzz"):
			pending = append(pending, line)
		case len(f) >= 2 && f[0] == "ok":
			for _, name := range pending {
				if err := sh.RunV("go", "test", f[1], "-run=^$", "-fuzz=^"+name+"$", "-fuzztime="+fuzztime); err != nil {
					return err
				}
			}
			pending = nil
		}
	}
	return nil
}

// Bench compares dockerops with Docker Compose v5 (built once from
// bench/compose and cached; DOCKEROPS_BENCH_COMPOSE names another binary) in
// interleaved rounds: the local engine at N=20 and N=100, a Docker-in-Docker
// host over SSH at N=20, and shipping a 200 MB image to that host (see
// BENCHMARKS.md); then it runs the Go micro-benchmarks. BENCH_N (local
// sizes), BENCH_RUNS (rounds, default 5) and BENCH_REMOTE_N (0 skips the
// remote and shipping cases) override the defaults.
func Bench() error {
	mg.SerialDeps(Engine)
	args := []string{"run", "./bench"}
	for env, flag := range map[string]string{"BENCH_N": "-n", "BENCH_RUNS": "-runs", "BENCH_REMOTE_N": "-remote-n"} {
		if v := os.Getenv(env); v != "" {
			args = append(args, flag, v)
		}
	}
	if err := sh.RunV("go", args...); err != nil {
		return err
	}
	return sh.RunV("go", "test", "-run=^$", "-bench=.", "./orchestrator/")
}
