package app

import (
	"strings"
	"testing"
)

// TestOneInstanceTasksNameWhatTheyFound pins the messages of the tasks that
// act on one instance when the argument selects none or several: they used
// to panic with an index out of range on all with nothing there.
func TestOneInstanceTasksNameWhatTheyFound(t *testing.T) {
	t.Setenv("PATH", "") // ssh falls back to docker exec
	none, two := engineStates[0], engineStates[3]
	for _, task := range []string{"ip", "ssh", "shell", "status"} { // logs: TestLogsRefusesWhatSelectsNothing
		cases := []struct {
			word  string
			state engineState
			want  string
		}{
			{task + ":all", none, task + " needs one instance: no instance of project demo (see `dockerops ps`)"},
			{task + ":all,instance=three", two, task + ` needs one instance: no instance "three" in project demo`},
			{task + ":all", two, task + " needs one instance; all matches 2: demo-web-one, demo-web-two; name one, e.g. `dockerops " + task + ":web,instance=one`"},
			{task + ":web-*", two, task + " needs one instance; web-* matches 2: demo-web-one, demo-web-two"},
			{task + ":web", two, "web has 2 instances (one, two): choose one with instance=NAME"},
		}
		for _, tc := range cases {
			t.Run(tc.word+"/"+tc.state.name, func(t *testing.T) {
				res := (&fakeRun{state: tc.state}).run(t, tc.word)
				if res.code != exitFailure || !strings.Contains(res.stderr, "dockerops: "+tc.want) {
					t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and %q", res.code, res.stderr, tc.want)
				}
			})
		}
	}
}

// TestStartStopSayWhenThereIsNothingToDo: start:all and stop:all used to
// exit 0 in silence when no instance needed them.
func TestStartStopSayWhenThereIsNothingToDo(t *testing.T) {
	none, stopped, running := engineStates[0], engineStates[1], engineStates[2]
	cases := []struct {
		word  string
		state engineState
		want  string
	}{
		{"start:all", none, "nothing to start: no stopped instance of project demo\n"},
		{"start:all", running, "nothing to start: no stopped instance of project demo\n"},
		{"start:web,instance=one", running, "nothing to start: no stopped instance of web in project demo (instance one)\n"},
		{"stop:all", none, "nothing to stop: no running instance of project demo\n"},
		{"stop:all", stopped, "nothing to stop: no running instance of project demo\n"},
		{"stop:web-*", stopped, "nothing to stop: no running instance of web-* in project demo\n"},
	}
	for _, tc := range cases {
		t.Run(tc.word+"/"+tc.state.name, func(t *testing.T) {
			r := &fakeRun{state: tc.state}
			res := r.run(t, tc.word)
			if res.code != exitOK || res.stderr != tc.want {
				t.Errorf("exit %d, stderr %q; want 0 and %q", res.code, res.stderr, tc.want)
			}
			if w := r.engine.Writes(); len(w) > 0 {
				t.Errorf("nothing to do, yet the engine was asked to %v", w)
			}
		})
	}
	// With something to do, the instances are started and nothing more is said.
	r := &fakeRun{state: stopped}
	if res := r.run(t, "start:all"); res.code != exitOK || strings.Contains(res.stderr, "nothing") {
		t.Errorf("start:all of a stopped instance: exit %d, stderr %q", res.code, res.stderr)
	}
	if ob, _ := r.engine.Container("demo-web-one"); ob.State != "running" {
		t.Errorf("start:all left demo-web-one %s", ob.State)
	}
}
