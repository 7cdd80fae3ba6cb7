package render

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/dockerops/dockerops/orchestrator"
)

// tty keeps one live row per instance of a host, rewritten in place with
// ANSI cursor moves, in the order the instances were first seen:
//
//	web1  main-web-master  recreate  done     1.2s  (env X changed)
//	web1  main-db-one      create    failed   0.3s  error: port is already allocated
//
// Events with no instance (project-wide steps, text lines) and warnings
// scroll above the rows as plain lines: a warning is a note about an
// instance, not where it stands, so it never replaces its row.
//
// It assumes it owns the bottom of the terminal: anything else written
// there meanwhile is overwritten, and a row wider than the terminal wraps
// and throws the cursor count off.
type tty struct {
	mu    sync.Mutex
	w     io.Writer
	order []rowKey // rows, in the order first seen
	rows  map[rowKey]orchestrator.Event
	drawn int // rows on screen now
}

// rowKey is what a row stands for: two hosts may run instances of the
// same name.
type rowKey struct{ host, instance string }

func newTTY(w io.Writer) *tty { return &tty{w: w, rows: map[rowKey]orchestrator.Event{}} }

func (t *tty) Event(e orchestrator.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	if t.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", t.drawn) // back to the first row
	}
	if e.Instance == "" || e.Status == orchestrator.Warning {
		fmt.Fprintf(&b, "\x1b[2K%s\n", plainLine(e))
	} else {
		k := rowKey{e.Host, e.Instance}
		if _, seen := t.rows[k]; !seen {
			t.order = append(t.order, k)
		}
		t.rows[k] = e
	}
	for _, row := range t.table() {
		fmt.Fprintf(&b, "\x1b[2K%s\n", row)
	}
	t.drawn = len(t.order)
	io.WriteString(t.w, b.String())
}

// table lays the rows out in columns as wide as their widest cell; a column
// no row fills (the host, when every instance is local) takes no room.
func (t *tty) table() []string {
	cells := make([][5]string, len(t.order))
	var width [5]int
	for i, k := range t.order {
		e := t.rows[k]
		c := [5]string{e.Host, e.Instance, string(e.Action), string(e.Status), ""}
		if e.Elapsed > 0 {
			c[4] = elapsed(e.Elapsed)
		}
		for j, s := range c {
			width[j] = max(width[j], len(s))
		}
		cells[i] = c
	}
	rows := make([]string, len(t.order))
	for i, k := range t.order {
		e := t.rows[k]
		var cols []string
		for j, s := range cells[i] {
			if width[j] == 0 {
				continue
			}
			if j == 4 {
				s = fmt.Sprintf("%*s", width[j], s) // durations align on the right
			}
			cols = append(cols, fmt.Sprintf("%-*s", width[j], s))
		}
		if e.Detail != "" {
			cols = append(cols, "("+oneLine(e.Detail)+")")
		}
		if e.Err != nil {
			cols = append(cols, "error: "+errText(e.Err))
		}
		rows[i] = strings.TrimRight(strings.Join(cols, "  "), " ")
	}
	return rows
}
