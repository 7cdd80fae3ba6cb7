package app

import (
	"bytes"
	"container/heap"
	"context"
	"strings"
	"time"
)

// logLine is one line an instance wrote, with the engine's time of it; it
// is also what `logs,format=json` prints, one object per line.
type logLine struct {
	Instance string    `json:"instance"`
	Host     string    `json:"host"`   // hosts.conf host, "" = the local engine
	Stream   string    `json:"stream"` // stdout or stderr
	Time     time.Time `json:"time"`
	Line     string    `json:"line"`
	label    string    // the prefix the text output shows
}

// mergeEvent is what a source hands the merge: a line, or its end.
type mergeEvent struct {
	source int
	line   logLine
	done   bool
}

// followWindow is how long a followed line may wait for an idle source to
// say something older: long enough to order lines the engines deliver a
// little apart, short enough that the output does not seem to stall.
const followWindow = 250 * time.Millisecond

// mergeLines hands emit the lines of sources sources in time order. Each
// source is in order by itself (an engine's log is), so a line is next once
// every source still open has a line buffered or has ended. With a window
// (follow), a source may stay silent for ever: a line that has waited that
// long goes out anyway. mergeLines returns when every source has ended, or,
// after emitting what it holds, when ctx ends.
func mergeLines(ctx context.Context, in <-chan mergeEvent, sources int, window time.Duration, emit func(logLine) error) error {
	var buf lineHeap
	pending := make([]int, sources)
	open := make([]bool, sources)
	for i := range open {
		open[i] = true
	}
	openCount, seq := sources, 0
	// One timer, reset for each wait (Go 1.23 timers: Stop leaves no
	// stale tick behind).
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	ready := func(now time.Time) bool {
		if buf.Len() == 0 {
			return false
		}
		if window > 0 && now.Sub(buf[0].arrived) >= window {
			return true
		}
		for i, o := range open {
			if o && pending[i] == 0 {
				return false
			}
		}
		return true
	}
	pop := func() error {
		it := heap.Pop(&buf).(heapItem)
		pending[it.source]--
		return emit(it.line)
	}
	for {
		for ready(time.Now()) {
			if err := pop(); err != nil {
				return err
			}
		}
		if openCount == 0 {
			return nil
		}
		var wake <-chan time.Time
		if window > 0 && buf.Len() > 0 {
			timer.Reset(window - time.Since(buf[0].arrived))
			wake = timer.C
		}
		select {
		case ev := <-in:
			switch {
			case ev.done:
				if open[ev.source] {
					open[ev.source] = false
					openCount--
				}
			default:
				heap.Push(&buf, heapItem{line: ev.line, source: ev.source, seq: seq, arrived: time.Now()})
				pending[ev.source]++
				seq++
			}
			timer.Stop()
		case <-wake:
		case <-ctx.Done():
			timer.Stop()
			for buf.Len() > 0 {
				if err := pop(); err != nil {
					return err
				}
			}
			return ctx.Err()
		}
	}
}

type heapItem struct {
	line    logLine
	source  int
	seq     int // arrival order: equal times keep it
	arrived time.Time
}

// lineHeap orders buffered lines by time, then by arrival.
type lineHeap []heapItem

func (h lineHeap) Len() int { return len(h) }
func (h lineHeap) Less(i, j int) bool {
	if !h[i].line.Time.Equal(h[j].line.Time) {
		return h[i].line.Time.Before(h[j].line.Time)
	}
	return h[i].seq < h[j].seq
}
func (h lineHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *lineHeap) Push(x any)   { *h = append(*h, x.(heapItem)) }
func (h *lineHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// lineSplitter is the writer one stream of a source's log goes to: it cuts
// the engine's output into lines and hands each, its timestamp read, to
// send.
type lineSplitter struct {
	template logLine // instance, host, stream and label of every line
	send     func(logLine)
	partial  []byte
}

func (w *lineSplitter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.partial = append(w.partial, p...)
			break
		}
		w.partial = append(w.partial, p[:i]...)
		w.line(string(w.partial))
		w.partial, p = w.partial[:0], p[i+1:]
	}
	return n, nil
}

// flush hands on a last line that did not end with a newline.
func (w *lineSplitter) flush() {
	if len(w.partial) > 0 {
		w.line(string(w.partial))
		w.partial = w.partial[:0]
	}
}

// line reads the engine's timestamp off a line; a line without one (an
// engine that gave none) is timed when it arrives.
func (w *lineSplitter) line(s string) {
	l := w.template
	s = strings.TrimSuffix(s, "\r")
	ts, rest, ok := strings.Cut(s, " ")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if ok && err == nil {
		l.Time, l.Line = t, rest
	} else if err == nil {
		l.Time, l.Line = t, ""
	} else {
		l.Time, l.Line = time.Now(), s
	}
	w.send(l)
}
