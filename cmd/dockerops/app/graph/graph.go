package graph

import (
	"cmp"
	"slices"
	"strings"
)

// State is what the engine says of an instance; "" when no engine was asked.
type State string

const (
	Unknown   State = ""
	Running   State = "running"
	Stopped   State = "stopped"
	Missing   State = "missing"
	Unhealthy State = "unhealthy"
)

// Graph is a project's picture.
type Graph struct {
	Project string
	// ByHost draws a cluster per host around the group clusters.
	ByHost bool
	Nodes  []Node
	Edges  []Edge
}

// Node is one instance.
type Node struct {
	Name  string // the instance's container name, unique in the graph
	Type  string // instance type
	Image string
	Group string // "" = in no group
	Host  string // with ByHost; "" = no host runs it
	Ports []string
	Data  []string // the folders kept on the host: /data, /var/log, /opt
	State State
}

// Edge is a link from the instance that declares it to the one it reaches.
type Edge struct {
	From, To string
	Label    string // the link's name
	// Any: the link names no instance, any running one of To's container
	// will do.
	Any bool
}

// sorted is g with nodes by host, group and name, and edges by their ends
// and label: the order DOT and Mermaid write, whatever order g was built in.
func (g Graph) sorted() Graph {
	g.Nodes = slices.Clone(g.Nodes)
	slices.SortFunc(g.Nodes, func(a, b Node) int {
		return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.Group, b.Group), cmp.Compare(a.Name, b.Name))
	})
	g.Edges = slices.Clone(g.Edges)
	slices.SortFunc(g.Edges, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Label, b.Label))
	})
	return g
}

// cluster is a run of sorted nodes that share a host and a group.
type cluster struct {
	host, group string
	nodes       []Node
}

// clusters splits the sorted nodes by host, then group.
func (g Graph) clusters() []cluster {
	var out []cluster
	for _, n := range g.Nodes {
		host := ""
		if g.ByHost {
			host = n.Host
		}
		if len(out) == 0 || out[len(out)-1].host != host || out[len(out)-1].group != n.Group {
			out = append(out, cluster{host: host, group: n.Group})
		}
		out[len(out)-1].nodes = append(out[len(out)-1].nodes, n)
	}
	return out
}

// style is how a state looks: the fill colour and the border style.
func (s State) style() (fill, border string) {
	switch s {
	case Running:
		return "#b7e4b0", "solid"
	case Stopped:
		return "#d9d9d9", "solid"
	case Unhealthy:
		return "#f4a582", "solid"
	case Missing:
		return "#ffffff", "dashed"
	}
	return "#ffffff", "solid"
}

// lines is what a node's box says, one entry a line.
func (n Node) lines() []string {
	l := []string{n.Name, n.Type + " · " + n.Image}
	if len(n.Ports) > 0 {
		l = append(l, "ports "+strings.Join(n.Ports, " "))
	}
	if len(n.Data) > 0 {
		l = append(l, "keeps "+strings.Join(n.Data, " "))
	}
	if n.State != Unknown {
		l = append(l, string(n.State))
	}
	return l
}
