// Command dockerops-graph lays out a Graphviz DOT graph read on stdin and
// writes it as SVG or PNG on stdout. `dockerops graph` runs it for those two
// formats. It is a program of its own because go-graphviz compiles and
// instantiates its WebAssembly Graphviz in a package init: linked into
// dockerops, every dockerops command would pay for it (time, memory, a cache
// folder in the temporary directory), not only graph.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/goccy/go-graphviz"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "dockerops-graph: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, in io.Reader, out io.Writer) error {
	if len(args) != 1 || (args[0] != "svg" && args[0] != "png") {
		return fmt.Errorf("usage: dockerops-graph svg|png < graph.dot > picture")
	}
	dot, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return fmt.Errorf("reading the DOT graph: %w", err)
	}
	defer g.Close()
	newGraphviz := graphviz.New
	if args[0] == "png" {
		newGraphviz = newPNGGraphviz
	}
	gv, err := newGraphviz(ctx)
	if err != nil {
		return err
	}
	defer gv.Close()
	w := bufio.NewWriter(out)
	if err := gv.Render(ctx, g, graphviz.Format(args[0]), w); err != nil {
		return fmt.Errorf("rendering %s: %w", args[0], err)
	}
	return w.Flush()
}
