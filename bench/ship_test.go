package main

import (
	"testing"
	"time"
)

// The ship step's time is the elapsed_s of its done event, among the other
// events of a run (and lines that are not JSON).
func TestShipStepFromProgressJSON(t *testing.T) {
	events := []byte(`{"time":"2026-12-01T12:00:00Z","host":"h1","instance":"dobenchship/blob:latest","action":"ship","status":"working","elapsed_s":0,"error":""}
not json
{"time":"2026-12-01T12:00:06Z","host":"h1","instance":"dobenchship-blob-one","action":"create","status":"done","elapsed_s":0.2,"error":""}
{"time":"2026-12-01T12:00:06Z","host":"h1","instance":"dobenchship/blob:latest","action":"ship","status":"done","elapsed_s":6.331,"error":""}
`)
	d, ok := shipStep(events)
	if !ok || d != 6331*time.Millisecond {
		t.Errorf("shipStep = %s, %v; want 6.331s", d, ok)
	}
	if _, ok := shipStep([]byte(`{"action":"create","status":"done","elapsed_s":1}`)); ok {
		t.Error("a run without a ship step has a ship time")
	}
}
