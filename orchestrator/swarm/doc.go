// Package swarm makes a project's hosts one Docker Swarm and keeps it so:
// Form initialises it on a manager, joins the other hosts with tokens it
// asks a manager for at run time (never kept), and keeps each node's role
// and dockerops labels in line with hosts.conf; Remove takes one host out
// (drain, demote, leave, remove). It works on Engine, the node-level calls
// of one host's engine, so it is tested on a fake; orchestrator/dockerengine
// implements it.
package swarm
