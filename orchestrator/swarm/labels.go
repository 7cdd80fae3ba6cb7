package swarm

import (
	"maps"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/orchestrator"
)

// Labels dockerops keeps on the swarm and its nodes. Every label under
// "dockerops." on a node is dockerops's: Form rewrites them from hosts.conf
// and leaves the others alone. orchestrator.LabelProject is on the swarm
// itself (the project that made it, so a swarm made by someone else is never
// taken for the project's) and on every node (so a constraint can require a
// labelled node); orchestrator.LabelHost names the hosts.conf host of a
// node (node ID <-> host), which the service planner pins services on.
const (
	// LabelGroupPrefix + g = "true" for each group g a host lists.
	LabelGroupPrefix = "dockerops.group."
	// LabelGroups = "all" on a host that lists no group: it runs every
	// group, so it carries no LabelGroupPrefix label.
	LabelGroups = "dockerops.groups"
)

// NodeLabels are the dockerops labels of h's node in project's swarm.
func NodeLabels(project string, h Host) map[string]string {
	l := map[string]string{orchestrator.LabelProject: project, orchestrator.LabelHost: h.Name}
	if len(h.Groups) == 0 {
		l[LabelGroups] = "all"
	}
	for _, g := range h.Groups {
		l[LabelGroupPrefix+g] = "true"
	}
	return l
}

// GroupConstraints are Swarm placement constraints that select the nodes
// of hosts that run group. Constraints are ANDed and cannot say "has label
// A or label B", so "lists g or lists nothing" is said by exclusion: the
// node is the project's, and is none of the hosts that do not run g. With
// one such host, its name is required instead. nil means no host runs g.
func GroupConstraints(project string, hosts []Host, group string) []string {
	var runs, not []string
	for _, h := range hosts {
		if (orchestrator.PlacedHost{Name: h.Name, Groups: h.Groups}).Runs(group) {
			runs = append(runs, h.Name)
		} else {
			not = append(not, h.Name)
		}
	}
	switch len(runs) {
	case 0:
		return nil
	case 1:
		return []string{"node.labels." + orchestrator.LabelHost + "==" + runs[0]}
	}
	out := []string{"node.labels." + orchestrator.LabelProject + "==" + project}
	for _, n := range not {
		out = append(out, "node.labels."+orchestrator.LabelHost+"!="+n)
	}
	return out
}

// withLabels returns have's labels with every dockerops label replaced by
// want's.
func withLabels(have, want map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range have {
		if !strings.HasPrefix(k, "dockerops.") {
			out[k] = v
		}
	}
	maps.Copy(out, want)
	return out
}

// labelDiff describes a label change for progress lines.
func labelDiff(have, want map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if have[k] != want[k] {
			parts = append(parts, "+"+k+"="+want[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(have)) {
		if _, ok := want[k]; !ok {
			parts = append(parts, "-"+k)
		}
	}
	return strings.Join(parts, " ")
}
