// Package app is the dockerops command line: it parses Fabric-style tasks
// (task:arg,key=value), prints help, wires the project model to the
// orchestrator and maps failures to exit codes. It makes no Docker calls itself.
package app
