package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Rounds alternate which tool goes first, every round ends with each tool's
// reset, and a round in which a tool hung pairs nothing: the ratio is the
// median over the rounds both tools measured.
func TestInterleavePairsRounds(t *testing.T) {
	settle = 0
	var order []string
	resets := map[string]int{}
	phases := []phase{{"cold", "cold start"}}
	// dockerops takes 1, 2, 3 s in rounds 1-3; compose 2 s, hangs, 4 s.
	mk := func(tool string, ds ...time.Duration) side {
		round := 0
		return side{tool: tool, reset: func() { resets[tool]++ }, steps: []func() (sample, error){func() (sample, error) {
			order = append(order, tool)
			d := ds[round]
			round++
			if d == 0 {
				return sample{}, fmt.Errorf("compose up: %w", errHung)
			}
			return timeOnly(d), nil
		}}}
	}
	r, err := interleave("test", 3, phases, [2]side{mk("dockerops", time.Second, 2*time.Second, 3*time.Second), mk("compose", 2*time.Second, 0, 4*time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(order, " "), "dockerops compose compose dockerops dockerops compose"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
	if resets["dockerops"] != 3 || resets["compose"] != 3 {
		t.Errorf("resets %v, want 3 each", resets)
	}
	if r.hung != 1 {
		t.Errorf("hung = %d, want 1", r.hung)
	}
	// Rounds 1 and 3 pair: ratios 0.5 and 0.75.
	if got := ratio(r.ratios("cold", func(s sample) float64 { return float64(s.d) })); got != "0.62 (0.50–0.75)" {
		t.Errorf("ratio %q, want the median of rounds 1 and 3", got)
	}
	var out strings.Builder
	r.print(&out, "Local")
	if !strings.Contains(out.String(), "| cold start | 2.00 s | 3.00 s | 0.62 (0.50–0.75) |") {
		t.Errorf("table:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "hung") {
		t.Errorf("the table does not say a tool hung:\n%s", out.String())
	}
}

// A step that fails (not hung) stops the bench with the round and the step.
func TestInterleaveStopsOnFailure(t *testing.T) {
	settle = 0
	fail := side{tool: "dockerops", reset: func() {}, steps: []func() (sample, error){func() (sample, error) { return sample{}, fmt.Errorf("boom") }}}
	ok := side{tool: "compose", reset: func() {}, steps: []func() (sample, error){func() (sample, error) { return timeOnly(time.Second), nil }}}
	_, err := interleave("local N=20", 2, []phase{{"cold", "cold"}}, [2]side{fail, ok})
	if err == nil || !strings.Contains(err.Error(), "local N=20, round 1, dockerops cold: boom") {
		t.Errorf("err = %v", err)
	}
}
