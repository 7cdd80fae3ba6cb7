package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

// errEndedByUser is what a task that runs until Ctrl-C (logs,follow=True,
// ps,watch=True) returns when it gets it: its normal end, exit 0.
var errEndedByUser = errors.New("ended by the user")

func runLogs(ctx context.Context, s *session, a Args) error {
	spec, asJSON, err := logsSpec(a)
	if err != nil {
		return err
	}
	all, err := a.allHosts("logs")
	if err != nil {
		return err
	}
	list, err := s.logSources(ctx, a, all)
	if err != nil {
		return err
	}
	if len(list) == 1 && !asJSON {
		// One instance: its output as the engine has it, as logs always did.
		spec.Out, spec.Err = s.env.Stdout, s.env.Stdout
		err = s.logsOf(ctx, list[0], spec)
	} else {
		err = s.mergedLogs(ctx, list, spec, all, asJSON)
	}
	if spec.Follow && ctx.Err() != nil {
		return errEndedByUser
	}
	return err
}

// logsSpec reads the keys that say which lines to show, and how.
func logsSpec(a Args) (orchestrator.LogsSpec, bool, error) {
	spec := orchestrator.LogsSpec{Follow: a.flag("follow"), Tail: a.countOr("tail", 0)}
	if v, ok := a.str("since"); ok {
		d, err := time.ParseDuration(v)
		t := time.Now().Add(-d)
		if err != nil || d < 0 {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return spec, false, usagef("task \"logs\", key since: %q is neither a duration (10m, 1h30m) nor a time (2006-01-02T15:04:05Z)", v)
			}
		}
		spec.Since = t
	}
	format := a.strOr("format", "text")
	if format != "text" && format != "json" {
		return spec, false, usagef("task \"logs\", key format: %q is not text or json", format)
	}
	return spec, format == "json", nil
}

// logSources are the instances logs' argument, instance= and group= select,
// on host= or, with hosts=all, on every host, sorted by host and name.
func (s *session) logSources(ctx context.Context, a Args, all bool) ([]located, error) {
	if a.Arg == "" {
		return nil, usagef("logs needs a container name, a pattern or all, e.g. `dockerops logs:web` or `dockerops logs:all,follow=True`")
	}
	hosts := []string{a.strOr("host", "")}
	if all {
		var err error
		if hosts, err = s.hostNames(); err != nil {
			return nil, err
		}
	}
	list, name, err := s.locate(ctx, a, hosts)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		group, byGroup := a.str("group")
		desc := "no instance"
		if i, ok := a.str("instance"); ok {
			desc += fmt.Sprintf(" %q", i)
		}
		if a.Arg != "all" {
			desc += " of " + a.Arg
		}
		if byGroup {
			desc += " in group " + group
		}
		desc += " in project " + name
		if all {
			desc += " on the hosts (" + strings.Join(hosts, ", ") + ")"
		} else if hosts[0] != "" {
			desc += " on host " + hosts[0]
		}
		return nil, fmt.Errorf("logs: %s (see `dockerops ps`)", desc)
	}
	return list, nil
}

// logsOf copies one instance's log as spec says.
func (s *session) logsOf(ctx context.Context, l located, spec orchestrator.LogsSpec) error {
	e, err := s.dockerEngine(ctx, l.host)
	if err != nil {
		return err
	}
	if err := e.Logs(ctx, l.ob.ID, spec); err != nil {
		if l.host != "" {
			return fmt.Errorf("%s on host %s: %w", l.ob.Name, l.host, err)
		}
		return fmt.Errorf("%s: %w", l.ob.Name, err)
	}
	return nil
}

// mergedLogs reads every instance's log at once, with the engine's
// timestamps, and prints the lines in time order, each with its instance.
func (s *session) mergedLogs(ctx context.Context, list []located, spec orchestrator.LogsSpec, all, asJSON bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := &logPrinter{w: s.env.Stdout, json: asJSON, colour: isTerminal(s.env.Stdout) && s.getenv("NO_COLOR") == ""}
	events := make(chan mergeEvent)
	errs := make([]error, len(list))
	var wg sync.WaitGroup
	for i, l := range list {
		name := l.ob.InstanceName() // as ps names it
		label := name
		if all {
			label += "@" + l.host
		}
		p.width = max(p.width, len(label))
		send := func(ev mergeEvent) {
			select {
			case events <- ev:
			case <-ctx.Done():
			}
		}
		splitter := func(stream string) *lineSplitter {
			return &lineSplitter{template: logLine{Instance: name, Host: l.host, Stream: stream, label: label},
				send: func(line logLine) { send(mergeEvent{source: i, line: line}) }}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, errw := splitter("stdout"), splitter("stderr")
			one := spec
			one.Timestamps, one.Out, one.Err = true, out, errw
			errs[i] = s.logsOf(ctx, l, one)
			out.flush()
			errw.flush()
			send(mergeEvent{source: i, done: true})
		}()
	}
	window := time.Duration(0)
	if spec.Follow {
		window = followWindow
	}
	err := mergeLines(ctx, events, len(list), window, p.print)
	cancel()
	wg.Wait()
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}
