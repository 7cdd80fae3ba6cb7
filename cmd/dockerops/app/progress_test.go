package app

import (
	"bytes"
	"strings"
	"testing"
)

// What a terminal shows after the escape sequences are applied.
func screen(raw string) []string {
	var lines []string
	cur := 0
	for len(raw) > 0 {
		switch {
		case strings.HasPrefix(raw, "\x1b[2K"):
			raw = raw[4:]
		case strings.HasPrefix(raw, "\x1b["):
			end := strings.IndexByte(raw, 'A')
			n := 0
			for _, c := range raw[2:end] {
				n = n*10 + int(c-'0')
			}
			cur -= n
			raw = raw[end+1:]
		default:
			nl := strings.IndexByte(raw, '\n')
			for len(lines) <= cur {
				lines = append(lines, "")
			}
			lines[cur] = raw[:nl]
			cur++
			raw = raw[nl+1:]
		}
	}
	return lines
}

func TestLiveStatusKeepsOneLinePerInstance(t *testing.T) {
	var out bytes.Buffer
	l := newLiveStatus(&out)
	for _, line := range []string{
		"plan:",
		"demo-db-one: created (0.3s)",
		"demo-web-master: created (0.4s)",
		"demo-db-one: seeded (0.1s)",
		"built demo/web in 1.0s",
	} {
		l.Write([]byte(line + "\n"))
	}
	got := strings.Join(screen(out.String()), "|")
	want := "plan:|built demo/web in 1.0s|demo-db-one: seeded (0.1s)|demo-web-master: created (0.4s)"
	if got != want {
		t.Errorf("screen = %q\nwant     %q", got, want)
	}
}
