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
		var progress strings.Builder
		o.Progress = &progress
		apply(t, o, demoRun(), PlanOptions{})
		f.staleNetwork = stale
		observed, err := f.Containers(context.Background(), "demo")
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Clean(context.Background(), observed); err != nil {
			t.Errorf("stale=%v: clean: %v", stale, err)
		}
		if left, _ := f.Containers(context.Background(), "demo"); len(left) != 0 {
			t.Errorf("stale=%v: clean left %d containers", stale, len(left))
		}
		switch {
		case !stale && f.networks["demo"]:
			t.Error("clean left the project network")
		case stale && !strings.Contains(progress.String(), "warning: network demo kept"):
			t.Errorf("a network the engine keeps is not reported:\n%s", progress.String())
		}
	}
}
