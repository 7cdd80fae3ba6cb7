package dockerengine

import (
	"fmt"
	"io"

	"github.com/moby/term"
)

// localTerminal is the user's terminal while a TTY session runs: raw, so
// keys like Ctrl-C reach the container, and restored afterwards.
type localTerminal struct {
	fd    uintptr
	state *term.State
}

// rawTerminal makes in raw when it is a terminal and the session has a TTY;
// nil (nothing to restore) otherwise.
func rawTerminal(in io.Reader, tty bool) (*localTerminal, error) {
	if !tty || in == nil {
		return nil, nil
	}
	fd, isTerminal := term.GetFdInfo(in)
	if !isTerminal {
		return nil, nil
	}
	state, err := term.SetRawTerminal(fd)
	if err != nil {
		return nil, fmt.Errorf("terminal: %w", err)
	}
	return &localTerminal{fd: fd, state: state}, nil
}

func (t *localTerminal) restore() {
	if t != nil {
		_ = term.RestoreTerminal(t.fd, t.state)
	}
}

// size is the terminal's height and width.
func (t *localTerminal) size() (height, width uint, ok bool) {
	ws, err := term.GetWinsize(t.fd)
	if err != nil || ws.Height == 0 || ws.Width == 0 {
		return 0, 0, false
	}
	return uint(ws.Height), uint(ws.Width), true
}
