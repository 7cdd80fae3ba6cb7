package render

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestJSONLines(t *testing.T) {
	var out bytes.Buffer
	j := newJSON(&out)
	j.now = func() time.Time { return t0 }
	for i, e := range sample {
		if i%2 == 0 {
			e.Time = t0.Add(time.Duration(i) * time.Second)
		}
		j.Event(e)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(sample) {
		t.Fatalf("%d lines for %d events", len(lines), len(sample))
	}
	always := []string{"action", "elapsed_s", "error", "host", "instance", "status", "time"}
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		want := slices.Clone(always)
		if sample[i].Detail != "" {
			want = append(want, "detail")
		}
		slices.Sort(want)
		if got := slices.Sorted(maps.Keys(m)); !slices.Equal(got, want) {
			t.Errorf("line %d has fields %v, want %v", i+1, got, want)
		}
		ts, err := time.Parse(time.RFC3339Nano, m["time"].(string))
		wantTime := t0
		if i%2 == 0 {
			wantTime = t0.Add(time.Duration(i) * time.Second)
		}
		if err != nil || !ts.Equal(wantTime) {
			t.Errorf("line %d: time %v (%v), want %v", i+1, m["time"], err, wantTime)
		}
		if got, want := m["elapsed_s"], sample[i].Elapsed.Seconds(); got != want {
			t.Errorf("line %d: elapsed_s %v, want %v", i+1, got, want)
		}
		wantErr := ""
		if sample[i].Err != nil {
			wantErr = sample[i].Err.Error()
		}
		if m["error"] != wantErr {
			t.Errorf("line %d: error %q, want %q", i+1, m["error"], wantErr)
		}
	}
	golden(t, "json.golden", out.String())
}
