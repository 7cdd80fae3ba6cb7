package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	sizes := flag.String("n", "20,100", "instance counts to measure, comma separated")
	runs := flag.Int("runs", 5, "runs per measurement (the median is reported)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *sizes, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, sizes string, runs int) error {
	work, err := os.MkdirTemp("", "dockerops-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "dockerops")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/dockerops").CombinedOutput(); err != nil {
		return fmt.Errorf("build dockerops: %v\n%s", err, out)
	}
	compose, err := findCompose()
	if err != nil {
		return err
	}
	fmt.Printf("compose: %s\n\n", strings.Join(compose, " "))
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad size %q", s)
		}
		b, err := newBench(ctx, work, bin, compose, n)
		if err != nil {
			return err
		}
		res, err := b.measure(ctx, runs)
		b.teardown()
		if err != nil {
			return err
		}
		res.print(n, runs)
	}
	return nil
}

// findCompose prefers Compose v2 (`docker compose`), then Debian's docker-compose.
func findCompose() ([]string, error) {
	if exec.Command("docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}, nil
	}
	if p, err := exec.LookPath("docker-compose"); err == nil {
		return []string{p}, nil
	}
	return nil, fmt.Errorf("no Docker Compose: install Debian's docker-compose package or Compose v2")
}

// timed runs a command and returns how long it took.
// A command that takes longer than hangAfter is killed and reported as hung
// (Compose v1 sometimes deadlocks starting many services).
func timed(ctx context.Context, dir string, env []string, name string, args ...string) (time.Duration, error) {
	cctx, cancel := context.WithTimeout(ctx, hangAfter)
	defer cancel()
	cmd := exec.CommandContext(cctx, name, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if cctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		return d, fmt.Errorf("%s %s: %w after %s", name, strings.Join(args, " "), errHung, hangAfter)
	}
	if err != nil {
		return d, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return d, nil
}

const hangAfter = 5 * time.Minute

var errHung = errors.New("hung")

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
