// Package dropletsim stands in for DigitalOcean droplets in tests: each
// simulated droplet is a container on the local Docker engine that runs sshd
// (root login by key only) and its own Docker engine (Docker-in-Docker), so
// provisioning, SSH and the remote engine are exercised for real without a
// cloud account. A droplet also answers `cloud-init status` from a state
// file, so a test can make one whose install failed (FailInstall). It is
// test support: only tests import it.
package dropletsim
