package orchestrator_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// Without a Parallel bound every independent step is in flight at once, as
// with Compose; with one, no more than it.
func TestApplyParallelBound(t *testing.T) {
	for _, tc := range []struct{ parallel, want int }{{0, 12}, {3, 3}, {50, 12}} {
		t.Run(fmt.Sprint(tc.parallel), func(t *testing.T) {
			ctx := context.Background()
			f := enginetest.New()
			f.StartDelay = 200 * time.Millisecond // so that the starts overlap
			for i := range 12 {
				f.AddContainer(orchestrator.Observed{Name: fmt.Sprintf("demo-%02d", i), State: "exited",
					Labels: map[string]string{orchestrator.LabelProject: "demo"}})
			}
			targets, _ := f.Containers(ctx, "demo")
			o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: f}, Project: "demo", Parallel: tc.parallel}
			if err := o.Apply(ctx, o.PlanStart(targets)); err != nil {
				t.Fatal(err)
			}
			if n := f.MaxInflight(); n != tc.want {
				t.Errorf("parallel=%d: %d of 12 starts at once, want %d", tc.parallel, n, tc.want)
			}
		})
	}
}
