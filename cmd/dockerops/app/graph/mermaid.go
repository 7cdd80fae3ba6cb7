package graph

import (
	"fmt"
	"io"
	"strings"
)

// WriteMermaid writes g as a Mermaid flowchart, ready to paste into a
// Markdown file or an issue.
func WriteMermaid(w io.Writer, g Graph) error {
	g = g.sorted()
	ids := mermaidIDs(g.Nodes)
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\n---\nflowchart LR\n", mermaidText("project "+g.Project))
	host, inHost := "", false
	for i, c := range g.clusters() {
		if inHost && c.host != host {
			b.WriteString("  end\n")
			inHost = false
		}
		indent := "  "
		if c.host != "" {
			if !inHost {
				fmt.Fprintf(&b, "  subgraph host_%d[\"%s\"]\n", i, mermaidText("host "+c.host))
				host, inHost = c.host, true
			}
			indent += "  "
		}
		nodeIndent := indent
		if c.group != "" {
			fmt.Fprintf(&b, "%ssubgraph group_%d[\"%s\"]\n", indent, i, mermaidText("group "+c.group))
			nodeIndent += "  "
		}
		for _, n := range c.nodes {
			lines := n.lines()
			for j := range lines {
				lines[j] = mermaidText(lines[j])
			}
			fmt.Fprintf(&b, "%s%s[\"%s\"]\n", nodeIndent, ids[n.Name], strings.Join(lines, "<br/>"))
		}
		if c.group != "" {
			fmt.Fprintf(&b, "%send\n", indent)
		}
	}
	if inHost {
		b.WriteString("  end\n")
	}
	for _, e := range g.Edges {
		if e.Any {
			fmt.Fprintf(&b, "  %s -.->|\"%s\"| %s\n", ids[e.From], mermaidText(e.Label+" (any)"), ids[e.To])
		} else {
			fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", ids[e.From], mermaidText(e.Label), ids[e.To])
		}
	}
	byState := map[State][]string{}
	for _, n := range g.Nodes {
		if n.State != Unknown {
			byState[n.State] = append(byState[n.State], ids[n.Name])
		}
	}
	for _, s := range []State{Running, Stopped, Unhealthy, Missing} {
		if len(byState[s]) == 0 {
			continue
		}
		fill, border := s.style()
		dash := ""
		if border == "dashed" {
			dash = ",stroke-dasharray:5 5"
		}
		fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:#333%s\n  class %s %s\n", s, fill, dash, strings.Join(byState[s], ","), s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidIDs gives each node an identifier Mermaid accepts, made from its
// name; two names that map to the same one are told apart by a number.
func mermaidIDs(nodes []Node) map[string]string {
	ids := map[string]string{}
	used := map[string]bool{}
	for _, n := range nodes {
		id := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, n.Name)
		for k := 2; used[id]; k++ {
			id = fmt.Sprintf("%s_%d", strings.TrimRight(id, "_0123456789"), k)
		}
		used[id] = true
		ids[n.Name] = id
	}
	return ids
}

// mermaidText escapes what would end a quoted Mermaid label or read as
// markup.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
}
