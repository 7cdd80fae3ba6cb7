// Package sshkey keeps the one ed25519 key pair of a project (generated on
// first use under the project's data dir, never in an image or in git) and
// lends it to an ssh client through a short-lived in-process agent, so the
// key can be forwarded without ever being copied into a container.
package sshkey
