// Package dockerengine implements orchestrator.Engine with the Docker Engine
// Go SDK. It reaches the engine through DOCKER_HOST (unix, tcp with TLS from
// the environment, or ssh:// in pure Go with known_hosts checking), negotiates
// the API version so engines from 20.10 (API 1.41) on work, and turns a missing
// engine into one line that says how to start it.
package dockerengine
