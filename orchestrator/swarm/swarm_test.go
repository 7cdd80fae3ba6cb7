package swarm

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
)

const project = "demo"

type rig struct {
	t     *testing.T
	net   *fakeNet
	hosts []Host
	out   bytes.Buffer
}

// newRig makes hosts a, b, c, ... with addresses 10.0.0.1, ...; managers
// names the manager hosts and groups their groups.
func newRig(t *testing.T, names string, managers string, groups map[string][]string) *rig {
	r := &rig{t: t, net: newFakeNet()}
	for i, n := range strings.Fields(names) {
		addr := "10.0.0." + string(rune('1'+i))
		r.hosts = append(r.hosts, Host{Name: n, Addr: addr, Manager: slices.Contains(strings.Fields(managers), n),
			Groups: groups[n], Engine: r.net.engine(addr)})
	}
	return r
}

func (r *rig) opts() Options {
	return Options{Project: project, Progress: &r.out, Poll: time.Millisecond, DrainTimeout: 50 * time.Millisecond}
}

func (r *rig) form() error { return Form(context.Background(), r.hosts, r.opts()) }

func (r *rig) mustForm() {
	r.t.Helper()
	if err := r.form(); err != nil {
		r.t.Fatalf("Form: %v\n%s", err, r.out.String())
	}
}

func (r *rig) engine(host string) *fakeEngine {
	for _, h := range r.hosts {
		if h.Name == host {
			return h.Engine.(*fakeEngine)
		}
	}
	r.t.Fatalf("no host %s", host)
	return nil
}

// nodes maps host name -> its node in the one swarm there must be.
func (r *rig) nodes() map[string]Node {
	r.t.Helper()
	if len(r.net.clusters) != 1 {
		r.t.Fatalf("%d swarms, want one", len(r.net.clusters))
	}
	m := map[string]Node{}
	for _, c := range r.net.clusters {
		for _, n := range c.nodes {
			m[n.node.Spec.Labels[orchestrator.LabelHost]] = n.node
		}
	}
	return m
}

func TestFormThreeManagersLabelsAndRerunChangesNothing(t *testing.T) {
	r := newRig(t, "a b c", "a b c", map[string][]string{"a": {"front"}, "b": {"back", "cron"}})
	r.mustForm()
	nodes := r.nodes()
	if len(nodes) != 3 {
		t.Fatalf("nodes %v, want a, b and c", nodes)
	}
	want := map[string]map[string]string{
		"a": {orchestrator.LabelProject: project, orchestrator.LabelHost: "a", "dockerops.group.front": "true"},
		"b": {orchestrator.LabelProject: project, orchestrator.LabelHost: "b", "dockerops.group.back": "true", "dockerops.group.cron": "true"},
		"c": {orchestrator.LabelProject: project, orchestrator.LabelHost: "c", LabelGroups: "all"},
	}
	for h, n := range nodes {
		if n.Spec.Role != RoleManager || !maps.Equal(n.Spec.Labels, want[h]) {
			t.Errorf("host %s: role %s, labels %v; want manager, %v", h, n.Spec.Role, n.Spec.Labels, want[h])
		}
		if e := r.engine(h); e.state != StateActive {
			t.Errorf("host %s: state %s", h, e.state)
		}
	}
	for _, c := range r.net.clusters {
		if c.labels[orchestrator.LabelProject] != project {
			t.Errorf("the swarm's labels %v lack %s=%s", c.labels, orchestrator.LabelProject, project)
		}
	}
	if !slices.Equal(r.net.writes[:3], []string{"init 10.0.0.1", "join 10.0.0.2 manager", "join 10.0.0.3 manager"}) {
		t.Errorf("writes %q: want init on a, then b and c joining", r.net.writes)
	}
	r.net.writes = nil
	r.out.Reset()
	r.mustForm()
	if len(r.net.writes) != 0 {
		t.Errorf("a second Form changed %q\n%s", r.net.writes, r.out.String())
	}
}

func TestFormWorkersJoinWithTheWorkerToken(t *testing.T) {
	r := newRig(t, "a b", "a", nil)
	r.mustForm()
	nodes := r.nodes()
	if nodes["a"].Spec.Role != RoleManager || nodes["b"].Spec.Role != RoleWorker {
		t.Errorf("roles a=%s b=%s, want manager and worker", nodes["a"].Spec.Role, nodes["b"].Spec.Role)
	}
	if !strings.Contains(r.out.String(), "b: swarm: joined as a worker (at 10.0.0.1:2377)") {
		t.Errorf("progress:\n%s", r.out.String())
	}
}

