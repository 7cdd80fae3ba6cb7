package app

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// liveStatus renders progress on a terminal as one live line per instance
// ("name: status"), rewritten in place as the instance moves on; other lines
// scroll above them. A pipe gets the plain lines instead.
type liveStatus struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	names []string          // instances, in the order first seen
	state map[string]string // instance -> its latest line
	drawn int               // live lines on screen now
}

func newLiveStatus(w io.Writer) *liveStatus {
	return &liveStatus{w: w, state: map[string]string{}}
}

func (l *liveStatus) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(l.buf[:i])
		l.buf = l.buf[i+1:]
		l.update(line)
	}
}

func (l *liveStatus) update(line string) {
	var b strings.Builder
	if l.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", l.drawn) // back to the first live line
	}
	name, _, ok := strings.Cut(line, ": ")
	if ok && !strings.ContainsAny(name, " \t") {
		if _, seen := l.state[name]; !seen {
			l.names = append(l.names, name)
		}
		l.state[name] = line
	} else {
		fmt.Fprintf(&b, "\x1b[2K%s\n", line)
	}
	for _, n := range l.names {
		fmt.Fprintf(&b, "\x1b[2K%s\n", l.state[n])
	}
	l.drawn = len(l.names)
	io.WriteString(l.w, b.String())
}
