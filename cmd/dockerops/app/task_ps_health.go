package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// inspectAll completes what the container lists of found say with what only
// an inspection tells (the last health check's output, the start time, the
// restarts), a few containers at once. A container that went between the
// list and its inspection keeps what the list said.
func (s *session) inspectAll(ctx context.Context, found []hostContainers) {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, hc := range found {
		e, err := s.dockerEngine(ctx, hc.host)
		if err != nil {
			continue // observeHosts dialled it: not reached
		}
		for i := range hc.observed {
			ob := &hc.observed[i]
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				in, err := e.Inspect(ctx, ob.ID)
				if err != nil {
					s.log.Debug("ps: inspect", "container", ob.Name, "err", err)
					return
				}
				ob.StartedAt, ob.Restarts = in.StartedAt, in.Restarts
				if in.Health != "" {
					ob.Health, ob.HealthLog = in.Health, in.HealthLog
				}
			}()
		}
	}
	wg.Wait()
}

// writePsTable writes ps's table, then the last health check output of each
// unhealthy instance, which says why.
func writePsTable(w io.Writer, entries []psEntry, multi bool, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if multi {
		fmt.Fprint(tw, "HOST\t")
	}
	fmt.Fprintln(tw, "NAME\tTYPE\tSTATUS\tHEALTH\tUPTIME\tRESTARTS\tIP\tPORTS")
	for _, e := range entries {
		if multi {
			fmt.Fprintf(tw, "%s\t", dash(e.Host))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", e.Name, dash(e.InstanceType), e.status, dash(e.Health),
			uptime(e, now), e.Restarts, dash(e.IP), dash(portList(e.Ports)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range entries {
		if e.Health != "unhealthy" {
			continue
		}
		out := strings.TrimSpace(e.HealthLog)
		if out == "" {
			out = "(no output)"
		}
		lines := strings.Split(out, "\n")
		if len(lines) > 10 {
			lines = append(lines[:10], fmt.Sprintf("... (%d more lines; see docker inspect %s)", len(lines)-10, e.Name))
		}
		where := ""
		if e.Host != "" {
			where = " on " + e.Host
		}
		if _, err := fmt.Fprintf(w, "\n%s%s is unhealthy; its last health check said:\n  %s\n", e.Name, where, strings.Join(lines, "\n  ")); err != nil {
			return err
		}
	}
	return nil
}

// uptime is how long a running instance has run, in the two largest units
// (45s, 3m12s, 5h3m, 2d4h).
func uptime(e psEntry, now time.Time) string {
	if e.Status != "running" || e.StartedAt.IsZero() {
		return "-"
	}
	d := max(now.Sub(e.StartedAt), 0).Truncate(time.Second)
	s := int(d.Seconds())
	switch {
	case s < 60:
		return strconv.Itoa(s) + "s"
	case s < 3600:
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%dh", s/86400, s%86400/3600)
}

// watchPs redraws ps's table in place every interval until Ctrl-C. It needs
// a terminal: in a pipe, frames of escape codes help no one, and a table
// printed again and again reads as one long list, so a script runs ps in
// its own loop instead.
func (s *session) watchPs(ctx context.Context, a Args, all bool) error {
	if !isTerminal(s.env.Stdout) {
		return usagef("task \"ps\", key watch: redraws the table on a terminal, and stdout is not one; in a script run ps in a loop (e.g. `while sleep 2; do dockerops ps; done`)")
	}
	if a.strOr("format", "table") != "table" {
		return usagef("task \"ps\", key watch: redraws the table; it does not take format=%s", a.strOr("format", ""))
	}
	every := seconds(a.numOr("interval", 2))
	if every <= 0 {
		return usagef("task \"ps\", key interval: must be more than 0 seconds")
	}
	for frame := 0; ; frame++ {
		var b bytes.Buffer
		now := time.Now()
		entries, multi, err := s.psEntries(ctx, a, all)
		if ctx.Err() != nil {
			return errEndedByUser
		}
		switch {
		case err != nil && frame == 0:
			return err
		case err != nil: // an engine that blinks does not end the watch
			fmt.Fprintf(&b, "dockerops: %s\n", firstLine(err))
		default:
			if err := writePsTable(&b, entries, multi, now); err != nil {
				return err
			}
		}
		// Home, each line cleared to its end, then the rest of the screen:
		// the table is redrawn without flicker.
		header := fmt.Sprintf("Every %s: dockerops ps (Ctrl-C ends)    %s\n\n", every, now.Format("15:04:05"))
		text := strings.ReplaceAll(header+b.String(), "\n", "\x1b[K\n")
		if _, err := fmt.Fprint(s.env.Stdout, "\x1b[H"+text+"\x1b[J"); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return errEndedByUser
		case <-time.After(every):
		}
	}
}
