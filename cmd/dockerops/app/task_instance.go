package app

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

func runIP(ctx context.Context, s *session, a Args) error {
	_, ob, err := s.oneInstance(ctx, a, "ip")
	if err != nil {
		return err
	}
	if ob.IP == "" {
		return fmt.Errorf("%s has no IP address (it is %s)", ob.Name, ob.State)
	}
	fmt.Fprintln(s.env.Stdout, ob.IP)
	return nil
}

func runShell(ctx context.Context, s *session, a Args) error {
	a, ob, err := s.runningInstance(ctx, a, "shell")
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
	a, ob, err := s.runningInstance(ctx, a, "status")
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

// runningInstance is oneInstance for tasks that need the instance running.
func (s *session) runningInstance(ctx context.Context, a Args, what string) (Args, orchestrator.Observed, error) {
	a, ob, err := s.oneInstance(ctx, a, what)
	if err == nil && ob.State != "running" {
		err = fmt.Errorf("%s is %s, not running; start it with `dockerops start:%s`", ob.Name, ob.State, ob.Labels[orchestrator.LabelContainer])
		if h := a.strOr("host", ""); h != "" {
			err = fmt.Errorf("%s on host %s is %s, not running", ob.Name, h, ob.State)
		}
	}
	return a, ob, err
}

func runStart(ctx context.Context, s *session, a Args) error {
	list, err := s.instancesOf(ctx, a, "start")
	if err != nil {
		return err
	}
	o, err := s.engineOrchestrator(ctx, a, nil)
	if err != nil {
		return err
	}
	return s.apply(ctx, o, o.PlanStart(list), "start", "no stopped instance of "+targetDesc(a, o.Project))
}

func runStop(ctx context.Context, s *session, a Args) error {
	list, err := s.instancesOf(ctx, a, "stop")
	if err != nil {
		return err
	}
	o, err := s.engineOrchestrator(ctx, a, nil)
	if err != nil {
		return err
	}
	return s.apply(ctx, o, o.PlanStop(list), "stop", "no running instance of "+targetDesc(a, o.Project))
}

// apply applies a plan of a start or stop task, saying so when there is
// nothing to do.
func (s *session) apply(ctx context.Context, o *orchestrator.Orchestrator, plan orchestrator.Plan, what, none string) error {
	if plan.Changes() == 0 {
		notify(o, orchestrator.Action(what), fmt.Sprintf("nothing to %s: %s", what, none))
		return nil
	}
	return o.Apply(ctx, plan)
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
// engine has, so they work even when the project's confs are broken; p is
// needed only for the local data dir (purge).
func (s *session) engineOrchestrator(ctx context.Context, a Args, p *project.Project) (*orchestrator.Orchestrator, error) {
	name, err := s.projectForEngine()
	if err != nil {
		return nil, err
	}
	t, err := s.target(ctx, a, name, p)
	if err != nil {
		return nil, err
	}
	return s.newOrchestrator(t, name, a)
}

func runClean(ctx context.Context, s *session, a Args) error {
	if a.Arg == "reallyall" {
		return runCleanReallyAll(ctx, s, a)
	}
	if swarm, err := a.allHosts("clean"); err != nil || swarm {
		if err != nil {
			return err
		}
		return runSwarmClean(ctx, s, a)
	}
	a, list, err := s.cleanTargets(ctx, a)
	if err != nil {
		return err
	}
	purge := a.flag("purge")
	var p *project.Project
	if purge {
		if p, err = s.project(""); err != nil {
			return err
		}
	}
	o, err := s.engineOrchestrator(ctx, a, p)
	if err != nil {
		return err
	}
	plan, err := o.PlanClean(ctx, list, purge)
	if err != nil {
		return err
	}
	dirs := plan.PurgeDirs()
	switch {
	case len(list) == 0:
		notify(o, orchestrator.Remove, fmt.Sprintf("no instance of project %s to clean on %s", o.Project, o.Describe()))
	case purge && len(dirs) == 0:
		notify(o, orchestrator.Purge, "no persistent data of these instances on "+o.Describe())
	}
	if len(list) > 0 && !a.flag("force") {
		names := make([]string, len(list))
		for i, ob := range list {
			names[i] = ob.Name
		}
		question := fmt.Sprintf("Remove %d container(s) on %s: %s?", len(list), o.Describe(), strings.Join(names, ", "))
		if len(dirs) > 0 {
			question = fmt.Sprintf("Remove %d container(s) on %s: %s, and DELETE their persistent data there: %s? This cannot be undone.",
				len(list), o.Describe(), strings.Join(names, ", "), strings.Join(dirs, ", "))
		}
		if err := s.confirm(question); err != nil {
			return err
		}
	}
	if err := o.Apply(ctx, plan); err != nil {
		return err
	}
	for _, d := range dirs {
		notify(o, orchestrator.Purge, fmt.Sprintf("purged %s on %s", d, o.Describe()))
	}
	return nil
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
