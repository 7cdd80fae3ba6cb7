package dockerengine

import (
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/swarm"

	"github.com/dockerops/dockerops/orchestrator"
)

// A spec's restart reaches the engine in its words: a container's zero
// value is "no", a service's "" is any.
func TestRestartReachesTheEngine(t *testing.T) {
	for _, tc := range []struct {
		in   orchestrator.Restart
		want container.RestartPolicy
	}{
		{orchestrator.Restart{}, container.RestartPolicy{Name: container.RestartPolicyDisabled}},
		{orchestrator.Restart{Policy: "unless-stopped"}, container.RestartPolicy{Name: container.RestartPolicyUnlessStopped}},
		{orchestrator.Restart{Policy: "on-failure", MaxRetries: 4}, container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 4}},
	} {
		if got := restartPolicy(tc.in); got != tc.want {
			t.Errorf("restartPolicy(%+v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		restart  string
		attempts int
		want     swarm.RestartPolicyCondition
	}{
		{"", 0, swarm.RestartPolicyConditionAny},
		{"none", 0, swarm.RestartPolicyConditionNone},
		{"on-failure", 2, swarm.RestartPolicyConditionOnFailure},
	} {
		spec, err := serviceSpec(orchestrator.ServiceSpec{Name: "s", Restart: tc.restart, MaxAttempts: tc.attempts})
		if err != nil {
			t.Fatal(err)
		}
		p := spec.TaskTemplate.RestartPolicy
		if p.Condition != tc.want || (tc.attempts == 0) != (p.MaxAttempts == nil) || (p.MaxAttempts != nil && *p.MaxAttempts != uint64(tc.attempts)) {
			t.Errorf("service restart %q/%d: condition %q, max attempts %v", tc.restart, tc.attempts, p.Condition, p.MaxAttempts)
		}
	}
}
