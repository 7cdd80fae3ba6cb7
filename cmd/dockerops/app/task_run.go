package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

func runRun(ctx context.Context, s *session, a Args) error {
	if swarm, err := a.allHosts("run"); err != nil || swarm {
		if err != nil {
			return err
		}
		return runSwarmRun(ctx, s, a)
	}
	p, instances, err := s.resolveWithEnv(a)
	if err != nil {
		return err
	}
	if !a.flag("dry_run") {
		if err := p.RecordRunConf(a.strOr("conf", "")); err != nil { // DockerOps's last_conf
			return err
		}
	}
	o, err := s.orchestrator(ctx, p, a)
	if err != nil {
		return err
	}
	if host := a.strOr("host", ""); host != "" {
		if instances, err = s.onHost(ctx, p, host, instances); err != nil {
			return err
		}
	}
	detached, attached := splitInteractive(instances)
	if host := a.strOr("host", ""); host != "" && (a.flag("ship") || len(attached) > 0) {
		if err := s.imagesToHost(ctx, o, p, instances, a); err != nil {
			return err
		}
	}
	known := map[string]bool{}
	if a.flag("remove_orphans") {
		all, err := p.Resolve(project.Selection{Target: "all"}, project.Overrides{})
		if err != nil {
			return err
		}
		for _, in := range all {
			known[in.Name] = true
		}
	}
	if len(detached) > 0 {
		// The deploy lock is taken only to write, or when the plan fails
		// (another process may be making what it misses); a plan made
		// before the lock may be stale, so it is made again under it.
		opts := orchestrator.PlanOptions{RemoveOrphans: a.flag("remove_orphans"), Known: known, Wait: a.flag("wait")}
		plan, err := o.Plan(ctx, detached, opts)
		var missing *orchestrator.MissingImagesError
		if a.strOr("host", "") != "" && errors.As(err, &missing) {
			// A host builds the images it lacks: the plan found which,
			// without a lookup per image when it has them all.
			if err := s.buildOnHost(ctx, o, p, missing.Containers, a); err != nil {
				return err
			}
			plan, err = o.Plan(ctx, detached, opts)
		}
		if again, lerr := s.lockFor(ctx, a, err != nil || plan.Changes() > 0 || len(attached) > 0, &plan); lerr != nil {
			return lerr
		} else if again {
			plan, err = o.Plan(ctx, detached, opts)
		}
		if err != nil {
			return err
		}
		err = s.applyRunPlan(ctx, o, plan, a, "%d instance(s) already running and up to date, nothing to do",
			"run failed; instances that started are left running (see `dockerops ps`)")
		if err != nil {
			return err
		}
	}
	if len(attached) == 0 && len(detached) > 0 {
		return nil // the detached ones' lockFor waited already, or holds the lock
	}
	if _, err := s.lockFor(ctx, a, len(attached) > 0, nil); err != nil {
		return err
	}
	return s.runAttachedAll(ctx, o, attached, a, func(project.Instance) string { return "interactive" })
}

// lockFor takes the running task's deploy locks when it will write
// (s.changing; true when taken now), or, when it will not, waits while
// another process holds them (s.unchangedAfter the plan, when there is
// one). A dry run takes none.
func (s *session) lockFor(ctx context.Context, a Args, writes bool, plan *orchestrator.Plan) (bool, error) {
	if a.flag("dry_run") {
		return false, nil
	}
	if writes {
		return s.changing(ctx)
	}
	return false, s.unchangedAfter(ctx, plan)
}

// runAttached runs an interactive instance with the terminal attached.
// splitInteractive separates the instances that run attached to the
// terminal from the others.
func splitInteractive(instances []project.Instance) (detached, attached []project.Instance) {
	for _, in := range instances {
		if in.Interactive {
			attached = append(attached, in)
		} else {
			detached = append(detached, in)
		}
	}
	return detached, attached
}

// runAttachedAll runs the interactive instances one after the other, or
// with dry_run lists them, each with what note says of it.
func (s *session) runAttachedAll(ctx context.Context, o *orchestrator.Orchestrator, attached []project.Instance, a Args, note func(project.Instance) string) error {
	for _, in := range attached {
		if a.flag("dry_run") {
			fmt.Fprintf(s.env.Stdout, "%-8s %-31s (%s)\n", orchestrator.Create, in.Name, note(in))
			continue
		}
		if err := s.runAttached(ctx, o, in); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) runAttached(ctx context.Context, o *orchestrator.Orchestrator, in project.Instance) error {
	if !isTerminal(s.env.Stdin) {
		fmt.Fprintf(s.env.Stderr, "%s: standard input is not a terminal, its shell reads the commands piped in\n", in.Name)
	}
	code, err := o.RunInteractive(ctx, in, orchestrator.Streams{In: s.env.Stdin, Out: s.env.Stdout, Err: s.env.Stderr, Terminal: isTerminal(s.env.Stdin)})
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("%s: shell exited with status %d", in.Name, code)
	}
	return nil
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}

// missingEnv maps each required env_vars key missing everywhere to the
// instances that need it.
func missingEnv(instances []project.Instance) map[string][]string {
	m := map[string][]string{}
	for _, in := range instances {
		for _, k := range in.MissingEnv {
			m[k] = append(m[k], in.Name)
		}
	}
	return m
}

