// Package dropletsim stands in for DigitalOcean droplets in tests: each
// simulated droplet is a container on the local Docker engine that runs sshd
// (root login by key only) and its own Docker engine (Docker-in-Docker), so
// provisioning, SSH and the remote engine are exercised for real without a
// cloud account. It is test support: only tests import it.
package dropletsim
