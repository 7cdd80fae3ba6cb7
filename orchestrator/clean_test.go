package orchestrator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

func TestCleanRemovesContainersThenNetwork(t *testing.T) {
	for _, stale := range []bool{false, true} {
		f := enginetest.New()
		o := newOrch(f)
		var events orchestrator.Recorder
		o.Events = &events
		apply(t, o, demoRun(), orchestrator.PlanOptions{})
		if stale {
			// As the engine's endpoint bug does.
			f.Fail("rmnetwork", fmt.Errorf("network demo kept: %w", orchestrator.ErrStaleNetwork))
		}
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
		case !stale && f.HasNetwork("demo"):
			t.Error("clean left the project network")
		case stale && !hasEvent(events.Events(), orchestrator.Warning, "network demo kept"):
			t.Errorf("a network the engine keeps is not reported as a warning: %v", events.Events())
		}
	}
}

func hasEvent(events []orchestrator.Event, status orchestrator.Status, detail string) bool {
	for _, e := range events {
		if e.Status == status && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}