// askMissingEnv prompts for required values on a terminal and saves them to
// host.conf, as DockerOps did; without a terminal it names every missing key.
func (s *session) askMissingEnv(p *project.Project, missing map[string][]string) error {
	keys := make([]string, 0, len(missing))
	for k := range missing {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !isTerminal(s.env.Stdin) {
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "\n  %s (needed by %s)", k, strings.Join(missing[k], ", "))
		}
		return fmt.Errorf("required env values missing; set them in the environment or in %s:%s", p.HostConfPath, b.String())
	}
	in := bufio.NewReader(s.env.Stdin)
	values := map[string]string{}
	for _, k := range keys {
		fmt.Fprintf(s.env.Stderr, "%s (needed by %s): ", k, strings.Join(missing[k], ", "))
		line, err := in.ReadString('\n')
		if err != nil {
			return fmt.Errorf("reading %s: %w", k, err)
		}
		values[k] = strings.TrimRight(line, "\r\n")
	}
	if err := p.SaveHostConf(values); err != nil {
		return err
	}
	fmt.Fprintf(s.env.Stderr, "saved to %s\n", p.HostConfPath)
	return nil
}

func runBuild(ctx context.Context, s *session, a Args) error {
	p, err := s.project("")
	if err != nil {
		return err
	}
	target := a.Arg
	if target == "" {
		target = "all"
	}
	names, err := p.BuildList([]string{target})
	if err != nil {
		return err
	}
	o, err := s.orchestrator(ctx, p, a)
	if err != nil {
		return err
	}
	return o.Build(ctx, p, names, s.buildOptions(a))
}

// buildOptions are the same for build and for the builds run does on a
// host that lacks images: nocache, BASE_IMAGE and the build log.
func (s *session) buildOptions(a Args) orchestrator.BuildOptions {
	opts := orchestrator.BuildOptions{NoCache: a.flag("nocache"), BaseContext: baseFS()}
	if a.flag("progress") || a.flag("verbose") {
		opts.Log = s.env.Stderr
	}
	if b := s.getenv("BASE_IMAGE"); b != "" {
		opts.BuildArgs = map[string]string{"BASE_IMAGE": b}
	}
	return opts
}

// imagesToHost gets the instances' images onto a remote host without a
// registry: ship=True sends the locally built ones that differ (docker save
// | docker load over SSH); otherwise the missing ones are built there.
func (s *session) imagesToHost(ctx context.Context, o *orchestrator.Orchestrator, p *project.Project, instances []project.Instance, a Args) error {
	if a.flag("ship") {
		if _, err := s.changing(ctx); err != nil {
			return err
		}
		local, err := s.dockerEngine(ctx, "")
		if err != nil {
			return err
		}
		var refs []string
		for _, in := range instances {
			if !slices.Contains(refs, in.Image) {
				refs = append(refs, in.Image)
			}
		}
		return o.Ship(ctx, local, refs)
	}
	var missing []string
	for _, in := range instances {
		if slices.Contains(missing, in.Container) {
			continue
		}
		id, err := o.Engine.ImageID(ctx, in.Image)
		if err != nil {
			return err
		}
		if id == "" {
			missing = append(missing, in.Container)
		}
	}
	return s.buildOnHost(ctx, o, p, missing, a)
}

// buildOnHost builds on a host the images of the run.conf containers
// missing there (none: nothing to do).
func (s *session) buildOnHost(ctx context.Context, o *orchestrator.Orchestrator, p *project.Project, missing []string, a Args) error {
	if len(missing) == 0 {
		return nil
	}
	if _, err := s.changing(ctx); err != nil {
		return err
	}
	names, err := p.BuildList(missing)
	if err != nil {
		return err
	}
	notify(o, orchestrator.Build, fmt.Sprintf("building %s on %s", strings.Join(names, ", "), o.Describe()))
	return o.Build(ctx, p, names, s.buildOptions(a))
}

// resolveWithEnv resolves the selected instances, first asking for the
// environment values they need that are not set (and resolving again).
func (s *session) resolveWithEnv(a Args) (*project.Project, []project.Instance, error) {
	p, instances, err := s.resolve(a)
	if err != nil {
		return nil, nil, err
	}
	if missing := missingEnv(instances); len(missing) > 0 {
		if err := s.askMissingEnv(p, missing); err != nil {
			return nil, nil, err
		}
		delete(s.projects, a.strOr("conf", ""))
		return s.resolve(a)
	}
	return p, instances, nil
}

// applyRunPlan prints the plan of a dry run; otherwise it says what it will
// do (upToDate, given the number of steps, when nothing) and applies it, an
// error led by failed, which says what is left as it was.
func (s *session) applyRunPlan(ctx context.Context, o *orchestrator.Orchestrator, plan orchestrator.Plan, a Args, upToDate, failed string) error {
	if a.flag("dry_run") {
		fmt.Fprint(s.env.Stdout, plan.String())
		return nil
	}
	if plan.Changes() == 0 {
		notify(o, "plan", fmt.Sprintf(upToDate, len(plan.Steps)))
	} else {
		notify(o, "plan", "plan:\n"+indent(plan.String()))
	}
	if err := o.Apply(ctx, plan); err != nil {
		return fmt.Errorf("%s:\n%w", failed, err)
	}
	return nil
}
