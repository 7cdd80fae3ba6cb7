package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// settle is the pause before each measurement.
const settle = 2 * time.Second

type step struct {
	key string
	fn  func() (time.Duration, error)
}

// results holds every run's duration per measurement, and how many runs
// lost their compose samples to a hung Compose.
type results struct {
	d    map[string][]time.Duration
	hung int
}

var rows = []struct{ label, dockerops, compose string }{
	{"cold start (run:all / up -d)", "dockerops cold", "compose cold"},
	{"no-op re-run", "dockerops noop", "compose noop"},
	{"teardown (clean:all / down)", "dockerops clean", "compose down"},
}

func (b *bench) measure(ctx context.Context, runs int) (*results, error) {
	r := &results{d: map[string][]time.Duration{}}
	add := func(key string, d time.Duration, err error) error {
		if err == nil {
			r.d[key] = append(r.d[key], d)
		}
		return err
	}
	for i := range runs {
		fmt.Fprintf(os.Stderr, "n=%d run %d/%d\n", b.n, i+1, runs)
		groups := [][]step{
			{
				{"dockerops cold", func() (time.Duration, error) {
					return b.checked("label=dockerops.project="+b.name, func() (time.Duration, error) { return b.dockerops(ctx, "run:all") })
				}},
				{"dockerops noop", func() (time.Duration, error) { return b.dockerops(ctx, "run:all") }},
				{"dockerops clean", func() (time.Duration, error) { return b.dockerops(ctx, "clean:all,force=True") }},
			},
			{
				{"compose cold", func() (time.Duration, error) {
					return b.checked("label=com.docker.compose.project="+b.name+"c", func() (time.Duration, error) { return b.composeCmd(ctx, "up", "-d") })
				}},
				{"compose noop", func() (time.Duration, error) { return b.composeCmd(ctx, "up", "-d") }},
				{"compose down", func() (time.Duration, error) { return b.composeCmd(ctx, "down") }},
			},
			{
				{"docker run loop", func() (time.Duration, error) { d, err := b.dockerRunLoop(ctx); b.removeRunLoop(); return d, err }},
			},
		}
		// Rotate which tool goes first, and let the engine settle (removed
		// containers are cleaned up after the API call returns) before each
		// measurement, so no tool pays for another's teardown.
		for g := range groups {
			for _, s := range groups[(g+i)%len(groups)] {
				time.Sleep(settle)
				d, err := s.fn()
				if errors.Is(err, errHung) && strings.HasPrefix(s.key, "compose") {
					// Compose's own bug: this run has no compose sample.
					fmt.Fprintf(os.Stderr, "  %v; this run's compose samples are dropped\n", err)
					r.hung++
					_, _ = b.composeCmd(ctx, "down")
					break
				}
				if err := add(s.key, d, err); err != nil {
					return r, err
				}
			}
		}
	}
	return r, nil
}

// checked runs a cold start and then makes sure it left the bench's N
// containers running (those the docker ps filter selects), so every tool is
// timed on the same work.
func (b *bench) checked(filter string, start func() (time.Duration, error)) (time.Duration, error) {
	d, err := start()
	if err != nil {
		return d, err
	}
	out, err := exec.Command("docker", "ps", "-q", "--filter", "status=running", "--filter", filter).Output()
	if err != nil {
		return d, fmt.Errorf("docker ps: %v", err)
	}
	if got := len(strings.Fields(string(out))); got != b.n {
		return d, fmt.Errorf("after the cold start %d containers run (%s), want %d", got, filter, b.n)
	}
	return d, nil
}

func (r *results) print(n, runs int) {
	fmt.Printf("N=%d instances, median of %d runs\n\n", n, runs)
	fmt.Println("| measurement | dockerops | compose | dockerops/compose |")
	fmt.Println("|---|---:|---:|---:|")
	for _, row := range rows {
		d, c := median(r.d[row.dockerops]), median(r.d[row.compose])
		fmt.Printf("| %s | %s | %s | %.2f |\n", row.label, round(d), round(c), float64(d)/float64(c))
	}
	loop := median(r.d["docker run loop"])
	fmt.Printf("| sequential `docker run -d` loop (cold) | | | dockerops/loop %.2f, loop %s |\n\n", float64(median(r.d["dockerops cold"]))/float64(loop), round(loop))
	if r.hung > 0 {
		fmt.Printf("Compose hung (killed after %s) in %d of %d runs; its medians are over the other runs.\n\n", hangAfter, r.hung, runs)
	}
}

func round(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}
