// Package render turns the orchestrator's progress events into what a user
// reads on stderr: live rows on a terminal (tty), one line per event for a
// pipe (plain), or one JSON object per line for programs (json). It also
// adapts text-only producers to events, so every line follows the same mode.
package render
