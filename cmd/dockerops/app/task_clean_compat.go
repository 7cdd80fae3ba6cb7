package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

// cleanTargets are the project's containers clean acts on: those the
// argument names (all when only group= or conf= is given), narrowed to the
// run.conf group group= names (by the group label run gave them) and, with
// conf=, to the instances that conf lists.
func (s *session) cleanTargets(ctx context.Context, a Args) (Args, []orchestrator.Observed, error) {
	if a.Arg == "" && (a.has("group") || a.has("conf")) {
		a.Arg = "all"
	}
	var listed map[string]bool
	if conf, ok := a.str("conf"); ok {
		p, err := s.project(conf)
		if err != nil {
			return a, nil, err
		}
		target := a.Arg
		if strings.ContainsAny(target, "*?[") {
			target = "all"
		}
		instances, err := p.Resolve(project.Selection{Target: target, Group: a.strOr("group", "")}, project.Overrides{})
		if err != nil {
			return a, nil, err
		}
		listed = map[string]bool{}
		for _, in := range instances {
			listed[in.Name] = true
		}
	}
	list, err := s.instancesOf(ctx, a, "clean")
	if err != nil {
		return a, nil, err
	}
	group, byGroup := a.str("group")
	var out []orchestrator.Observed
	for _, ob := range list {
		if byGroup && ob.Labels[orchestrator.LabelGroup] != group {
			continue
		}
		if listed != nil && !listed[ob.Name] {
			continue
		}
		out = append(out, ob)
	}
	return a, out, nil
}

// runCleanReallyAll is clean:reallyall: the instances of every dockerops
// project on the engine, after two questions that force=True does not skip
// (as in DockerOps). Other projects' deploy locks are taken one at a time,
// and no data is ever purged. Containers dockerops did not make are not
// touched (DockerOps removed every container of the host).
func runCleanReallyAll(ctx context.Context, s *session, a Args) error {
	if a.flag("purge") {
		return usagef("task \"clean\": reallyall never purges data (each project's data stays in its own folder); clean a project with purge=True instead")
	}
	for _, k := range []string{"instance", "group", "conf", "hosts"} {
		if a.has(k) {
			return usagef("task \"clean\": reallyall takes no %s= (it removes the instances of every project)", k)
		}
	}
	own, err := s.projectForEngine()
	if err != nil {
		return err
	}
	e, err := s.engineFor(ctx, a)
	if err != nil {
		return err
	}
	observed, err := e.Containers(ctx, "")
	if err != nil {
		return err
	}
	byProject := map[string][]orchestrator.Observed{}
	for _, ob := range observed {
		if p := ob.Labels[orchestrator.LabelProject]; p != "" && !ob.IsSwarmTask() {
			byProject[p] = append(byProject[p], ob)
		}
	}
	names := slices.Sorted(maps.Keys(byProject))
	where := "the local engine"
	if h := a.strOr("host", ""); h != "" {
		where = "host " + h
	}
	if len(names) == 0 {
		fmt.Fprintf(s.env.Stderr, "no instance of any dockerops project on %s\n", where)
		return nil
	}
	var parts, others []string
	total := 0
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s (%d)", n, len(byProject[n])))
		total += len(byProject[n])
		if n != own {
			others = append(others, n)
		}
	}
	if a.flag("force") {
		fmt.Fprintln(s.env.Stderr, "force=True does not skip clean:reallyall's questions")
	}
	first := fmt.Sprintf("Remove all %d dockerops instance(s) on %s, of %d project(s): %s?", total, where, len(names), strings.Join(parts, ", "))
	second := "Really remove them? Persistent data stays in each project's data folder."
	if len(others) > 0 {
		second = fmt.Sprintf("Really remove them, also those of projects other than %s: %s? Persistent data stays in each project's data folder.",
			own, strings.Join(others, ", "))
	}
	if err := s.confirmTwice(first, second); err != nil {
		return err
	}
	for _, n := range names {
		if err := s.cleanProject(ctx, a, n, n != own, byProject[n]); err != nil {
			return fmt.Errorf("project %s: %w", n, err)
		}
	}
	return nil
}

// cleanProject removes the containers of project name; for another
// project than this one it first takes that project's deploy lock (this
// one's the task holds already).
func (s *session) cleanProject(ctx context.Context, a Args, name string, lock bool, list []orchestrator.Observed) error {
	t, err := s.target(ctx, a, name, nil)
	if err != nil {
		return err
	}
	o, err := s.newOrchestrator(t, name, a)
	if err != nil {
		return err
	}
	if lock {
		req := orchestrator.LockRequest{Project: name, Holder: s.lockHolder(taskByName("clean"), a), Wait: seconds(a.numOr("lock_wait", 0)),
			Say: func(line string) { fmt.Fprintln(s.env.Stderr, line) }, Images: lockImages(name, s.getenv("BASE_IMAGE"))}
		l, err := orchestrator.TakeLock(ctx, t, req)
		switch {
		case errors.Is(err, orchestrator.ErrNoLockImage):
			fmt.Fprintf(s.env.Stderr, "%v; going on without it\n", err)
		case err != nil:
			return err
		case l != nil:
			defer l.Release(context.WithoutCancel(ctx))
		}
	}
	plan, err := o.PlanClean(ctx, list, false)
	if err != nil {
		return err
	}
	return o.Apply(ctx, plan)
}

// confirmTwice asks both questions on the terminal; each must be answered
// yes. Without a terminal it refuses: force=True does not answer them.
func (s *session) confirmTwice(first, second string) error {
	if !isTerminal(s.env.Stdin) {
		return fmt.Errorf("%s\nrefusing without a terminal: clean:reallyall asks twice and force=True does not skip it", first)
	}
	in := bufio.NewReader(s.env.Stdin)
	for _, q := range []string{first, second} {
		fmt.Fprintf(s.env.Stderr, "%s [y/N] ", q)
		line, _ := in.ReadString('\n')
		if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
			return fmt.Errorf("cancelled, nothing removed")
		}
	}
	return nil
}
