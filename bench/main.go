package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	sizes := flag.String("n", "20,100", "instance counts of the local case, comma separated")
	runs := flag.Int("runs", 5, "interleaved rounds per case (medians and paired ratios over them)")
	remoteN := flag.Int("remote-n", 20, "instances of the remote case; 0 skips the remote and the shipping case")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	if err := run(ctx, *sizes, *runs, *remoteN); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "bench: done in %s\n", time.Since(start).Round(time.Second))
}

func run(ctx context.Context, sizes string, runs, remoteN int) error {
	var ns []int
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad size %q", s)
		}
		ns = append(ns, n)
	}
	work, err := os.MkdirTemp("", "dockerops-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "dockerops")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/dockerops").CombinedOutput(); err != nil {
		return fmt.Errorf("build dockerops: %v\n%s", err, out)
	}
	compose, err := findCompose(ctx)
	if err != nil {
		return err
	}
	printMachine(os.Stdout, compose)
	for _, n := range ns {
		b, err := newBench(ctx, work, bin, compose, "dobench", n)
		if err != nil {
			return err
		}
		res, err := b.measureLocal(ctx, runs)
		b.clean("")
		b.removeImage()
		if err != nil {
			return err
		}
		res.print(os.Stdout, fmt.Sprintf("Local engine, N=%d", n))
	}
	if remoteN == 0 {
		return nil
	}
	return runRemote(ctx, work, bin, compose, runs, remoteN)
}

// runRemote starts a Docker-in-Docker host, measures the remote lifecycle
// and image shipping on it, and removes it.
func runRemote(ctx context.Context, work, bin, compose string, runs, n int) (err error) {
	b, err := newBench(ctx, work, bin, compose, "dobenchr", n)
	if err != nil {
		return err
	}
	defer b.removeImage()
	h, err := startRemote(ctx, work, b.keyDir(), b.image())
	if err != nil {
		return fmt.Errorf("start the remote host: %w", err)
	}
	defer func() { err = errors.Join(err, h.droplet.Remove(context.Background())) }()
	if err := b.onRemote(h); err != nil {
		return err
	}
	// Compose opens an SSH connection per engine connection: with sshd's
	// default MaxStartups (10:30:100) some are refused. Once, to say so;
	// the rounds run with it raised.
	probe := b.composeDefaultSSHD(ctx)
	if err := h.raiseMaxStartups(ctx); err != nil {
		return err
	}
	b.clean(",host=" + hostName)
	fmt.Printf("Remote host: a Docker-in-Docker container of the local engine (%s) reached over SSH. "+
		"With sshd's default MaxStartups, one Compose `up -d` of the %d services: %s. The rounds run with MaxStartups %s.\n\n",
		h.engine(ctx), n, probe, maxStartups)
	res, err := b.measureRemote(ctx, h, runs)
	b.clean(",host=" + hostName)
	if err != nil {
		return err
	}
	res.print(os.Stdout, fmt.Sprintf("Remote host over SSH (dockerops `host=` / Compose `DOCKER_HOST=ssh://`), N=%d", n))

	s, err := newShipBench(ctx, work, bin, b.keyDir(), b.image(), h)
	if err != nil {
		return err
	}
	defer s.teardown()
	archive, err := s.archiveSize(ctx)
	if err != nil {
		return err
	}
	ship, err := s.measure(ctx, runs)
	if err != nil {
		return err
	}
	ship.print(os.Stdout, "Image shipping to the remote host (bytes = the host's eth0 rx_bytes)")
	s.printShip(os.Stdout, ship, archive)
	return nil
}

// timed runs a command and returns how long it took.
// A command that takes longer than hangAfter is killed and reported as hung
// (Compose has deadlocked starting many services).
func timed(ctx context.Context, dir string, env []string, name string, args ...string) (time.Duration, error) {
	d, _, err := timedOutput(ctx, dir, env, name, args...)
	return d, err
}

// timedOutput is timed, with the command's stderr.
func timedOutput(ctx context.Context, dir string, env []string, name string, args ...string) (time.Duration, []byte, error) {
	cctx, cancel := context.WithTimeout(ctx, hangAfter)
	defer cancel()
	cmd := exec.CommandContext(cctx, name, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if cctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		return d, nil, fmt.Errorf("%s %s: %w after %s", name, strings.Join(args, " "), errHung, hangAfter)
	}
	if err != nil {
		return d, nil, fmt.Errorf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	return d, stderr.Bytes(), nil
}

const hangAfter = 5 * time.Minute

var errHung = errors.New("hung")
