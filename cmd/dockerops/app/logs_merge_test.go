package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var logEpoch = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return logEpoch.Add(time.Duration(ms) * time.Millisecond) }

// The merge orders by the engine's time whatever order the sources deliver
// in: here all of a's lines arrive before any of b's.
func TestMergeOrdersLinesAcrossSources(t *testing.T) {
	in := make(chan mergeEvent)
	go func() {
		for _, ms := range []int{100, 300, 500} {
			in <- mergeEvent{source: 0, line: logLine{Instance: "a", Time: at(ms), Line: fmt.Sprint("a", ms)}}
		}
		in <- mergeEvent{source: 0, done: true}
		for _, ms := range []int{200, 400, 600, 600} {
			in <- mergeEvent{source: 1, line: logLine{Instance: "b", Time: at(ms), Line: fmt.Sprint("b", ms)}}
		}
		in <- mergeEvent{source: 1, done: true}
	}()
	var got []string
	err := mergeLines(context.Background(), in, 2, 0, func(l logLine) error {
		got = append(got, l.Line)
		return nil
	})
	want := "a100 b200 a300 b400 a500 b600 b600"
	if err != nil || strings.Join(got, " ") != want {
		t.Errorf("merged %v (%v), want %s", got, err, want)
	}
}

// Following, a source that says nothing must not hold back the others'
// lines, and the end of ctx ends the merge after what it holds.
func TestMergeFollowDoesNotWaitForASilentSource(t *testing.T) {
	in := make(chan mergeEvent)
	out := make(chan string, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- mergeLines(ctx, in, 2, time.Millisecond, func(l logLine) error { out <- l.Line; return nil })
	}()
	in <- mergeEvent{source: 0, line: logLine{Time: at(1), Line: "first"}}
	select {
	case got := <-out:
		if got != "first" {
			t.Errorf("emitted %q, want first", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a line of one source waits for the silent other")
	}
	in <- mergeEvent{source: 0, line: logLine{Time: at(2), Line: "second"}}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("merge ended with %v, want context.Canceled", err)
	}
	if len(out) != 1 || <-out != "second" {
		t.Errorf("the line held when ctx ended was not emitted")
	}
}

// An emit error (stdout closed) ends the merge with it.
func TestMergeStopsOnEmitError(t *testing.T) {
	in := make(chan mergeEvent, 2)
	in <- mergeEvent{source: 0, line: logLine{Time: at(1)}}
	in <- mergeEvent{source: 0, done: true}
	boom := errors.New("broken pipe")
	if err := mergeLines(context.Background(), in, 1, 0, func(logLine) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("merge = %v, want the emit error", err)
	}
}

// The splitter cuts the engine's chunks into lines, whatever the chunk
// boundaries, and reads the engine's timestamp off each.
func TestLineSplitterReadsTimestamps(t *testing.T) {
	var got []logLine
	w := &lineSplitter{template: logLine{Instance: "demo-web-one", Stream: "stderr"}, send: func(l logLine) { got = append(got, l) }}
	for _, chunk := range []string{"2026-12-01T12:00:00.1Z hel", "lo\n2026-12-01T12:00:00.2Z wor", "ld\r\n2026-12-01T12:00:00.3Z", " last"} {
		w.Write([]byte(chunk))
	}
	w.flush()
	if len(got) != 3 {
		t.Fatalf("%d lines, want 3: %+v", len(got), got)
	}
	for i, want := range []string{"hello", "world", "last"} {
		if got[i].Line != want || !got[i].Time.Equal(at(100*(i+1))) || got[i].Instance != "demo-web-one" || got[i].Stream != "stderr" {
			t.Errorf("line %d = %+v, want %q at %v", i, got[i], want, at(100*(i+1)))
		}
	}
}

// An instance's colour depends on its name only: the same in every run and
// whatever else is shown; different names spread over the palette.
func TestLogColourIsStable(t *testing.T) {
	if got := logColour("demo-web-one"); got != "32" {
		t.Errorf("demo-web-one is colour %s; it was 32 in earlier runs", got)
	}
	seen := map[string]bool{}
	for i := range 20 {
		seen[logColour(fmt.Sprintf("demo-web-%d", i))] = true
	}
	if len(seen) < 4 {
		t.Errorf("20 names share %d colours", len(seen))
	}
}

func TestLogPrinterPadsAndColours(t *testing.T) {
	var b strings.Builder
	p := &logPrinter{w: &b, width: 12}
	p.print(logLine{Instance: "demo-db-one", label: "demo-db-one", Line: "ready"})
	if got := b.String(); got != "demo-db-one  | ready\n" {
		t.Errorf("plain = %q", got)
	}
	b.Reset()
	p.colour = true
	p.print(logLine{Instance: "demo-web-one", label: "demo-web-one", Line: "GET /"})
	if got := b.String(); got != "\x1b[32mdemo-web-one |\x1b[0m GET /\n" {
		t.Errorf("coloured = %q", got)
	}
}
