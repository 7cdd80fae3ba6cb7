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
// (as in DockerOps). Every other project's deploy lock is taken before
// anything is removed, and no data is ever purged. Containers dockerops did
// not make are not touched (DockerOps removed every container of the host),
// nor are Swarm tasks (clean:all,hosts=all removes a project's services).
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
	// Every other project's lock first, so a project being deployed stops
	// the clean before anything is removed.
	var held []*orchestrator.Lock
	defer func() {
		for _, l := range held {
			l.Release(context.WithoutCancel(ctx))
		}
	}()
	for _, n := range others {
		l, err := s.projectLock(ctx, a, n, own)
		if err != nil {
			return fmt.Errorf("project %s: %w; nothing removed", n, err)
		}
		if l != nil {
			held = append(held, l)
		}
	}
	for _, n := range names {
		if err := s.cleanProject(ctx, a, n, byProject[n]); err != nil {
			return fmt.Errorf("project %s: %w", n, err)
		}
	}
	return nil
}

// projectLock takes the deploy lock of project name on the engine the task
// acts on, made of that project's images or of own's; nil when the engine
// has none of them.
func (s *session) projectLock(ctx context.Context, a Args, name, own string) (*orchestrator.Lock, error) {
	t, err := s.target(ctx, a, name, nil)
	if err != nil {
		return nil, err
	}
	req := orchestrator.LockRequest{Project: name, Holder: s.lockHolder(taskByName("clean"), a), Wait: seconds(a.numOr("lock_wait", 0)),
		Say: func(line string) { fmt.Fprintln(s.env.Stderr, line) }, Images: append(lockImages(name, s.getenv("BASE_IMAGE")), own+"/dockerops-base")}
	l, err := orchestrator.TakeLock(ctx, t, req)
	if errors.Is(err, orchestrator.ErrNoLockImage) {
		fmt.Fprintf(s.env.Stderr, "%v; going on without it\n", err)
		return nil, nil
	}
	return l, err
}

// cleanProject removes the containers of project name (and its network).
func (s *session) cleanProject(ctx context.Context, a Args, name string, list []orchestrator.Observed) error {
	t, err := s.target(ctx, a, name, nil)
	if err != nil {
		return err
	}
	o, err := s.newOrchestrator(t, name, a)
	if err != nil {
		return err
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
