package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

// Version is set at build time with -ldflags "-X ...app.Version=...".
var Version = "0.1.0-dev"

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// Env is what the command sees of its process: streams and environment.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) (string, bool)
	// Engine, when not nil, connects to the engine of a hosts.conf host (""
	// = the local one) instead of the Docker engine; tests give it a fake.
	// An engine that is an io.Closer is closed when the command ends.
	Engine func(ctx context.Context, host string) (orchestrator.Engine, error)
}

// Run runs the tasks named by args in order and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) (string, bool) { return "", false }
	}
	base := slog.LevelWarn
	if lv, _ := env.Getenv("LOG_LEVEL"); strings.EqualFold(lv, "debug") {
		base = slog.LevelDebug
	}
	level := new(slog.LevelVar)
	level.Set(base)
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))

	calls, err := parseCommandLine(args)
	if err == nil && len(calls) == 0 {
		calls = []boundCall{{task: taskByName("help")}}
	}
	if err != nil {
		return report(ctx, env.Stderr, err)
	}
	s := newSession(env, log)
	defer s.close()
	for _, c := range calls {
		level.Set(taskLogLevel(base, c.args))
		log.Debug("running task", "task", c.task.Name, "arg", c.args.Arg)
		var err error
		if c.task.Before != nil {
			err = c.task.Before(ctx, s, c.args)
		}
		if err == nil {
			err = s.runLocked(ctx, c.task, c.args)
		}
		if errors.Is(err, errEndedByUser) {
			return exitOK
		}
		if err != nil {
			return report(ctx, env.Stderr, err)
		}
		if ctx.Err() != nil {
			return report(ctx, env.Stderr, ctx.Err())
		}
	}
	return exitOK
}

type boundCall struct {
	task *Task
	args Args
}

// parseCommandLine checks every task before any runs, so a typo in the third
// task does not leave the first two half done.
func parseCommandLine(args []string) ([]boundCall, error) {
	var calls []boundCall
	for _, word := range args {
		if word == "-h" || word == "--help" {
			word = "help"
		}
		if word == "--version" {
			word = "version"
		}
		c, err := ParseCall(word)
		if err != nil {
			return nil, err
		}
		if err := replacedTask(c); err != nil {
			return nil, err
		}
		t := taskByName(c.Task)
		if t == nil {
			return nil, usagef("unknown task %q%s; run `dockerops help` for the list", c.Task, project.DidYouMean(c.Task, taskNames()))
		}
		if c, err = t.bindPositional(c); err != nil {
			return nil, err
		}
		a, err := t.bind(c)
		if err != nil {
			return nil, err
		}
		calls = append(calls, boundCall{task: t, args: a})
	}
	return calls, nil
}

// report prints one error and picks the exit code.
func report(ctx context.Context, stderr io.Writer, err error) int {
	var usage *UsageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "dockerops: %v\n", err)
		return exitUsage
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "dockerops: interrupted")
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "dockerops: %s\n", indentAfterFirst(err.Error()))
	return exitFailure
}

func indentAfterFirst(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) == 1 {
		return s
	}
	return lines[0] + "\n  " + strings.Join(lines[1:], "\n  ")
}

// isTerminal reports whether r is a character device (a terminal).
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
