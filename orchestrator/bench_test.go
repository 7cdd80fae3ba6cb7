package orchestrator_test

import (
	"context"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// BenchmarkPlanNoOp measures planning 20 up-to-date instances: the work a
// no-op `run:all` does besides loading the project.
func BenchmarkPlanNoOp(b *testing.B) {
	f := enginetest.New()
	o := newOrch(f)
	run := independent(20)
	plan, err := o.Plan(context.Background(), run, orchestrator.PlanOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if err := o.Apply(context.Background(), plan); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		p, err := o.Plan(context.Background(), run, orchestrator.PlanOptions{})
		if err != nil || p.Changes() != 0 {
			b.Fatalf("plan changed: %v %v", err, p)
		}
	}
}
