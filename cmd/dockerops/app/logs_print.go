package app

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
)

// logColours are the ANSI colours of the instance prefixes: Compose's
// choice (cyan, yellow, green, magenta, blue and their bright forms); red
// is left to errors.
var logColours = []string{"36", "33", "32", "35", "34", "96", "93", "92", "95", "94"}

// logColour is the colour of an instance's prefix. It depends on the name
// alone, so an instance keeps its colour from one run to the next and
// whatever else a pattern selects.
func logColour(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return logColours[h.Sum32()%uint32(len(logColours))]
}

// logPrinter writes merged lines: "name | line" with the names padded to
// one width (coloured on a terminal), or one JSON object per line.
type logPrinter struct {
	w      io.Writer
	json   bool
	colour bool
	width  int
}

func (p *logPrinter) print(l logLine) error {
	if p.json {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(p.w, "%s\n", b)
		return err
	}
	prefix := l.label + strings.Repeat(" ", max(p.width-len(l.label), 0)) + " |"
	if p.colour {
		prefix = "\x1b[" + logColour(l.Instance) + "m" + prefix + "\x1b[0m"
	}
	_, err := fmt.Fprintf(p.w, "%s %s\n", prefix, l.Line)
	return err
}
