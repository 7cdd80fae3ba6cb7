package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// graphRenderer is the program that lays DOT out as SVG or PNG
// (cmd/dockerops-graph): its own binary, so that only graph pays for
// starting Graphviz.
const graphRenderer = "dockerops-graph"

// renderGraph lays dot out as format (svg or png) with dockerops-graph.
func (s *session) renderGraph(ctx context.Context, dot []byte, format string) ([]byte, error) {
	bin, err := s.findGraphRenderer()
	if err != nil {
		return nil, fmt.Errorf("graph: format=%s: %w", format, err)
	}
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, format)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(dot), &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("graph: format=%s: %s", format, msg)
	}
	return out.Bytes(), nil
}

// findGraphRenderer looks for dockerops-graph next to the running dockerops
// (where install.sh and mage install put it), then on PATH.
func (s *session) findGraphRenderer() (string, error) {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe))
	}
	dirs = append(dirs, filepath.SplitList(s.getenv("PATH"))...)
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		path := filepath.Join(dir, graphRenderer)
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return path, nil
		}
	}
	return "", errors.New(graphRenderer + " is not installed next to dockerops nor on PATH; install.sh and `mage install` install it, " +
		"or `go build -o DIR ./cmd/dockerops-graph`; format=dot and format=mermaid need no renderer")
}
