// Package orchestrator turns a resolved project into containers on a target,
// one machine: its engine and the files its instances mount (target.go,
// hostfiles.go). It observes what the engine runs (by dockerops labels),
// diffs that against the resolved instances into a Plan (plan.go; clean,
// start, stop, build and ship make plans too), and one executor applies any
// plan in parallel without deciding anything (execute.go, apply.go), sending
// typed progress Events. Placement of instances on hosts and the link
// resolver live here too (placement.go, links.go). On a Swarm, PlanServices
// makes a service per instance through a manager's Services, pinning those
// with data or copied volumes to one node and doing node work (data dirs,
// volume copies, first_start_command, interactive containers on the overlay)
// through that node's Target (swarm_engine.go, service_*.go,
// interactive.go); the same executor applies its plans. The
// Engine and Services interfaces are all it needs from Docker, so tests use
// the fakes in orchestrator/enginetest.
package orchestrator
