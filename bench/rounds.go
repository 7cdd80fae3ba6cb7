package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// settle is the pause before each measurement: the engine cleans up removed
// containers after the API call returns, and no tool should pay for
// another's teardown.
var settle = 2 * time.Second

// sample is one measurement: how long a command took and, where the bench
// counts them, the bytes the host received, the SSH connections it accepted
// and the engine events of the tool's project meanwhile (-1: not counted).
type sample struct {
	d                    time.Duration
	bytes, conns, events int64
}

func timeOnly(d time.Duration) sample { return sample{d: d, bytes: -1, conns: -1, events: -1} }

// phase is one measurement of a round, the same for both tools.
type phase struct {
	key, label string
}

// side is one tool's steps for a round, one per phase in order, and how to
// leave nothing behind after them (run after every round, measured or not,
// so a hung step does not spoil the next round).
type side struct {
	tool  string
	label string // in the table; "" = tool
	steps []func() (sample, error)
	reset func()
}

// results holds each tool's samples by phase and round; a round a tool hung
// in has no sample there (nil).
type results struct {
	tools  [2]string
	labels [2]string
	phases []phase
	runs   int
	s      map[string]map[string][]*sample
	hung   int
}

// interleave runs both sides once per round, alternating which goes first,
// so drift of the machine over the run (page cache, another job) falls on
// both tools alike and the per-round ratios pair like with like.
func interleave(label string, runs int, phases []phase, sides [2]side) (*results, error) {
	r := &results{tools: [2]string{sides[0].tool, sides[1].tool}, labels: [2]string{sides[0].label, sides[1].label}, phases: phases, runs: runs, s: map[string]map[string][]*sample{}}
	for k, sd := range sides {
		if sd.label == "" {
			r.labels[k] = sd.tool
		}
		r.s[sd.tool] = map[string][]*sample{}
		for _, p := range phases {
			r.s[sd.tool][p.key] = make([]*sample, runs)
		}
	}
	for i := range runs {
		fmt.Fprintf(os.Stderr, "%s: round %d/%d\n", label, i+1, runs)
		for k := range sides {
			sd := sides[(k+i)%2]
			for j, step := range sd.steps {
				time.Sleep(settle)
				s, err := step()
				if errors.Is(err, errHung) {
					fmt.Fprintf(os.Stderr, "  %v; %s has no samples this round\n", err, sd.tool)
					r.hung++
					break
				}
				if err != nil {
					return r, fmt.Errorf("%s, round %d, %s %s: %w", label, i+1, sd.tool, phases[j].key, err)
				}
				r.s[sd.tool][phases[j].key][i] = &s
			}
			sd.reset()
		}
	}
	return r, nil
}

// durations lists a tool's times of a phase over the rounds it has.
func (r *results) durations(tool, phase string) []float64 {
	var out []float64
	for _, s := range r.s[tool][phase] {
		if s != nil {
			out = append(out, float64(s.d))
		}
	}
	return out
}

// counts lists a tool's bytes or connections of a phase over its rounds.
func (r *results) counts(tool, phase string, of func(sample) int64) []float64 {
	var out []float64
	for _, s := range r.s[tool][phase] {
		if s != nil && of(*s) >= 0 {
			out = append(out, float64(of(*s)))
		}
	}
	return out
}

// ratios are the per-round ratios first/second of a phase, over the rounds
// where both tools have a sample.
func (r *results) ratios(phase string, of func(sample) float64) []float64 {
	a, b := r.s[r.tools[0]][phase], r.s[r.tools[1]][phase]
	var out []float64
	for i := range a {
		if a[i] != nil && b[i] != nil && of(*b[i]) > 0 {
			out = append(out, of(*a[i])/of(*b[i]))
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}
