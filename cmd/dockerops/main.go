// Command dockerops builds and runs the named instances of a DockerOps project
// on a local Docker engine or on DigitalOcean droplets.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dockerops/dockerops/cmd/dockerops/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], app.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.LookupEnv})
	stop()
	os.Exit(code)
}
