package graph

import (
	"fmt"
	"io"
	"strings"
)

// WriteDOT writes g as a Graphviz digraph.
func WriteDOT(w io.Writer, g Graph) error {
	g = g.sorted()
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(g.Project))
	fmt.Fprintf(&b, "\tgraph [rankdir=LR, fontname=\"Helvetica\", label=%s, labelloc=t];\n", dotQuote("project "+g.Project))
	b.WriteString("\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=10];\n")
	host, inHost := "", false
	for i, c := range g.clusters() {
		if inHost && c.host != host {
			b.WriteString("\t}\n")
			inHost = false
		}
		indent := "\t"
		if c.host != "" {
			if !inHost {
				fmt.Fprintf(&b, "\tsubgraph %s {\n\t\tlabel=%s;\n", dotQuote("cluster_host_"+c.host), dotQuote("host "+c.host))
				host, inHost = c.host, true
			}
			indent += "\t"
		}
		if c.group != "" {
			fmt.Fprintf(&b, "%ssubgraph %s {\n%s\tlabel=%s;\n", indent, dotQuote(fmt.Sprintf("cluster_%d_group_%s", i, c.group)), indent, dotQuote("group "+c.group))
		}
		nodeIndent := indent
		if c.group != "" {
			nodeIndent += "\t"
		}
		for _, n := range c.nodes {
			fill, border := n.State.style()
			fmt.Fprintf(&b, "%s%s [label=%s, fillcolor=%s, style=%s];\n", nodeIndent, dotQuote(n.Name),
				dotQuote(strings.Join(n.lines(), "\n")), dotQuote(fill), dotQuote("rounded,filled,"+border))
		}
		if c.group != "" {
			fmt.Fprintf(&b, "%s}\n", indent)
		}
	}
	if inHost {
		b.WriteString("\t}\n")
	}
	for _, e := range g.Edges {
		attrs := "label=" + dotQuote(e.Label)
		if e.Any {
			attrs = "label=" + dotQuote(e.Label+" (any)") + ", style=dashed"
		}
		fmt.Fprintf(&b, "\t%s -> %s [%s];\n", dotQuote(e.From), dotQuote(e.To), attrs)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// dotQuote is s as a DOT double-quoted string; a newline becomes a centred
// line break.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
