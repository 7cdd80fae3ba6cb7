package dockerengine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/docker/docker/pkg/jsonmessage"
)

// tailLines is how much build output a failure shows.
const tailLines = 40

// BuildError is a failed build: the step that failed, the engine's message
// and the step's last lines of output.
type BuildError struct {
	Step    string // e.g. `RUN make`, "" when the failure came before any step
	Message string
	Output  []string
}

func (b *BuildError) Error() string {
	var s strings.Builder
	if b.Step != "" {
		fmt.Fprintf(&s, "step %q failed: ", b.Step)
	}
	s.WriteString(b.Message)
	for _, line := range b.Output {
		s.WriteString("\n    ")
		s.WriteString(line)
	}
	return s.String()
}

// buildLog follows the JSON message stream of a build.
type buildLog struct {
	progress io.Writer
	step     string
	partial  string   // output not yet ended by a newline
	tail     []string // the current step's last lines
	imageID  string
}

// readBuildLog decodes a build's message stream; it returns the built
// image's ID when the engine tells it, or a *BuildError.
func readBuildLog(r io.Reader, progress io.Writer) (string, error) {
	b := &buildLog{progress: progress}
	dec := json.NewDecoder(r)
	for {
		var msg jsonmessage.JSONMessage
		err := dec.Decode(&msg)
		if errors.Is(err, io.EOF) {
			return b.imageID, nil
		}
		if err != nil {
			return "", fmt.Errorf("reading the build log: %w", err)
		}
		if failure := b.add(msg); failure != "" {
			b.flush()
			return "", &BuildError{Step: b.step, Message: strings.TrimSpace(failure), Output: b.tail}
		}
	}
}

// add handles one message and returns the error it carries, if any.
func (b *buildLog) add(msg jsonmessage.JSONMessage) string {
	if msg.Error != nil {
		return msg.Error.Message
	}
	if msg.ErrorMessage != "" {
		return msg.ErrorMessage
	}
	if msg.Aux != nil {
		var aux struct{ ID string }
		if json.Unmarshal(*msg.Aux, &aux) == nil && aux.ID != "" {
			b.imageID = aux.ID
		}
	}
	if msg.Stream != "" {
		b.write(msg.Stream)
		b.lines(msg.Stream)
	}
	if msg.Status != "" && msg.Progress == nil {
		line := msg.Status
		if msg.ID != "" {
			line = msg.ID + ": " + line
		}
		b.write(line + "\n")
	}
	return ""
}

func (b *buildLog) write(s string) {
	if b.progress != nil {
		_, _ = io.WriteString(b.progress, s)
	}
}

// lines splits output into lines, starting a new tail at each step.
func (b *buildLog) lines(s string) {
	s = b.partial + s
	parts := strings.Split(s, "\n")
	b.partial = parts[len(parts)-1]
	for _, line := range parts[:len(parts)-1] {
		b.line(line)
	}
}

func (b *buildLog) flush() {
	if b.partial != "" {
		b.line(b.partial)
		b.partial = ""
	}
}

// ansiEscape matches the colour codes the builder wraps stderr output in.
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

func (b *buildLog) line(line string) {
	line = strings.TrimRight(ansiEscape.ReplaceAllString(line, ""), "\r")
	if step, ok := stepOf(line); ok {
		b.step, b.tail = step, nil
		return
	}
	// The builder's own bookkeeping (" ---> Running in 1a2b") is not output.
	if strings.HasPrefix(strings.TrimSpace(line), "--->") || strings.HasPrefix(line, "Removing intermediate container") {
		return
	}
	b.tail = append(b.tail, line)
	if len(b.tail) > tailLines {
		b.tail = b.tail[len(b.tail)-tailLines:]
	}
}

// stepOf reads the instruction from a classic builder step line,
// "Step 2/5 : RUN make".
func stepOf(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "Step ")
	if !ok {
		return "", false
	}
	_, instr, ok := strings.Cut(rest, " : ")
	return strings.TrimSpace(instr), ok
}
