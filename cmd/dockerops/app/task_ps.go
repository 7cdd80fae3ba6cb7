package app

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

// psEntry is one line of `ps,format=json`.
type psEntry struct {
	Name         string         `json:"name"`
	Container    string         `json:"container"`
	Instance     string         `json:"instance"`
	InstanceType string         `json:"instance_type"`
	Status       string         `json:"status"`
	IP           string         `json:"ip"`
	Ports        []project.Port `json:"ports"`
	Host         string         `json:"host,omitempty"` // hosts.conf host, "" = the local engine
}

func runPs(ctx context.Context, s *session, a Args) error {
	format := a.strOr("format", "table")
	if format != "table" && format != "json" {
		return usagef("task \"ps\", key format: %q is not table or json", format)
	}
	if a.Arg != "" && a.Arg != "all" {
		return usagef("task \"ps\": argument %q is not \"all\"", a.Arg)
	}
	hosts := []string{a.strOr("host", "")}
	if h, ok := a.str("hosts"); ok {
		if h != "all" {
			return usagef("task \"ps\": hosts=%s: only hosts=all is supported (use host=NAME for one)", h)
		}
		var err error
		if hosts, err = s.hostNames(); err != nil {
			return err
		}
	}
	name := ""
	if a.Arg != "all" {
		p, err := s.projectForEngine()
		if err != nil {
			return err
		}
		name = p
	}
	var entries []psEntry
	var statuses []string
	for _, host := range hosts {
		e, err := s.dockerEngine(ctx, host)
		if err != nil {
			return err
		}
		observed, err := e.Containers(ctx, name)
		if err != nil {
			return err
		}
		sort.Slice(observed, func(i, j int) bool { return observed[i].Name < observed[j].Name })
		for _, ob := range observed {
			ports := make([]project.Port, 0, len(ob.Ports))
			for _, p := range ob.Ports {
				ports = append(ports, project.Port{Container: p.Container, Host: p.Host, Protocol: p.Protocol})
			}
			entries = append(entries, psEntry{Name: ob.Name, Container: ob.Labels[orchestrator.LabelContainer],
				Instance: ob.Labels[orchestrator.LabelInstance], InstanceType: ob.Labels[orchestrator.LabelInstanceType],
				Status: ob.State, IP: ob.IP, Ports: ports, Host: host})
			statuses = append(statuses, ob.Status)
		}
	}
	if entries == nil {
		entries = []psEntry{}
	}
	if format == "json" {
		out, err := json.MarshalIndent(entries, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(s.env.Stdout, "%s\n", out)
		return err
	}
	tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', 0)
	multi := len(hosts) > 1
	if multi {
		fmt.Fprint(tw, "HOST\t")
	}
	fmt.Fprintln(tw, "NAME\tTYPE\tSTATUS\tIP\tPORTS")
	for i, e := range entries {
		if multi {
			fmt.Fprintf(tw, "%s\t", e.Host)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Name, dash(e.InstanceType), statuses[i], dash(e.IP), dash(portList(e.Ports)))
	}
	return tw.Flush()
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
	instance := a.strOr("instance", "")
	var out []orchestrator.Observed
	for _, ob := range observed {
		c, i := ob.Labels[orchestrator.LabelContainer], ob.Labels[orchestrator.LabelInstance]
		if instance != "" && i != instance {
			continue
		}
		if a.Arg == "all" || matches(a.Arg, c) || matches(a.Arg, c+"-"+i) {
			out = append(out, ob)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 && a.Arg != "all" {
		desc := a.Arg
		if instance != "" {
			desc += ", instance " + instance
		}
		return nil, fmt.Errorf("no instance of %s in project %s (see `dockerops ps`)", desc, name)
	}
	return out, nil
}

func matches(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?[") {
		return pattern == s
	}
	ok, _ := path.Match(pattern, s)
	return ok
}

// oneInstance is instancesOf for tasks that act on a single instance.
func (s *session) oneInstance(ctx context.Context, a Args, what string) (orchestrator.Observed, error) {
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
