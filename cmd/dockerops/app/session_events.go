package app

import (
	"io"
	"strings"

	"github.com/dockerops/dockerops/cmd/dockerops/app/render"
	"github.com/dockerops/dockerops/orchestrator"
)

// events is the renderer of a task's progress on stderr, as its progress
// key asks. Make one per task: the tty renderer owns the bottom of the
// terminal, and lines a task prints itself in between would tear its rows.
func (s *session) events(a Args) (orchestrator.Events, error) {
	debug := strings.EqualFold(s.getenv("LOG_LEVEL"), "debug") || a.flag("debug")
	tty := isTerminal(s.env.Stderr) && !debug
	ev, err := render.New(s.env.Stderr, a.strOr("progress", ""), tty)
	if err != nil {
		return nil, &UsageError{Msg: err.Error()}
	}
	return ev, nil
}

// progressLines is where a text-only producer (the DigitalOcean code) writes
// its progress: each line becomes an event of action for the renderer of
// the task's progress key, so progress=json leaves only JSON on stderr.
// Close it when the producer is done.
func (s *session) progressLines(a Args, action orchestrator.Action) (io.WriteCloser, error) {
	ev, err := s.events(a)
	if err != nil {
		return nil, err
	}
	return render.Lines(ev, action), nil
}
