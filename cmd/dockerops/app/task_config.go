package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dockerops/dockerops/project"
)

// resolve loads the project and resolves the selected instances with the
// task's overrides applied.
func (s *session) resolve(a Args) (*project.Project, []project.Instance, error) {
	p, err := s.project(a.strOr("conf", ""))
	if err != nil {
		return nil, nil, err
	}
	ov := project.Overrides{
		Linked:         a.boolPtr("linked"),
		PublishPorts:   a.boolPtr("publish_ports"),
		PersistentData: a.boolPtr("persistent_data"),
		PersistentLog:  a.boolPtr("persistent_log"),
		PersistentOpt:  a.boolPtr("persistent_opt"),
		Safemode:       a.boolPtr("safemode"),
		Interactive:    a.boolPtr("interactive"),
		NetHost:        a.boolPtr("nethost"),
		Hostname:       a.strPtr("hostname"),
		SeedCommand:    a.strPtr("seed_command"),
		Volumes:        a.strPtr("volumes"),
	}
	ov.FirstStartCommand = a.strPtr("first_start_command")
	if v, ok := a.str("instance_type"); ok {
		t := project.InstanceType(v)
		ov.InstanceType = &t
	}
	if v, ok := a.str("restart"); ok {
		r := project.RestartPolicy(v)
		ov.Restart = &r
	}
	if a.has("sleep") {
		f := a.numOr("sleep", 0)
		ov.Sleep = &f
	}
	sel := project.Selection{Target: a.Arg, Group: a.strOr("group", ""), Instance: a.strOr("instance", "")}
	instances, err := p.Resolve(sel, ov)
	if err != nil {
		return nil, nil, err
	}
	return p, instances, nil
}

func runConfig(_ context.Context, s *session, a Args) error {
	format := a.strOr("format", "table")
	if format != "table" && format != "json" {
		return usagef("task \"config\", key format: %q is not table or json", format)
	}
	p, instances, err := s.resolve(a)
	if err != nil {
		return err
	}
	writeCompat(s.env.Stderr, p)
	if format == "json" {
		out, err := project.MarshalPlan(p.Name, instances)
		if err != nil {
			return err
		}
		_, err = s.env.Stdout.Write(append(out, '\n'))
		return err
	}
	return writeConfigTable(s.env.Stdout, instances)
}

func writeConfigTable(w io.Writer, instances []project.Instance) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tHOSTNAME\tGROUP\tPORTS\tLINKS\tRESTART\tPERSISTENT")
	for _, in := range instances {
		persistent := "-"
		if in.PersistentDir != nil {
			persistent = *in.PersistentDir
		}
		// config knows no target: "default" is unless-stopped on a host
		// or the swarm, no on the local engine.
		restart := string(in.Restart)
		if restart == "" {
			restart = "default"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", in.Name, in.InstanceType, in.Hostname,
			dash(in.Group), dash(portList(in.Ports)), dash(linkList(in.Links)), restart, persistent)
	}
	return tw.Flush()
}

func portList(ports []project.Port) string { return strings.Join(portStrings(ports), ",") }

// portStrings says each published port as host:container/protocol.
func portStrings(ports []project.Port) []string {
	var parts []string
	for _, p := range ports {
		parts = append(parts, fmt.Sprintf("%d:%d/%s", p.Host, p.Container, p.Protocol))
	}
	return parts
}

func linkList(links []project.Link) string {
	parts := make([]string, len(links))
	for i, l := range links {
		target := "any " + l.TargetContainer
		if l.Target != nil {
			target = *l.Target
		}
		parts[i] = l.Name + "->" + target
	}
	return strings.Join(parts, ",")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
