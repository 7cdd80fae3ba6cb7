package app

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/orchestrator"
)

func runIP(ctx context.Context, s *session, a Args) error {
	ob, err := s.oneInstance(ctx, a, "ip")
	if err != nil {
		return err
	}
	if ob.IP == "" {
		return fmt.Errorf("%s has no IP address (it is %s)", ob.Name, ob.State)
	}
	fmt.Fprintln(s.env.Stdout, ob.IP)
	return nil
}

func runLogs(ctx context.Context, s *session, a Args) error {
	ob, err := s.oneInstance(ctx, a, "logs")
	if err != nil {
		return err
	}
	e, err := s.engineFor(ctx, a)
	if err != nil {
		return err
	}
	return e.Logs(ctx, ob.ID, a.flag("follow"), s.env.Stdout)
}

func runShell(ctx context.Context, s *session, a Args) error {
	ob, err := s.runningInstance(ctx, a, "shell")
	if err != nil {
		return err
	}
	cmd := []string{"bash", "-l"}
	if c, ok := a.str("command"); ok {
		cmd = []string{"bash", "-lc", c}
	}
	return s.exec(ctx, a, ob, orchestrator.ExecSpec{Cmd: cmd, TTY: isTerminal(s.env.Stdin) && !a.has("command")})
}

func runStatus(ctx context.Context, s *session, a Args) error {
	ob, err := s.runningInstance(ctx, a, "status")
	if err != nil {
		return err
	}
	return s.exec(ctx, a, ob, orchestrator.ExecSpec{Cmd: []string{"supervisorctl", "status"}})
}

// exec runs a command in an instance with the caller's streams.
func (s *session) exec(ctx context.Context, a Args, ob orchestrator.Observed, spec orchestrator.ExecSpec) error {
	e, err := s.engineFor(ctx, a)
	if err != nil {
		return err
	}
	spec.Streams = orchestrator.Streams{Out: s.env.Stdout, Err: s.env.Stderr}
	if spec.TTY {
		spec.Streams.In = s.env.Stdin
	}
	code, err := e.Exec(ctx, ob.ID, spec)
	if err != nil {
		return fmt.Errorf("%s: %w", ob.Name, err)
	}
	if code != 0 {
		return fmt.Errorf("%s: %s exited with status %d", ob.Name, strings.Join(spec.Cmd, " "), code)
	}
	return nil
}

func (s *session) runningInstance(ctx context.Context, a Args, what string) (orchestrator.Observed, error) {
	ob, err := s.oneInstance(ctx, a, what)
	if err == nil && ob.State != "running" {
		err = fmt.Errorf("%s is %s, not running; start it with `dockerops start:%s`", ob.Name, ob.State, ob.Labels[orchestrator.LabelContainer])
	}
	return ob, err
}

func runStart(ctx context.Context, s *session, a Args) error {
	list, err := s.instancesOf(ctx, a, "start")
	if err != nil {
		return err
	}
	o, err := s.engineOrchestrator(ctx, a)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(list, func(ob orchestrator.Observed) bool { return ob.State != "running" }) {
		fmt.Fprintf(s.env.Stderr, "nothing to start: no stopped instance of %s\n", targetDesc(a, o.Project))
		return nil
	}
	return o.StartAll(ctx, list)
}

func runStop(ctx context.Context, s *session, a Args) error {
	list, err := s.instancesOf(ctx, a, "stop")
	if err != nil {
		return err
	}
	o, err := s.engineOrchestrator(ctx, a)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(list, func(ob orchestrator.Observed) bool { return ob.State == "running" }) {
		fmt.Fprintf(s.env.Stderr, "nothing to stop: no running instance of %s\n", targetDesc(a, o.Project))
		return nil
	}
	return o.StopAll(ctx, list)
}

