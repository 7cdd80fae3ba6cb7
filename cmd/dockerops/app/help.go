package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/dockerops/dockerops/project"
)

const overview = `dockerops builds and runs the named instances of a project's containers.

Usage: dockerops TASK[:ARG][,KEY=VALUE...] [TASK...]

  dockerops build:all
  dockerops run:web,instance=master
  dockerops ssh:demo
  dockerops clean:all,force=True

Values may be quoted ("a,b" or 'a=b'); a bare key means True. Tasks run in
order. Exit status: 0 done, 1 failed, 2 bad command line, 130 interrupted.
LOG_LEVEL=DEBUG shows debug logs; PROJECT_DIR, PROJECT_NAME,
APPS_CONTAINERS_DIR and DATA_DIR override the project's defaults.

Tasks:
`

func runHelp(_ context.Context, s *session, a Args) error {
	if a.Arg != "" {
		t := taskByName(a.Arg)
		if msg, ok := replacedTasks[a.Arg]; ok {
			fmt.Fprintln(s.env.Stdout, msg)
			return nil
		}
		if t == nil {
			return usagef("unknown task %q%s", a.Arg, project.DidYouMean(a.Arg, taskNames()))
		}
		fmt.Fprint(s.env.Stdout, t.help())
		if order := t.positionalUsage(); order != "" {
			fmt.Fprintf(s.env.Stdout, "\nPositional arguments, in DockerOps' order: %s:%s\n", t.Name, order)
		}
		return nil
	}
	var b strings.Builder
	b.WriteString(overview)
	for _, t := range tasks {
		summary, _, _ := strings.Cut(t.Summary, ". ")
		name := t.Name
		if t.Arg != "" {
			name += ":" + t.Arg
		}
		fmt.Fprintf(&b, "  %-26s %s\n", name, strings.TrimSuffix(summary, "."))
	}
	b.WriteString(compatOverview)
	b.WriteString("\n`dockerops help:TASK` describes a task and its keys.\n")
	fmt.Fprint(s.env.Stdout, b.String())
	return nil
}

func runVersion(_ context.Context, s *session, _ Args) error {
	fmt.Fprintf(s.env.Stdout, "dockerops %s\n", Version)
	return nil
}