func TestFormTokensNeverShow(t *testing.T) {
	r := newRig(t, "a b c", "a", nil)
	r.mustForm()
	var tokens []string
	for _, c := range r.net.clusters {
		tokens = append(tokens, c.workerTok, c.mgrTok)
	}
	// A join whose error quotes the token: the message hides it.
	r.hosts = append(r.hosts, Host{Name: "d", Addr: "10.0.0.9", Engine: quotingJoin{r.net.engine("10.0.0.9")}})
	err := r.form()
	if err == nil || !strings.Contains(err.Error(), "host d:") || !strings.Contains(err.Error(), "<join token>") {
		t.Fatalf("Form with a failing join: %v", err)
	}
	for _, tok := range tokens {
		if strings.Contains(r.out.String()+err.Error(), tok) {
			t.Errorf("token %s shows:\n%s\n%v", tok, r.out.String(), err)
		}
	}
}

type quotingJoin struct{ *fakeEngine }

func (q quotingJoin) Join(ctx context.Context, addr, remote, token string) error {
	return errors.New("invalid join token " + token)
}

func TestFormNewHostJoinsOthersUntouched(t *testing.T) {
	r := newRig(t, "a b", "a", nil)
	r.mustForm()
	r.net.writes = nil
	r.hosts = append(r.hosts, Host{Name: "c", Addr: "10.0.0.3", Groups: []string{"x"}, Engine: r.net.engine("10.0.0.3")})
	r.mustForm()
	if len(r.net.writes) != 2 || r.net.writes[0] != "join 10.0.0.3 worker" || !strings.HasPrefix(r.net.writes[1], "update "+r.nodes()["c"].ID) {
		t.Errorf("adding c wrote %q, want only c's join and labels", r.net.writes)
	}
}

func TestFormAnotherSwarmIsAnErrorAndLeftAlone(t *testing.T) {
	r := newRig(t, "a b", "a", nil)
	other := r.engine("b")
	if _, err := other.Init(context.Background(), "10.0.0.2", map[string]string{"owner": "someone"}); err != nil {
		t.Fatal(err)
	}
	r.net.writes = nil
	err := r.form()
	if err == nil || !strings.Contains(err.Error(), "host b: its engine is already in swarm") || !strings.Contains(err.Error(), "did not make") {
		t.Fatalf("Form = %v, want an error naming b and its swarm", err)
	}
	if other.state != StateActive || len(r.net.writes) != 0 {
		t.Errorf("b's state %s; writes %q: want b left in its swarm and nothing changed", other.state, r.net.writes)
	}

	// A worker of someone else's swarm: also named.
	r2 := newRig(t, "a b", "a", nil)
	theirs := r2.net.engine("10.0.0.50")
	if _, err := theirs.Init(context.Background(), "10.0.0.50", nil); err != nil {
		t.Fatal(err)
	}
	tok := r2.net.clusters[theirs.cluster].workerTok
	if err := r2.engine("b").Join(context.Background(), "10.0.0.2", "10.0.0.50:2377", tok); err != nil {
		t.Fatal(err)
	}
	if err := r2.form(); err == nil || !strings.Contains(err.Error(), "host b: its engine is already in a swarm whose managers are not") {
		t.Errorf("Form with b a foreign worker = %v", err)
	}
}

