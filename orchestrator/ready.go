package orchestrator

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ready holds back an instance's dependants until it can serve them: healthy
// when its image has a HEALTHCHECK, then its run.conf sleep, as DockerOps did.
//
// A service step has waited for its task already: the Swarm counts a task
// running once its HEALTHCHECK passes.
func (x *execution) ready(ctx context.Context, s *Step) error {
	if s.Action == Remove || s.Instance == nil || s.service != nil {
		return nil
	}
	needed := x.dependants[s.Name] > 0 || x.plan.Wait
	if !needed || (s.Action == Leave && s.Existing.Health != "starting") {
		return nil
	}
	if err := x.o.waitHealthy(ctx, s.Name); err != nil {
		return err
	}
	if s.Action != Leave && s.Instance.Sleep > 0 && x.dependants[s.Name] > 0 {
		x.o.emit(Event{Instance: s.Name, Action: Sleep, Status: Working, Detail: fmt.Sprintf("%gs before its dependants start", s.Instance.Sleep)})
		select {
		case <-time.After(time.Duration(s.Instance.Sleep * float64(time.Second))):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// waitHealthy polls a container until it runs and, if it has a health check,
// until the check passes.
func (o *Orchestrator) waitHealthy(ctx context.Context, name string) error {
	deadline := time.Now().Add(o.waitTimeout())
	delay := 50 * time.Millisecond
	for {
		ob, err := o.Engine.Inspect(ctx, name)
		if err != nil {
			return err
		}
		switch {
		case ob.State != "running" && ob.State != "created":
			return fmt.Errorf("%s: %s instead of running (see `dockerops logs:%s`)", name, ob.State, ob.Labels[LabelContainer])
		case ob.State == "running" && (ob.Health == "" || ob.Health == "healthy"):
			return nil
		case ob.Health == "unhealthy" || time.Now().After(deadline):
			state := ob.Health
			if state == "" {
				state = ob.State
			}
			return fmt.Errorf("%s: not healthy after %s (%s); last health check output: %s",
				name, o.waitTimeout(), state, lastLine(ob.HealthLog))
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
		delay = min(delay*2, time.Second)
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "(none)"
	}
	lines := strings.Split(s, "\n")
	return lines[len(lines)-1]
}

// seed runs an instance's first_start_command once, after its first start.
func (o *Orchestrator) seed(ctx context.Context, id string, name, command string) error {
	var out strings.Builder
	code, err := o.Engine.Exec(ctx, id, ExecSpec{Cmd: []string{"bash", "-lc", command}, Streams: Streams{Out: &out, Err: &out}})
	if err != nil {
		return fmt.Errorf("%s: first_start_command: %w", name, err)
	}
	if code != 0 {
		return fmt.Errorf("%s: first_start_command %q exited with %d:\n%s", name, command, code, strings.TrimSpace(out.String()))
	}
	o.emit(Event{Instance: name, Action: Seed, Status: Done})
	return nil
}
