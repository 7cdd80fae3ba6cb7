package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
)

// logsFixture is the fake project with web one and two running in group
// front and db one in group back, each with a scripted, timestamped log.
func logsFixture() *fakeRun {
	r := &fakeRun{state: engineState{"two running", map[string]string{"one": "running", "two": "running"}}}
	r.engine = newFakeEngine(r.state)
	r.engine.AddContainer(orchestrator.Observed{Name: "demo-db-one", State: "running", Labels: map[string]string{
		orchestrator.LabelProject: fakeProjectName, orchestrator.LabelContainer: "db", orchestrator.LabelInstance: "one", orchestrator.LabelGroup: "back"}})
	r.engine.SetLogs("demo-db-one", "2026-12-01T12:00:00.050Z db ready\n2026-12-01T12:00:00.350Z db query\n")
	for _, id := range []string{"demo-web-one", "demo-web-two"} {
		c, _ := r.engine.Container(id)
		c.Labels[orchestrator.LabelGroup] = "front"
		r.engine.AddContainer(c)
	}
	r.engine.SetLogs("demo-web-one", "2026-12-01T12:00:00.100Z one a\n2026-12-01T12:00:00.300Z one b\n")
	r.engine.SetLogs("demo-web-two", "2026-12-01T12:00:00.200Z two a\n2026-12-01T12:00:00.400Z two b\n")
	return r
}

func TestLogsAllMergesInTimeOrderWithPrefixes(t *testing.T) {
	r := logsFixture()
	res := r.run(t, "logs:all")
	want := "demo-db-one  | db ready\n" +
		"demo-web-one | one a\n" +
		"demo-web-two | two a\n" +
		"demo-web-one | one b\n" +
		"demo-db-one  | db query\n" +
		"demo-web-two | two b\n"
	if res.code != exitOK || res.stdout != want {
		t.Errorf("logs:all: exit %d\n%s\nwant\n%s%s", res.code, res.stdout, want, res.stderr)
	}
	if strings.Contains(res.stdout, "\x1b[") {
		t.Error("colour in a pipe")
	}
}

func TestLogsSelectsByPatternAndGroup(t *testing.T) {
	r := logsFixture()
	for word, want := range map[string][]string{
		"logs:web*":             {"demo-web-one", "demo-web-two"},
		"logs:all,group=front":  {"demo-web-one", "demo-web-two"},
		"logs:all,group=back":   {"demo-db-one"},
		"logs:*-one":            {"demo-db-one", "demo-web-one"},
		"logs:web,follow=True":  {"demo-web-one", "demo-web-two"},
		"logs:all,instance=two": {"demo-web-two"},
	} {
		res := r.run(t, word+",format=json")
		if res.code != exitOK {
			t.Errorf("%s: exit %d\n%s", word, res.code, res.stderr)
			continue
		}
		seen := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
			var l logLine
			if err := json.Unmarshal([]byte(line), &l); err != nil {
				t.Fatalf("%s: line %q: %v", word, line, err)
			}
			if l.Stream != "stdout" || l.Time.IsZero() || l.Line == "" || l.Host != "" {
				t.Errorf("%s: line %+v lacks a field", word, l)
			}
			seen[l.Instance] = true
		}
		if len(seen) != len(want) {
			t.Errorf("%s shows %v, want %v", word, seen, want)
		}
		for _, w := range want {
			if !seen[w] {
				t.Errorf("%s shows %v, want %v", word, seen, want)
			}
		}
	}
}

// One instance prints as logs always did: the engine's output, no prefix.
func TestLogsOfOneInstanceUnchanged(t *testing.T) {
	r := logsFixture()
	for _, word := range []string{"logs:web,instance=one", "logs:web,one"} { // the second: DockerOps' positional instance
		res := r.run(t, word)
		if res.code != exitOK || res.stdout != "2026-12-01T12:00:00.100Z one a\n2026-12-01T12:00:00.300Z one b\n" {
			t.Errorf("%s: exit %d\n%q", word, res.code, res.stdout)
		}
	}
}

func TestLogsRefusesWhatSelectsNothing(t *testing.T) {
	r := logsFixture()
	for word, want := range map[string]string{
		"logs:nosuch":           "no instance of nosuch in project demo",
		"logs:all,group=nosuch": "logs: no instance in group nosuch in project demo",
		"logs:all,instance=six": `logs: no instance "six" in project demo`,
		"logs:all,since=soon":   `key since: "soon" is neither a duration`,
		"logs:all,format=xml":   `key format: "xml" is not text or json`,
		"logs":                  "logs needs a container name",
	} {
		if res := r.run(t, word); res.code == exitOK || !strings.Contains(res.stderr, want) {
			t.Errorf("%s: exit %d, want a message saying %q:\n%s", word, res.code, want, res.stderr)
		}
	}
}

// With hosts=all the instances of every host merge, each line naming its
// host; a Swarm task goes by its service's name, as in ps.
func TestLogsAcrossHosts(t *testing.T) {
	r, db1, web1 := twoHosts()
	db1.AddContainer(swarmTask("two", "t2def", "10.0.1.6"))
	db1.SetLogs("demo-web-two.1.t2def", "2026-12-01T12:00:00.2Z two\n")
	web1.SetLogs(webTask, "2026-12-01T12:00:00.1Z one\n2026-12-01T12:00:00.3Z one again\n")
	res := r.run(t, "logs:web,hosts=all")
	want := "demo-web-one@web1 | one\ndemo-web-two@db1  | two\ndemo-web-one@web1 | one again\n"
	if res.code != exitOK || res.stdout != want {
		t.Errorf("exit %d\n%s\nwant\n%s%s", res.code, res.stdout, want, res.stderr)
	}
	res = r.run(t, "logs:web,hosts=all,format=json")
	var l logLine
	if err := json.Unmarshal([]byte(strings.Split(res.stdout, "\n")[0]), &l); err != nil || l.Host != "web1" || l.Instance != "demo-web-one" {
		t.Errorf("first JSON line %+v (%v), want web1's", l, err)
	}
}
