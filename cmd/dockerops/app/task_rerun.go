package app

import (
	"context"
	"fmt"

	"github.com/dockerops/dockerops/orchestrator"
)

// runRerun is DockerOps' rerun: clean, then run, with the same arguments.
// It removes exactly the containers of the instances run is about to
// create, without asking (it makes them again at once; persistent data is
// kept), and none when run would refuse them: the run conf does not
// resolve, or the plan fails (a link to an instance that does not run).
func runRerun(ctx context.Context, s *session, a Args) error {
	if a.Arg == "" && !a.has("group") {
		return usagef("rerun needs a container name (or all), e.g. `dockerops rerun:web,two`: it removes what it names without asking")
	}
	p, instances, err := s.resolveWithEnv(a)
	if err != nil {
		return err
	}
	o, err := s.orchestrator(ctx, p, a)
	if err != nil {
		return err
	}
	if detached, _ := splitInteractive(instances); len(detached) > 0 && a.strOr("host", "") == "" {
		if _, err := o.Plan(ctx, detached, orchestrator.PlanOptions{}); err != nil {
			return fmt.Errorf("rerun: nothing cleaned, run would fail: %w", err)
		}
	}
	observed, err := o.Engine.Containers(ctx, o.Project)
	if err != nil {
		return err
	}
	resolved := map[string]bool{}
	for _, in := range instances {
		resolved[in.Name] = true
	}
	var existing []orchestrator.Observed
	for _, ob := range observed {
		if resolved[ob.Name] {
			existing = append(existing, ob)
		}
	}
	if len(existing) > 0 {
		plan, err := o.PlanClean(ctx, existing, false)
		if err != nil {
			return err
		}
		if err := o.Apply(ctx, plan); err != nil {
			return err
		}
	}
	return runRun(ctx, s, a)
}