// targetDesc names what a task's argument selected, for messages.
func targetDesc(a Args, project string) string {
	desc := "project " + project
	if a.Arg != "all" {
		desc = a.Arg + " in " + desc
	}
	if i, ok := a.str("instance"); ok {
		desc = fmt.Sprintf("%s (instance %s)", desc, i)
	}
	return desc
}

// engineOrchestrator is an orchestrator for tasks that only act on what the
// engine has, so they work even when the project's confs are broken.
func (s *session) engineOrchestrator(ctx context.Context, a Args) (*orchestrator.Orchestrator, error) {
	e, name, err := s.engineAndProject(ctx, a)
	if err != nil {
		return nil, err
	}
	return &orchestrator.Orchestrator{Engine: e, Project: name, Progress: s.progress(),
		Parallel: a.countOr("parallel", 8), StopTimeout: seconds(a.numOr("timeout", 10))}, nil
}

func runClean(ctx context.Context, s *session, a Args) error {
	list, err := s.instancesOf(ctx, a, "clean")
	if err != nil {
		return err
	}
	o, err := s.engineOrchestrator(ctx, a)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(s.env.Stderr, "no instance of project %s to clean\n", o.Project)
		return o.Clean(ctx, nil)
	}
	names := make([]string, len(list))
	for i, ob := range list {
		names[i] = ob.Name
	}
	if !a.flag("force") {
		if err := s.confirm(fmt.Sprintf("Remove %d container(s): %s?", len(list), strings.Join(names, ", "))); err != nil {
			return err
		}
	}
	var dirs []string
	if a.flag("purge") {
		if dirs, err = s.persistentDirs(list); err != nil {
			return err
		}
		if len(dirs) > 0 && !a.flag("force") {
			if err := s.confirm(fmt.Sprintf("Also DELETE the persistent data in %s? This cannot be undone.", strings.Join(dirs, ", "))); err != nil {
				return err
			}
		}
	}
	if err := o.Clean(ctx, list); err != nil {
		return err
	}
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			return fmt.Errorf("purge %s: %w", d, err)
		}
		fmt.Fprintf(s.env.Stderr, "purged %s\n", d)
	}
	return nil
}

func (s *session) persistentDirs(list []orchestrator.Observed) ([]string, error) {
	p, err := s.project("")
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, ob := range list {
		d := filepath.Join(p.DataDir, ob.Labels[orchestrator.LabelContainer]+"_"+ob.Labels[orchestrator.LabelInstance])
		if _, err := os.Stat(d); err == nil {
			dirs = append(dirs, d)
		}
	}
	return dirs, nil
}

// confirm asks a yes/no question on the terminal; with no terminal it
// refuses, since the caller did not say force=True.
func (s *session) confirm(question string) error {
	if !isTerminal(s.env.Stdin) {
		return fmt.Errorf("%s\nrefusing without a terminal to confirm; add force=True to proceed", question)
	}
	fmt.Fprintf(s.env.Stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(s.env.Stdin).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
		return fmt.Errorf("cancelled, nothing removed")
	}
	return nil
}

func runInfo(ctx context.Context, s *session, a Args) error {
	w := s.env.Stdout
	fmt.Fprintf(w, "dockerops %s\n", Version)
	if p, err := s.project(""); err != nil {
		fmt.Fprintf(w, "project:        (not loaded: %v)\n", firstLine(err))
	} else {
		fmt.Fprintf(w, "project:        %s\ndir:            %s\napps_containers: %s\ndata dir:       %s\nrun conf:       %s\nhost conf:      %s\n",
			p.Name, p.Dir, p.AppsDir, p.DataDir, dash(p.RunConfPath), p.HostConfPath)
	}
	e, err := s.engineFor(ctx, a)
	if err != nil {
		return err
	}
	info, err := e.Ping(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "engine:         %s (Docker %s, API %s, %s)\n", info.Host, info.ServerVersion, info.APIVersion, info.OS)
	return nil
}

func firstLine(err error) string {
	l, _, _ := strings.Cut(err.Error(), "\n")
	return l
}