func TestFormHostThatLeftRejoins(t *testing.T) {
	r := newRig(t, "a b", "a", map[string][]string{"b": {"back"}})
	r.mustForm()
	old := r.nodes()["b"].ID
	if err := r.engine("b").Leave(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	r.mustForm()
	nodes := r.nodes()
	if b := nodes["b"]; b.ID == old || b.State != "ready" || b.Spec.Labels["dockerops.group.back"] != "true" {
		t.Errorf("b's node after rejoining: %+v (old %s)", b, old)
	}
	for _, c := range r.net.clusters {
		if len(c.nodes) != 2 {
			t.Errorf("the swarm has %d nodes: the node b left behind is still there", len(c.nodes))
		}
	}
}

func TestFormKeepsLabelsInSync(t *testing.T) {
	r := newRig(t, "a b", "a", map[string][]string{"b": {"back", "old"}})
	r.mustForm()
	var c *fakeCluster
	for _, c = range r.net.clusters {
	}
	c.nodes[r.nodes()["b"].ID].node.Spec.Labels["zone"] = "mine" // the user's own
	r.hosts[1].Groups = []string{"back", "new"}
	r.hosts[0].Groups = []string{"front"}
	r.mustForm()
	want := map[string]string{orchestrator.LabelProject: project, orchestrator.LabelHost: "b", "dockerops.group.back": "true", "dockerops.group.new": "true", "zone": "mine"}
	if got := r.nodes()["b"].Spec.Labels; !maps.Equal(got, want) {
		t.Errorf("b's labels %v, want %v", got, want)
	}
	if got := r.nodes()["a"].Spec.Labels; got[LabelGroups] != "" || got["dockerops.group.front"] != "true" {
		t.Errorf("a's labels %v: want group front and no %s", got, LabelGroups)
	}
}

func TestFormRolesFollowHostsConf(t *testing.T) {
	r := newRig(t, "a b c", "a", nil)
	r.mustForm()
	for i := range r.hosts {
		r.hosts[i].Manager = r.hosts[i].Name != "a"
	}
	r.mustForm()
	n := r.nodes()
	if n["a"].Spec.Role != RoleWorker || n["b"].Spec.Role != RoleManager || n["c"].Spec.Role != RoleManager {
		t.Errorf("roles a=%s b=%s c=%s, want worker, manager, manager", n["a"].Spec.Role, n["b"].Spec.Role, n["c"].Spec.Role)
	}
}

func TestFormBlockedPortThenFixed(t *testing.T) {
	r := newRig(t, "a b", "a", nil)
	r.net.blocked["10.0.0.1"] = true
	err := r.form()
	if err == nil || !strings.Contains(err.Error(), "host b: join the swarm at 10.0.0.1:2377") || !strings.Contains(err.Error(), "2377") {
		t.Fatalf("Form with 2377 blocked = %v", err)
	}
	r.net.blocked["10.0.0.1"] = false
	r.mustForm()
	if n := r.nodes(); len(n) != 2 {
		t.Errorf("after the fix, nodes %v", n)
	}
}

// A join that timed out goes on in the background and may go through by
// the next Form: the node is then left in the swarm, not taken out of it
// (which, for a manager, can cost the swarm its quorum) and joined again.
func TestFormPendingJoinThatFinishes(t *testing.T) {
	r := newRig(t, "a b", "a b", nil)
	r.net.blocked["10.0.0.1"] = true
	if err := r.form(); err == nil {
		t.Fatal("Form with 2377 blocked succeeded")
	}
	r.net.blocked["10.0.0.1"] = false
	r.net.finishAfter = 3
	r.mustForm()
	for _, w := range r.net.writes {
		if strings.HasPrefix(w, "leave ") {
			t.Errorf("b left the swarm its earlier join was finishing: %q", r.net.writes)
		}
	}
	if n := r.nodes(); len(n) != 2 || n["b"].Spec.Role != RoleManager {
		t.Errorf("nodes %v, want a and b, both managers", n)
	}
	if !strings.Contains(r.out.String(), "an earlier join finished") {
		t.Errorf("progress does not say b's join finished:\n%s", r.out.String())
	}
}

func TestFormWithoutManagerHost(t *testing.T) {
	r := newRig(t, "a b", "", nil)
	if err := r.form(); err == nil || !strings.Contains(err.Error(), "none of the hosts is a manager") {
		t.Errorf("Form = %v", err)
	}
}

func (r *rig) remove(host string) error {
	return Remove(context.Background(), r.hosts, host, r.opts())
}

func TestRemoveWorker(t *testing.T) {
	r := newRig(t, "a b c", "a", nil)
	r.mustForm()
	b := r.nodes()["b"]
	r.net.clusters[r.engine("a").cluster].nodes[b.ID].tasks = 2
	r.net.drainPolls = 3
	if err := r.remove("b"); err != nil {
		t.Fatalf("Remove: %v\n%s", err, r.out.String())
	}
	if _, ok := r.nodes()["b"]; ok || r.engine("b").state != StateInactive {
		t.Errorf("b is still in the swarm: %v, state %s", r.nodes(), r.engine("b").state)
	}
	for _, want := range []string{"b: swarm: draining", "b: swarm: drained: no task left on it", "b: swarm: left the swarm", "b: swarm: node " + b.ID + " removed"} {
		if !strings.Contains(r.out.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, r.out.String())
		}
	}
}

