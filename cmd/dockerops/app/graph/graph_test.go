package graph

import (
	"strings"
	"testing"
)

// Names and labels that would end a quoted string or read as markup come
// out escaped; two names Mermaid would spell alike get distinct ids.
func TestTextIsEscaped(t *testing.T) {
	g := Graph{Project: `we"ird`, Nodes: []Node{
		{Name: "p-a-b", Type: "standard", Image: `p/a\b`},
		{Name: "p_a_b", Type: "standard", Image: "p/<a>"},
	}, Edges: []Edge{{From: "p-a-b", To: "p_a_b", Label: `L"1`}}}
	var dot, mermaid strings.Builder
	if err := WriteDOT(&dot, g); err != nil {
		t.Fatal(err)
	}
	if err := WriteMermaid(&mermaid, g); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`digraph "we\"ird"`, `p/a\\b`, `[label="L\"1"]`} {
		if !strings.Contains(dot.String(), want) {
			t.Errorf("DOT lacks %s:\n%s", want, dot.String())
		}
	}
	for _, want := range []string{"p_a_b[", "p_a_b_2[", "p/#lt;a#gt;", `|"L#quot;1"|`} {
		if !strings.Contains(mermaid.String(), want) {
			t.Errorf("Mermaid lacks %s:\n%s", want, mermaid.String())
		}
	}
}
