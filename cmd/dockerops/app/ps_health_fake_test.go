package app

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// psHealthFixture has web one running, healthy, for 3 minutes and 5
// seconds after 2 restarts, and web two unhealthy with its check's output.
func psHealthFixture(now time.Time) *fakeRun {
	r := &fakeRun{state: engineState{"two running", map[string]string{"one": "running", "two": "running"}}}
	r.engine = newFakeEngine(r.state)
	one, _ := r.engine.Container("demo-web-one")
	one.Health, one.StartedAt, one.Restarts = "healthy", now.Add(-185*time.Second), 2
	r.engine.AddContainer(one)
	r.engine.SetHealth("demo-web-two", "unhealthy", "curl: (7) Failed to connect to localhost port 80\nretrying")
	return r
}

func TestPsShowsHealthUptimeAndRestarts(t *testing.T) {
	r := psHealthFixture(time.Now())
	res := r.run(t, "ps")
	lines := strings.Split(res.stdout, "\n")
	if res.code != exitOK || len(lines) < 3 {
		t.Fatalf("ps: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if f := strings.Fields(lines[0]); strings.Join(f, " ") != "NAME TYPE STATUS HEALTH UPTIME RESTARTS IP PORTS" {
		t.Errorf("header = %q", lines[0])
	}
	one, two := strings.Fields(lines[1]), strings.Fields(lines[2])
	if len(one) != 8 || one[0] != "demo-web-one" || one[2] != "running" || one[3] != "healthy" || !strings.HasPrefix(one[4], "3m") || one[5] != "2" {
		t.Errorf("web one's line = %q, want running, healthy, up 3m.., 2 restarts", lines[1])
	}
	if len(two) != 8 || two[3] != "unhealthy" || two[5] != "0" {
		t.Errorf("web two's line = %q, want unhealthy, 0 restarts", lines[2])
	}
	want := "\ndemo-web-two is unhealthy; its last health check said:\n  curl: (7) Failed to connect to localhost port 80\n  retrying\n"
	if !strings.HasSuffix(res.stdout, want) {
		t.Errorf("ps does not end with the unhealthy one's check output %q:\n%s", want, res.stdout)
	}
	if strings.Contains(res.stdout, "demo-web-one is") {
		t.Errorf("the healthy one's check is shown:\n%s", res.stdout)
	}

	res = r.run(t, "ps,format=json")
	var entries []psEntry
	if err := json.Unmarshal([]byte(res.stdout), &entries); err != nil || len(entries) != 2 {
		t.Fatalf("ps,format=json: %v\n%s", err, res.stdout)
	}
	if e := entries[0]; e.Health != "healthy" || e.Restarts != 2 || e.StartedAt.IsZero() {
		t.Errorf("web one = %+v", e)
	}
	if e := entries[1]; e.Health != "unhealthy" || !strings.Contains(e.HealthLog, "Failed to connect") {
		t.Errorf("web two = %+v", e)
	}
}

func TestUptime(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45s", 192 * time.Second: "3m12s", 5*time.Hour + 3*time.Minute + 9*time.Second: "5h3m",
		52 * time.Hour: "2d4h", -time.Second: "0s",
	} {
		if got := uptime(psEntry{Status: "running", StartedAt: now.Add(-d)}, now); got != want {
			t.Errorf("uptime after %v = %s, want %s", d, got, want)
		}
	}
	if got := uptime(psEntry{Status: "exited", StartedAt: now}, now); got != "-" {
		t.Errorf("a stopped instance's uptime = %s, want -", got)
	}
}

// In a pipe watch is refused, saying what to do instead.
func TestPsWatchNeedsATerminal(t *testing.T) {
	res := (&fakeRun{}).run(t, "ps,watch=True")
	if res.code != exitUsage || !strings.Contains(res.stderr, "stdout is not one") || !strings.Contains(res.stderr, "in a loop") {
		t.Errorf("ps,watch=True in a pipe: exit %d\n%s", res.code, res.stderr)
	}
}

// On a terminal, ps,watch=True redraws the table in place until Ctrl-C,
// which ends it with exit 0.
func TestPsWatchRedrawsUntilCtrlC(t *testing.T) {
	r := psHealthFixture(time.Now())
	screen, code, byItself := runOnTerminal(t, r, "ps,watch=True,interval=0.05", func(screen string) bool {
		return strings.Count(screen, "demo-web-two is unhealthy") >= 2
	})
	if byItself || code != exitOK {
		t.Errorf("exit %d (before Ctrl-C: %v), want 0 after Ctrl-C\n%q", code, byItself, screen)
	}
	if !strings.Contains(screen, "\x1b[H") || !strings.Contains(screen, "Every 50ms") {
		t.Errorf("watch does not redraw in place:\n%q", screen)
	}
}

// On a terminal each line's prefix has its instance's colour; NO_COLOR
// turns it off.
func TestLogsColoursPrefixesOnATerminal(t *testing.T) {
	r := logsFixture()
	screen, code, _ := runOnTerminal(t, r, "logs:web*", func(screen string) bool { return strings.Contains(screen, "two b") })
	if code != exitOK || !strings.Contains(screen, "\x1b[32mdemo-web-one |\x1b[0m one a") {
		t.Errorf("exit %d; logs on a terminal does not colour the prefix:\n%q", code, screen)
	}
	r.env = map[string]string{"NO_COLOR": "1"}
	screen, _, _ = runOnTerminal(t, r, "logs:web*", func(screen string) bool { return strings.Contains(screen, "two b") })
	if strings.Contains(screen, "\x1b[") {
		t.Errorf("colours with NO_COLOR set:\n%q", screen)
	}
}

// runOnTerminal runs word against r's local engine with stdout on a
// pseudo-terminal until shown says the screen shows enough, then cancels
// it as Ctrl-C does; it returns the screen, the exit code and whether the
// command ended before the cancel.
func runOnTerminal(t *testing.T, r *fakeRun, word string, shown func(screen string) bool) (string, int, bool) {
	t.Helper()
	master, tty := openPTY(t)
	var screen syncBuffer
	go io.Copy(&screen, master)
	dir := copyFixture(t, "testdata/fake")
	getenv := func(k string) (string, bool) {
		v, ok := map[string]string{"PROJECT_DIR": dir, "PROJECT_NAME": fakeProjectName}[k]
		if !ok {
			v, ok = r.env[k]
		}
		return v, ok
	}
	dial := func(context.Context, string) (orchestrator.Engine, error) { return r.engine, nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{word}, Env{Stdin: strings.NewReader(""), Stdout: tty, Stderr: &errb, Getenv: getenv, Engine: dial})
	}()
	deadline := time.After(30 * time.Second)
	code, byItself, finished := -1, false, done
	for !shown(screen.String()) {
		select {
		case code = <-finished:
			byItself, finished = true, nil
		case <-deadline:
			t.Fatalf("%s never showed what it should:\n%q%s", word, screen.String(), errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if !byItself {
		cancel()
		code = <-done
	}
	return screen.String(), code, byItself
}