func TestRemoveDrainTimeout(t *testing.T) {
	r := newRig(t, "a b", "a", nil)
	r.mustForm()
	r.net.clusters[r.engine("a").cluster].nodes[r.nodes()["b"].ID].tasks = 1
	r.net.drainPolls = 1 << 30
	err := r.remove("b")
	if err == nil || !strings.Contains(err.Error(), "host b: 1 task(s) still on its node") {
		t.Fatalf("Remove = %v", err)
	}
	if r.engine("b").state != StateActive {
		t.Error("b left the swarm though its tasks were still there")
	}
}

func TestRemoveManagerWhileOthersRemain(t *testing.T) {
	r := newRig(t, "a b c", "a b c", nil)
	r.mustForm()
	if err := r.remove("a"); err != nil {
		t.Fatalf("Remove: %v\n%s", err, r.out.String())
	}
	n := r.nodes()
	if _, ok := n["a"]; ok || len(n) != 2 || !strings.Contains(r.out.String(), "a: swarm: demoted to a worker") {
		t.Errorf("after removing manager a: nodes %v\n%s", n, r.out.String())
	}
	if _, err := Manager(context.Background(), project, r.hosts[1:]); err != nil {
		t.Errorf("no manager left: %v", err)
	}
}

func TestRemoveLastManager(t *testing.T) {
	r := newRig(t, "a b", "a", nil)
	r.mustForm()
	err := r.remove("a")
	if err == nil || !strings.Contains(err.Error(), "host a is the last manager") || !strings.Contains(err.Error(), "(b)") {
		t.Fatalf("Remove of the last manager = %v", err)
	}
	if r.engine("a").state != StateActive {
		t.Error("a left though workers remain")
	}
	if err := r.remove("b"); err != nil {
		t.Fatal(err)
	}
	if err := r.remove("a"); err != nil {
		t.Fatalf("Remove of the last node: %v", err)
	}
	if r.engine("a").state != StateInactive {
		t.Error("the last node did not leave")
	}
}

func TestRemoveHostWhoseEngineIsDown(t *testing.T) {
	r := newRig(t, "a b c", "a b c", nil)
	r.mustForm()
	r.engine("c").down = true
	if err := r.remove("c"); err != nil {
		t.Fatalf("Remove: %v\n%s", err, r.out.String())
	}
	if _, ok := r.nodes()["c"]; ok {
		t.Errorf("c's node is still in the swarm: %v", r.nodes())
	}
}

func TestManagerAndNodeHosts(t *testing.T) {
	r := newRig(t, "a b", "b", nil)
	if _, err := Manager(context.Background(), project, r.hosts); !errors.Is(err, ErrNoManager) {
		t.Errorf("Manager before Form = %v", err)
	}
	r.mustForm()
	m, err := Manager(context.Background(), project, r.hosts)
	if err != nil || m.Name != "b" {
		t.Fatalf("Manager = %s, %v", m.Name, err)
	}
	if _, err := Manager(context.Background(), "other", r.hosts); !errors.Is(err, ErrNoManager) {
		t.Errorf("Manager of another project = %v", err)
	}
	ids, err := NodeHosts(context.Background(), m.Engine)
	if err != nil || len(ids) != 2 || ids[r.engine("a").nodeID] != "a" || ids[r.engine("b").nodeID] != "b" {
		t.Errorf("NodeHosts = %v, %v", ids, err)
	}
}

func TestGroupConstraints(t *testing.T) {
	hosts := []Host{{Name: "web1", Groups: []string{"front"}}, {Name: "web2", Groups: []string{"front", "cron"}},
		{Name: "db", Groups: []string{"back"}}, {Name: "misc"}}
	for group, want := range map[string][]string{
		"front": {"node.labels.dockerops.project==demo", "node.labels.dockerops.host!=db"},
		"back":  {"node.labels.dockerops.project==demo", "node.labels.dockerops.host!=web1", "node.labels.dockerops.host!=web2"},
		"other": {"node.labels.dockerops.host==misc"},
	} {
		if got := GroupConstraints(project, hosts, group); !slices.Equal(got, want) {
			t.Errorf("GroupConstraints(%s) = %q, want %q", group, got, want)
		}
	}
	if got := GroupConstraints(project, hosts[:1], "back"); got != nil {
		t.Errorf("no host runs back, got %q", got)
	}
}
