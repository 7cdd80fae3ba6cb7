package app

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tickLine is one line of a ticker of testdata/see as logs shows it:
// "<instance> | <a|b> <n> <microseconds when it was printed>".
type tickLine struct {
	instance, tick string
	n              int
	printed        int64
}

// tickLines reads the lines logs printed; any other line fails the test.
func tickLines(t *testing.T, out string, instances ...string) []tickLine {
	t.Helper()
	var lines []tickLine
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		prefix, text, ok := strings.Cut(l, " | ")
		f := strings.Fields(text)
		if !ok || len(f) != 3 {
			t.Fatalf("line %q is not <instance> | <tick> <n> <time>:\n%s", l, out)
		}
		n, err1 := strconv.Atoi(f[1])
		printed, err2 := strconv.ParseInt(f[2], 10, 64)
		name := strings.TrimSpace(prefix)
		if err1 != nil || err2 != nil || !strings.HasSuffix(name, "-tick-"+f[0]) || len(prefix) != len(instances[0]) {
			t.Fatalf("line %q: bad fields or prefix (want one of %v, padded to %d)", l, instances, len(instances[0]))
		}
		lines = append(lines, tickLine{name, f[0], n, printed})
	}
	return lines
}

// checkInterleaved asserts the lines are in the order they were printed,
// each ticker's in sequence, and that the two alternate rather than follow
// one another. The engine times a line when it reads it from the
// container, a little after it was printed; on a busy machine the two
// tickers' lines, 400 ms apart, may then swap by up to slack.
func checkInterleaved(t *testing.T, what string, lines []tickLine) {
	t.Helper()
	const slack = 250_000 // µs
	switches, last := 0, map[string]int{"a": -1, "b": -1}
	for i, l := range lines {
		if i > 0 && l.printed < lines[i-1].printed-slack {
			t.Errorf("%s: line %d (%s %d) was printed %d µs before the line above it (%s %d)",
				what, i, l.tick, l.n, lines[i-1].printed-l.printed, lines[i-1].tick, lines[i-1].n)
		}
		if last[l.tick] >= 0 && l.n != last[l.tick]+1 {
			t.Errorf("%s: %s %d follows %s %d", what, l.tick, l.n, l.tick, last[l.tick])
		}
		last[l.tick] = l.n
		if i > 0 && l.tick != lines[i-1].tick {
			switches++
		}
	}
	if switches < len(lines)/2 {
		t.Errorf("%s: %d lines switch instance %d times; printed alternately, they should mostly alternate", what, len(lines), switches)
	}
}

