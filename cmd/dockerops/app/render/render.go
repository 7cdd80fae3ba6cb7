package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// Modes are the values of the progress key, in the order help lists them.
func Modes() []string { return []string{"auto", "tty", "plain", "json"} }

// New returns the renderer named by mode, writing to w. "" and "auto" pick
// tty when isTTY and plain otherwise; the caller passes isTTY false when w
// is not a terminal or when debug logs share it, since log lines would tear
// the live rows apart. An explicit "tty" is honoured even on a pipe.
// Mode names are case-insensitive.
func New(w io.Writer, mode string, isTTY bool) (orchestrator.Events, error) {
	switch strings.ToLower(mode) {
	case "", "auto":
		if isTTY {
			return newTTY(w), nil
		}
		return newPlain(w), nil
	case "tty":
		return newTTY(w), nil
	case "plain":
		return newPlain(w), nil
	case "json":
		return newJSON(w), nil
	}
	return nil, fmt.Errorf("unknown progress mode %q; valid modes: %s", mode, strings.Join(Modes(), ", "))
}

// elapsed is how durations read in plain lines and tty rows.
func elapsed(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

// oneLine keeps an event on one line of text: line breaks become "; " and
// other control characters (an ESC in a build log would move the cursor)
// become spaces.
func oneLine(s string) string {
	s = strings.ReplaceAll(strings.TrimRight(s, "\r\n"), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\n", "; ")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
