package render

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// Lines adapts a producer that writes lines of text (the DigitalOcean
// provisioning code) to events: each line becomes an Event with the action,
// Status Working and the line as Detail, so that with progress=json those
// lines are JSON too. Blank lines are dropped. Close sends a last line that
// has no newline; it never fails.
func Lines(events orchestrator.Events, action orchestrator.Action) io.WriteCloser {
	return &lineWriter{events: events, action: action, now: time.Now}
}

type lineWriter struct {
	mu     sync.Mutex
	events orchestrator.Events
	action orchestrator.Action
	now    func() time.Time
	buf    []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
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
		l.send(line)
	}
}

func (l *lineWriter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.send(string(l.buf))
	l.buf = nil
	return nil
}

// send is called with l.mu held, so lines keep the order they were written in.
func (l *lineWriter) send(line string) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" {
		return
	}
	l.events.Event(orchestrator.Event{Time: l.now(), Action: l.action, Status: orchestrator.Working, Detail: line})
}
