package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/swarm"
	"github.com/dockerops/dockerops/project"
)

// psEntry is one line of `ps,format=json`.
type psEntry struct {
	Name         string         `json:"name"` // a Swarm task's: its service's, the instance's name
	Container    string         `json:"container"`
	Instance     string         `json:"instance"`
	InstanceType string         `json:"instance_type"`
	Status       string         `json:"status"` // the engine's state, a Swarm task's state when it has no container
	IP           string         `json:"ip"`     // a Swarm task's: its overlay address
	Ports        []project.Port `json:"ports"`
	Host         string         `json:"host,omitempty"`       // hosts.conf host (a Swarm task's node), "" = the local engine
	Task         string         `json:"task,omitempty"`       // Swarm task ID
	Message      string         `json:"message,omitempty"`    // why a Swarm service's task runs nowhere
	Health       string         `json:"health,omitempty"`     // starting, healthy or unhealthy; "" = no HEALTHCHECK
	HealthLog    string         `json:"health_log,omitempty"` // the last health check's output
	StartedAt    time.Time      `json:"started_at,omitzero"`  // when it last started
	Restarts     int            `json:"restarts"`             // how often its restart policy restarted it
	status       string         // the table's STATUS
}

func runPs(ctx context.Context, s *session, a Args) error {
	var err error
	format := a.strOr("format", "table")
	if format != "table" && format != "json" {
		return usagef("task \"ps\", key format: %q is not table or json", format)
	}
	if a.Arg, err = psMode(a.Arg); err != nil {
		return err
	}
	all, err := a.allHosts("ps")
	if err != nil {
		return err
	}
	if a.flag("watch") {
		return s.watchPs(ctx, a, all)
	}
	entries, multi, err := s.psEntries(ctx, a, all)
	if err != nil {
		return err
	}
	if format == "json" {
		out, err := json.MarshalIndent(entries, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(s.env.Stdout, "%s\n", out)
		return err
	}
	return writePsTable(s.env.Stdout, entries, multi, time.Now())
}

// psEntries are the lines of ps: the instances on host= or, with hosts=all,
// on every host (and the Swarm services running nowhere), inspected for
// their health, start time and restarts; multi says they come from several
// hosts.
func (s *session) psEntries(ctx context.Context, a Args, all bool) ([]psEntry, bool, error) {
	var err error
	hosts := []string{a.strOr("host", "")}
	if all {
		if hosts, err = s.hostNames(); err != nil {
			return nil, false, err
		}
	}
	name := ""
	if a.Arg != "all" {
		if name, err = s.projectForEngine(); err != nil {
			return nil, false, err
		}
	}
	found, err := s.observeHosts(ctx, hosts, name)
	if err != nil {
		return nil, false, err
	}
	s.inspectAll(ctx, found)
	var entries []psEntry
	for _, hc := range found {
		for _, ob := range hc.observed {
			entries = append(entries, containerEntry(hc.host, ob))
		}
	}
	if all {
		if entries, err = s.withServicesRunningNowhere(ctx, name, entries); err != nil {
			return nil, false, err
		}
	}
	entries = onlyRunning(entries, a)
	if entries == nil {
		entries = []psEntry{}
	}
	return entries, all || len(hosts) > 1, nil
}

// containerEntry is the ps line of a container host's engine has.
func containerEntry(host string, ob orchestrator.Observed) psEntry {
	ports := make([]project.Port, 0, len(ob.Ports))
	for _, p := range ob.Ports {
		ports = append(ports, project.Port{Container: p.Container, Host: p.Host, Protocol: p.Protocol})
	}
	e := psEntry{Name: ob.Name, Container: ob.Labels[orchestrator.LabelContainer],
		Instance: ob.Labels[orchestrator.LabelInstance], InstanceType: ob.Labels[orchestrator.LabelInstanceType],
		Status: ob.State, IP: ob.IP, Ports: ports, Host: host, status: ob.Status,
		Health: ob.Health, HealthLog: ob.HealthLog, StartedAt: ob.StartedAt, Restarts: ob.Restarts}
	// A running one's human status ("Up 3 minutes (healthy)") repeats the
	// UPTIME and HEALTH columns; a stopped one's says how it ended, and when.
	if ob.State == "running" || e.status == "" {
		e.status = ob.State
	}
	if ob.IsSwarmTask() {
		e.Task, e.Name = ob.Labels[orchestrator.LabelSwarmTask], ob.InstanceName()
	}
	if e.Task != "" {
		e.status += " (swarm task " + shortID(e.Task) + ")"
	}
	return e
}

// withServicesRunningNowhere adds, from the Swarm manager's view, a line for
// each service of project name ("" = of every project) no running container of
// entries stands for: its newest task's state and why it does not run (no
// suitable node, no such image, ...). When no host manages the project's
// swarm the hosts run standalone: nothing to add.
func (s *session) withServicesRunningNowhere(ctx context.Context, name string, entries []psEntry) ([]psEntry, error) {
	p, hosts, err := s.projectHosts()
	if err != nil {
		return nil, err
	}
	manager, host, err := s.swarmManager(ctx, p.Name, hosts)
	if errors.Is(err, swarm.ErrNoManager) {
		return entries, nil
	}
	if err != nil {
		return nil, err
	}
	services, err := manager.Services(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("host %s (swarm manager): %w", host, err)
	}
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
	running := map[string]bool{}
	for _, e := range entries {
		if e.Task != "" && e.Status == "running" {
			running[e.Name] = true
		}
	}
	for _, sv := range services {
		if running[sv.Name] {
			continue
		}
		tasks, err := manager.Tasks(ctx, sv.ID)
		if err != nil {
			return nil, fmt.Errorf("host %s (swarm manager): %w", host, err)
		}
		e := psEntry{Name: sv.Name, Container: sv.Labels[orchestrator.LabelContainer], Instance: sv.Labels[orchestrator.LabelInstance],
			InstanceType: sv.Labels[orchestrator.LabelInstanceType], Status: "no task", Ports: []project.Port{}}
		if len(tasks) > 0 {
			t := tasks[0]
			e.Status, e.Host, e.Task, e.Message = t.State, t.Node, t.ID, t.Err
			if e.Message == "" {
				e.Message = t.Message
			}
		}
		e.status = "not running: " + e.Status
		if e.Message != "" {
			e.status += " (" + e.Message + ")"
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// projectForEngine is the project name without loading (or validating) the
// project: tasks that read the engine work even when a conf is broken.
func (s *session) projectForEngine() (string, error) {
	if n := s.getenv("PROJECT_NAME"); n != "" {
		return project.Slug(n), nil
	}
	dir, err := s.projectDir()
	if err != nil {
		return "", err
	}
	return project.Slug(path.Base(dir)), nil
}

// instancesOf finds the project's containers an argument names: "all", a
// container name, or a pattern with * matched against the container name and
// against <container>-<instance>; instance= narrows to one instance.
func (s *session) instancesOf(ctx context.Context, a Args, what string) ([]orchestrator.Observed, error) {
	e, name, err := s.engineAndProject(ctx, a)
	if err != nil {
		return nil, err
	}
	observed, err := e.Containers(ctx, name)
	if err != nil {
		return nil, err
	}
	if a.Arg == "" {
		return nil, usagef("%s needs a container name, e.g. `dockerops %s:web`", what, what)
	}
	out := selectInstances(observed, a)
	if len(out) == 0 && a.Arg != "all" {
		desc := a.Arg
		if i, ok := a.str("instance"); ok {
			desc += ", instance " + i
		}
		return nil, fmt.Errorf("no instance of %s in project %s (see `dockerops ps`)", desc, name)
	}
	return out, nil
}

// selectInstances keeps the containers the argument and instance= name,
// sorted by name.
func selectInstances(observed []orchestrator.Observed, a Args) []orchestrator.Observed {
	var out []orchestrator.Observed
	for _, ob := range observed {
		if selects(a, ob.Labels) {
			out = append(out, ob)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// selects says whether the argument and instance= name the instance with
// these dockerops labels (a container's or a service's).
func selects(a Args, labels map[string]string) bool {
	c, i := labels[orchestrator.LabelContainer], labels[orchestrator.LabelInstance]
	if instance := a.strOr("instance", ""); instance != "" && i != instance {
		return false
	}
	return a.Arg == "all" || matches(a.Arg, c) || matches(a.Arg, c+"-"+i)
}

func matches(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?[") {
		return pattern == s
	}
	ok, _ := path.Match(pattern, s)
	return ok
}

// oneInstance is instancesOf for tasks that act on a single instance; with
// hosts=all it looks on every host, and the Args it returns name the host
// the instance runs on, for the task to act there.
func (s *session) oneInstance(ctx context.Context, a Args, what string) (Args, orchestrator.Observed, error) {
	if all, err := a.allHosts(what); err != nil || all {
		if err != nil {
			return a, orchestrator.Observed{}, err
		}
		return s.oneInstanceOnHosts(ctx, a, what)
	}
	ob, err := s.oneLocalInstance(ctx, a, what)
	return a, ob, err
}

// oneLocalInstance is oneInstance on the engine host= names.
func (s *session) oneLocalInstance(ctx context.Context, a Args, what string) (orchestrator.Observed, error) {
	list, err := s.instancesOf(ctx, a, what)
	if err != nil {
		return orchestrator.Observed{}, err
	}
	switch {
	case len(list) == 1:
		return list[0], nil
	case len(list) == 0: // instancesOf fails for anything but all
		name, err := s.projectForEngine()
		if err != nil {
			return orchestrator.Observed{}, err
		}
		desc := "no instance of project " + name
		if i, ok := a.str("instance"); ok {
			desc = fmt.Sprintf("no instance %q in project %s", i, name)
		}
		return orchestrator.Observed{}, fmt.Errorf("%s needs one instance: %s (see `dockerops ps`)", what, desc)
	case !strings.ContainsAny(a.Arg, "*?[") && a.Arg != "all":
		names := make([]string, len(list))
		for i, ob := range list {
			names[i] = ob.Labels[orchestrator.LabelInstance]
		}
		return orchestrator.Observed{}, fmt.Errorf("%s has %d instances (%s): choose one with instance=NAME", a.Arg, len(list), strings.Join(names, ", "))
	}
	names := make([]string, len(list))
	for i, ob := range list {
		names[i] = ob.Name
	}
	first := list[0].Labels
	return orchestrator.Observed{}, fmt.Errorf("%s needs one instance; %s matches %d: %s; name one, e.g. `dockerops %s:%s,instance=%s`",
		what, a.Arg, len(list), strings.Join(names, ", "), what, first[orchestrator.LabelContainer], first[orchestrator.LabelInstance])
}
