package render

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// jsonEvent is one line of progress=json. Every field but detail is always
// there, error as "" when the event did not fail, so a reader can index
// fields without checking for them.
type jsonEvent struct {
	Time     string  `json:"time"` // RFC 3339 with nanoseconds
	Host     string  `json:"host"` // "" = the local engine
	Instance string  `json:"instance"`
	Action   string  `json:"action"`
	Status   string  `json:"status"`
	Elapsed  float64 `json:"elapsed_s"` // seconds, to the millisecond
	Error    string  `json:"error"`
	Detail   string  `json:"detail,omitempty"`
}

// jsonLines writes one JSON object per line per event, like Compose's
// --progress json, so that stderr holds nothing else.
type jsonLines struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time // the time of events that carry none
}

func newJSON(w io.Writer) *jsonLines { return &jsonLines{w: w, now: time.Now} }

func (j *jsonLines) Event(e orchestrator.Event) {
	t := e.Time
	if t.IsZero() {
		t = j.now()
	}
	v := jsonEvent{
		Time:     t.Format(time.RFC3339Nano),
		Host:     e.Host,
		Instance: e.Instance,
		Action:   string(e.Action),
		Status:   string(e.Status),
		Elapsed:  e.Elapsed.Round(time.Millisecond).Seconds(),
		Detail:   e.Detail,
	}
	if e.Err != nil {
		v.Error = e.Err.Error()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "<" and "&" in details readable
	if err := enc.Encode(v); err != nil {
		return // a struct of strings and a float always encodes
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.w.Write(b.Bytes())
}
