package app

import (
	"slices"
	"testing"
)

// A run with nothing to do costs, after the dial's ping, one container
// list, which also vouches for the images the containers were made from
// and shows whether another process holds the deploy lock. On a host the
// host's name (HOST_HOSTNAME) is asked too, while the list is on its way.
// No write, no lock container, no image lookup.
func TestNoOpRunIsOneList(t *testing.T) {
	for _, tc := range []struct {
		name, task, host string
		want             []string // sorted
	}{
		{"local", "run:all", "", []string{"containers " + fakeProjectName, "ping"}},
		{"host", "run:all,host=web1", "web1", []string{"containers " + fakeProjectName, "machine", "ping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &fakeRun{}
			if res := r.run(t, tc.task); res.code != exitOK {
				t.Fatalf("first %s: exit %d\n%s", tc.task, res.code, res.stderr)
			}
			engine := r.engine
			if tc.host != "" {
				engine = r.hosts[tc.host]
			}
			engine.ResetCalls()
			res := r.run(t, tc.task)
			if res.code != exitOK {
				t.Fatalf("second %s: exit %d\n%s", tc.task, res.code, res.stderr)
			}
			got := slices.Sorted(slices.Values(engine.Calls()))
			if !slices.Equal(got, tc.want) {
				t.Errorf("a no-op %s called the engine %q, want %q", tc.task, got, tc.want)
			}
		})
	}
}
