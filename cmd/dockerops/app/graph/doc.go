// Package graph draws a resolved project as a picture: instances as nodes
// in clusters per host and group, links as labelled edges, each node
// coloured by its live state. It writes Graphviz DOT and Mermaid text, in a
// stable order so the same project always gives the same text; laying DOT
// out as SVG or PNG is cmd/dockerops-graph's job.
package graph