func TestIntegrationLogsMergeInstancesInTimeOrder(t *testing.T) {
	p := copyProject(t, "testdata/see", "see")
	p.must("build:all")
	p.must("run:all")
	a, b := p.name+"-tick-a", p.name+"-tick-b"

	var out string
	waitFor(t, "8 lines from each ticker", time.Minute, func() bool {
		out = p.must("logs:tick-*")
		return strings.Count(out, a+" |") >= 8 && strings.Count(out, b+" |") >= 8
	})
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour codes in a pipe:\n%q", out)
	}
	checkInterleaved(t, "logs:tick-*", tickLines(t, out, a, b))

	// format=json: one object per line with every field; b writes stderr.
	js := p.must("logs:all,group=front,format=json,tail=3")
	var prev time.Time
	count := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(js), "\n") {
		var l logLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		wantStream := map[string]string{a: "stdout", b: "stderr"}[l.Instance]
		if wantStream == "" || l.Stream != wantStream || l.Host != "" || l.Time.Before(prev) || time.Since(l.Time) > time.Hour || !strings.HasPrefix(l.Line, l.Instance[len(l.Instance)-1:]+" ") {
			t.Errorf("JSON line %+v: want instance a (stdout) or b (stderr), the local host, a time in order and the text", l)
		}
		prev = l.Time
		count[l.Instance]++
	}
	if count[a] != 3 || count[b] != 3 {
		t.Errorf("tail=3 gave %v, want 3 lines of each", count)
	}

	// since=: only the lines the engine timed after then.
	from := time.Now().Add(-time.Second)
	recent := strings.Split(strings.TrimSpace(p.must("logs:tick-*,format=json,since=1s")), "\n")
	for _, line := range recent {
		var l logLine
		if err := json.Unmarshal([]byte(line), &l); err != nil || l.Time.Before(from) {
			t.Errorf("since=1s gave %q (%v), timed before %v", line, err, from)
		}
	}
	if len(recent) >= strings.Count(out, "\n") {
		t.Errorf("since=1s gave %d lines, no fewer than all (%d)", len(recent), strings.Count(out, "\n"))
	}

	// group=back: sick and flaky only.
	back := p.must("logs:all,group=back")
	if !strings.Contains(back, p.name+"-flaky-one | flaky starts") || strings.Contains(back, "-tick-") {
		t.Errorf("logs:all,group=back:\n%s", back)
	}

	// follow: new lines keep coming, in order, until the context ends (Ctrl-C): exit 0.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"logs:tick,follow=True,tail=1"}, Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: p.getenv})
	}()
	waitFor(t, "6 followed lines of each ticker", time.Minute, func() bool {
		return strings.Count(stdout.String(), a+" |") >= 6 && strings.Count(stdout.String(), b+" |") >= 6
	})
	select {
	case code := <-done:
		t.Fatalf("follow ended by itself (exit %d)\n%s", code, stderr.String())
	default:
	}
	cancel()
	if code := <-done; code != exitOK || stderr.String() != "" {
		t.Errorf("follow after Ctrl-C: exit %d, stderr %q; want 0 and nothing", code, stderr.String())
	}
	checkInterleaved(t, "logs:tick,follow=True", tickLines(t, stdout.String(), a, b))
}

func TestIntegrationPsShowsHealthRestartsUptime(t *testing.T) {
	p := copyProject(t, "testdata/see", "seeps")
	p.must("build:all")
	p.must("run:all")
	sick, flaky, tick := p.name+"-sick-one", p.name+"-flaky-one", p.name+"-tick-a"
	waitFor(t, "sick unhealthy and flaky restarted", time.Minute, func() bool {
		ps := p.ps()
		return ps[sick].Health == "unhealthy" && ps[flaky].Restarts >= 1
	})
	ps := p.ps()
	if !strings.Contains(ps[sick].HealthLog, "db says no: connection refused") {
		t.Errorf("sick's health_log = %q, want its check's output", ps[sick].HealthLog)
	}
	if ps[tick].StartedAt.IsZero() || ps[tick].Restarts != 0 || ps[tick].Health != "" {
		t.Errorf("tick a = %+v, want a start time, no restart, no health check", ps[tick])
	}

	table := p.must("ps")
	rows := map[string][]string{}
	rowsText, _, _ := strings.Cut(table, "\n\n")
	for _, l := range strings.Split(rowsText, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			rows[f[0]] = f
		}
	}
	if h := rows["NAME"]; strings.Join(h, " ") != "NAME TYPE STATUS HEALTH UPTIME RESTARTS IP PORTS" {
		t.Fatalf("header %v:\n%s", h, table)
	}
	if r := rows[sick]; len(r) != 8 || r[2] != "running" || r[3] != "unhealthy" || r[4] == "-" {
		t.Errorf("sick's row %v, want running, unhealthy, an uptime:\n%s", r, table)
	}
	if r := rows[flaky]; len(r) < 6 || r[len(r)-4] == "0" {
		t.Errorf("flaky's row %v shows no restart:\n%s", r, table)
	}
	if r := rows[tick]; len(r) != 8 || r[3] != "-" || r[4] == "-" || r[5] != "0" {
		t.Errorf("tick a's row %v, want no health, an uptime, 0 restarts:\n%s", r, table)
	}
	want := "\n" + sick + " is unhealthy; its last health check said:\n  db says no: connection refused\n"
	if !strings.Contains(table, want) {
		t.Errorf("ps does not show why sick is unhealthy (%q):\n%s", want, table)
	}
}
