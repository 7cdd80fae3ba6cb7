package orchestrator

import (
	"context"
	"strings"
	"testing"
)

func TestCleanRemovesContainersThenNetwork(t *testing.T) {
	for _, stale := range []bool{false, true} {
		f := newFake()
		o := newOrch(f)
		var events Recorder
		o.Events = &events
		apply(t, o, demoRun(), PlanOptions{})
		f.staleNetwork = stale
		observed, err := f.Containers(context.Background(), "demo")
		if err != nil {
			t.Fatal(err)
		}
		plan, err := o.PlanClean(context.Background(), observed, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Apply(context.Background(), plan); err != nil {
			t.Errorf("stale=%v: clean: %v", stale, err)
		}
		if left, _ := f.Containers(context.Background(), "demo"); len(left) != 0 {
			t.Errorf("stale=%v: clean left %d containers", stale, len(left))
		}
		switch {
		case !stale && f.networks["demo"]:
			t.Error("clean left the project network")
		case stale && !hasEvent(events.Events(), Warning, "network demo kept"):
			t.Errorf("a network the engine keeps is not reported as a warning: %v", events.Events())
		}
	}
}

func hasEvent(events []Event, status Status, detail string) bool {
	for _, e := range events {
		if e.Status == status && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}
