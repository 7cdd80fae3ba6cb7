package app

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/cmd/dockerops/app/graph"
	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/project"
)

// graphFormats are graph's format= values; the first is the default.
var graphFormats = []string{"svg", "png", "dot", "mermaid"}

func runGraph(ctx context.Context, s *session, a Args) error {
	format := a.strOr("format", graphFormats[0])
	if !slices.Contains(graphFormats, format) {
		return usagef("task \"graph\", key format: %q is not svg, png, dot or mermaid", format)
	}
	if a.has("out") && (format == "dot" || format == "mermaid") {
		return usagef("task \"graph\": out= is for format=svg or png; format=%s prints on stdout", format)
	}
	allHosts, err := a.allHosts("graph")
	if err != nil {
		return err
	}
	g, p, err := s.projectGraph(a, allHosts)
	if err != nil {
		return err
	}
	s.colourByState(ctx, &g, a, allHosts)
	var dot bytes.Buffer
	switch format {
	case "mermaid":
		return graph.WriteMermaid(s.env.Stdout, g)
	case "dot":
		return graph.WriteDOT(s.env.Stdout, g)
	}
	if err := graph.WriteDOT(&dot, g); err != nil {
		return err
	}
	picture, err := s.renderGraph(ctx, dot.Bytes(), format)
	if err != nil {
		return err
	}
	out := a.strOr("out", filepath.Join(p.Dir, p.Name+"."+format))
	if err := os.WriteFile(out, picture, 0o644); err != nil {
		return fmt.Errorf("graph: %w", err)
	}
	_, err = fmt.Fprintln(s.env.Stdout, out)
	return err
}

// projectGraph is the picture of the instances a selects, resolved as config
// and run resolve them, with the instances their links reach; with host= or
// hosts=all, each is placed on the host of hosts.conf that runs its group.
func (s *session) projectGraph(a Args, allHosts bool) (graph.Graph, *project.Project, error) {
	p, selected, err := s.resolve(a)
	if err != nil {
		return graph.Graph{}, nil, err
	}
	whole := Args{Arg: "all", vals: maps.Clone(a.vals)}
	delete(whole.vals, "instance")
	delete(whole.vals, "group")
	_, all, err := s.resolve(whole)
	if err != nil {
		return graph.Graph{}, nil, err
	}
	g := graph.Graph{Project: p.Name, ByHost: allHosts || a.has("host")}
	var pl orchestrator.Placement
	if g.ByHost {
		hosts, err := digitalocean.LoadHosts(p.Dir, p.AppsDir)
		if err != nil {
			return graph.Graph{}, nil, err
		}
		pl = placement(hosts)
		if host, ok := a.str("host"); ok {
			if _, err := hosts.Lookup(host); err != nil {
				return graph.Graph{}, nil, err
			}
			selected = slices.DeleteFunc(selected, func(in project.Instance) bool { return !pl.Runs(host, in.Group) })
			if len(selected) == 0 {
				return graph.Graph{}, nil, fmt.Errorf("graph: host %s runs none of the selected instances (see its groups in hosts.conf)", host)
			}
		}
	}
	drawn := map[string]bool{}
	draw := func(in project.Instance) {
		if !drawn[in.Name] {
			drawn[in.Name] = true
			g.Nodes = append(g.Nodes, graphNode(in, pl))
		}
	}
	for _, in := range selected {
		draw(in)
	}
	for _, in := range selected {
		for _, l := range in.Links {
			for _, target := range all {
				switch {
				case l.Target != nil && *l.Target == target.Name:
					g.Edges = append(g.Edges, graph.Edge{From: in.Name, To: target.Name, Label: l.Name})
				case l.Target == nil && target.Container == l.TargetContainer:
					g.Edges = append(g.Edges, graph.Edge{From: in.Name, To: target.Name, Label: l.Name, Any: true})
				default:
					continue
				}
				draw(target)
			}
		}
	}
	return g, p, nil
}

// graphNode is an instance's node, on the first host of pl that runs its
// group (none without hosts).
func graphNode(in project.Instance, pl orchestrator.Placement) graph.Node {
	n := graph.Node{Name: in.Name, Type: string(in.InstanceType), Image: in.Image, Group: in.Group}
	n.Ports = portStrings(in.Ports)
	for _, kept := range []struct {
		on  bool
		dir string
	}{{in.PersistentData, "/data"}, {in.PersistentLog, "/var/log"}, {in.PersistentOpt, "/opt"}} {
		if kept.on {
			n.Data = append(n.Data, kept.dir)
		}
	}
	n.Host, _ = pl.HostFor(in.Group)
	return n
}

// colourByState asks the engines of the picture (the local one, host='s or
// every host's with hosts=all) what runs, and gives each node its state and,
// with hosts, the host that runs it; a node of a host not asked keeps none. An engine that does not answer leaves
// the picture without states, said in one line on stderr: a picture of the
// project needs no engine.
func (s *session) colourByState(ctx context.Context, g *graph.Graph, a Args, allHosts bool) {
	hosts := []string{a.strOr("host", "")}
	if allHosts {
		var err error
		if hosts, err = s.hostNames(); err != nil {
			fmt.Fprintf(s.env.Stderr, "graph: drawn without live states: %v\n", err)
			return
		}
	}
	found, err := s.observeHosts(ctx, hosts, g.Project)
	if err != nil {
		fmt.Fprintf(s.env.Stderr, "graph: drawn without live states, the engine did not answer: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		return
	}
	where := map[string]located{}
	for _, hc := range found {
		for _, ob := range hc.observed {
			name := ob.InstanceName()
			if prev, ok := where[name]; !ok || prev.ob.State != "running" {
				where[name] = located{hc.host, ob}
			}
		}
	}
	for i, n := range g.Nodes {
		l, ok := where[n.Name]
		switch {
		case !ok && g.ByHost && !slices.Contains(hosts, n.Host):
			// on a host that was not asked (a link target of host='s
			// instances): its state is not known
			continue
		case !ok:
			g.Nodes[i].State = graph.Missing
			continue
		case l.ob.State == "running" && l.ob.Health == "unhealthy":
			g.Nodes[i].State = graph.Unhealthy
		case l.ob.State == "running":
			g.Nodes[i].State = graph.Running
		default:
			g.Nodes[i].State = graph.Stopped
		}
		if g.ByHost {
			g.Nodes[i].Host = l.host
		}
	}
}
