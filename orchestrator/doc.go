// Package orchestrator turns a resolved project into containers on an engine:
// it observes what the engine runs (by dockerops labels), diffs that against the
// resolved instances into a Plan, and applies the plan in parallel. The Engine
// interface is all it needs from Docker, so tests can use a fake.
package orchestrator
