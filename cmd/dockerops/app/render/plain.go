package render

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/dockerops/dockerops/orchestrator"
)

// plain writes one line per event, for pipes and logs:
//
//	[web1] main-web-master: recreate done (1.2s) env X changed
//	main-db-one: create failed (0.3s): port is already allocated
//	warning: no HEALTHCHECK in web
//	web1: deleted droplet main-web1
//
// "[host] " is there only when the event has a host. An event with no
// instance drops the "instance: " part; a warning with no instance reads
// "warning: ..." and a working event with no instance but a detail (a line
// of text, see Lines) is its detail alone, as text producers wrote it.
type plain struct {
	mu sync.Mutex
	w  io.Writer
}

func newPlain(w io.Writer) *plain { return &plain{w: w} }

func (p *plain) Event(e orchestrator.Event) {
	line := plainLine(e) + "\n"
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, line)
}

func plainLine(e orchestrator.Event) string {
	var b strings.Builder
	if e.Host != "" {
		fmt.Fprintf(&b, "[%s] ", e.Host)
	}
	switch {
	case e.Instance == "" && e.Status == orchestrator.Working && e.Detail != "" && e.Err == nil:
		b.WriteString(oneLine(e.Detail))
		return b.String()
	case e.Instance == "" && e.Status == orchestrator.Warning:
		b.WriteString("warning: ")
		var parts []string
		for _, s := range []string{string(e.Action), oneLine(e.Detail), errText(e.Err)} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		b.WriteString(strings.Join(parts, ": "))
		return b.String()
	case e.Instance != "":
		b.WriteString(e.Instance + ": ")
	}
	var words []string
	if e.Action != "" {
		words = append(words, string(e.Action))
	}
	if e.Status != "" {
		words = append(words, string(e.Status))
	}
	if e.Elapsed > 0 {
		words = append(words, "("+elapsed(e.Elapsed)+")")
	}
	if e.Detail != "" {
		words = append(words, oneLine(e.Detail))
	}
	b.WriteString(strings.Join(words, " "))
	if e.Err != nil {
		b.WriteString(": " + errText(e.Err))
	}
	return b.String()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return oneLine(err.Error())
}
