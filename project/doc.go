// Package project loads a dockerops project folder (apps_containers/, build.conf,
// run.conf, host.conf), validates it completely, collecting every error with its
// file and line, and resolves it into the exact list of instances to run.
// Config files are JSON with '#' comment lines, as DockerOps wrote them, or YAML.
// It is pure: no Docker, no network, no globals; the environment comes in Options.
package project
