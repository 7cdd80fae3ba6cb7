package orchestrator_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/project"
)

// published makes an instance publish a port, so other hosts reach it.
func published(in project.Instance) project.Instance {
	in.PublishPorts = true
	in.Ports = []project.Port{{Container: 5432, Host: 5432, Protocol: "tcp"}}
	return in
}

func placed(name, group string, links ...project.Link) project.Instance {
	in := project.Instance{Name: "demo-" + name, Container: name, Instance: "one", Group: group, Env: map[string]string{}, Links: links}
	for _, l := range links {
		in.Env[strings.ToUpper(l.Name)+"_CONTAINER_IP"] = ""
	}
	return in
}

// A host runs the instances of its groups (all of them when it lists none);
// a link to an instance of another host's group gets that host's address,
// unless the environment gives one; a group no host runs is an error.
func TestPlacementOnHost(t *testing.T) {
	pl := orchestrator.Placement{Hosts: []orchestrator.PlacedHost{
		{Name: "web1", Groups: []string{"front"}},
		{Name: "db1", Groups: []string{"back"}},
		{Name: "misc"},
	}}
	target := "demo-db"
	web := placed("web", "front", project.Link{Name: "DB", Target: &target, TargetContainer: "db"})
	cache := placed("cache", "front", project.Link{Name: "DB", TargetContainer: "db"}) // instance: null
	db := published(placed("db", "back"))
	job := placed("job", "batch", project.Link{Name: "DB", Target: &target, TargetContainer: "db"})
	all := []project.Instance{web, cache, db, job}
	addresses := map[string]string{"db1": "10.1.0.2", "misc": "10.1.0.9"}
	var asked []string
	address := func(h string) (string, error) {
		asked = append(asked, h)
		if a, ok := addresses[h]; ok {
			return a, nil
		}
		return "", fmt.Errorf("no address for %s", h)
	}

	got, err := pl.OnHost("web1", all, all, address)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range got {
		names = append(names, in.Name)
	}
	if !slices.Equal(names, []string{"demo-web", "demo-cache"}) {
		t.Errorf("web1 runs %v, want its front group: demo-web, demo-cache", names)
	}
	for _, in := range got {
		if in.Env["DB_CONTAINER_IP"] != "10.1.0.2" {
			t.Errorf("%s: DB_CONTAINER_IP = %q, want db1's address", in.Name, in.Env["DB_CONTAINER_IP"])
		}
	}
	if web.Env["DB_CONTAINER_IP"] != "" {
		t.Error("OnHost changed the caller's instance's env")
	}

	// misc lists no groups: it runs everything, and its links stay local.
	asked = nil
	if got, err := pl.OnHost("misc", all, all, address); err != nil || len(got) != 4 || len(asked) != 0 {
		t.Errorf("misc runs %d instances (want 4), asked addresses of %v (want none), err %v", len(got), asked, err)
	}

	// An address given in the environment or host.conf wins.
	given := web
	given.Env = map[string]string{"DB_CONTAINER_IP": "192.0.2.7"}
	if got, _ := pl.OnHost("web1", []project.Instance{given}, all, address); len(got) != 1 || got[0].Env["DB_CONTAINER_IP"] != "192.0.2.7" {
		t.Errorf("the given address was replaced: %+v", got)
	}

	// A host none of whose groups is selected is told so.
	if _, err := pl.OnHost("db1", []project.Instance{web}, all, address); err == nil || !strings.Contains(err.Error(), "db1") {
		t.Errorf("err = %v, want db1 named", err)
	}

	// A link to a group no host runs is an error naming the link.
	lonely := orchestrator.Placement{Hosts: []orchestrator.PlacedHost{{Name: "web1", Groups: []string{"front"}}}}
	if _, err := lonely.OnHost("web1", []project.Instance{web}, all, address); err == nil || !strings.Contains(err.Error(), `link DB targets group "back"`) {
		t.Errorf("err = %v, want the link to an unplaced group named", err)
	}
}

// In standalone mode (host=NAME) only published ports answer on another
// host's address: a link to a target there that publishes none is refused
// before anything runs, naming both instances and their hosts and pointing
// at Swarm mode; a target on the same host, a published one and an address
// given in the environment stay fine.
func TestPlacementRefusesLinksToUnpublishedTargetsElsewhere(t *testing.T) {
	pl := orchestrator.Placement{Hosts: []orchestrator.PlacedHost{
		{Name: "web1", Groups: []string{"front"}},
		{Name: "db1", Groups: []string{"back"}},
	}}
	db, cache := "demo-db", "demo-cache"
	toDB := project.Link{Name: "DB", Target: &db, TargetContainer: "db"}
	toCache := project.Link{Name: "CACHE", Target: &cache, TargetContainer: "cache"}
	address := func(string) (string, error) { return "10.1.0.2", nil }
	noPorts := placed("db", "back")
	flagOnly := placed("db", "back") // publish_ports=True, but the image exposes nothing
	flagOnly.PublishPorts = true
	given := placed("web", "front", toDB)
	given.Env["DB_CONTAINER_IP"] = "192.0.2.7"

	tests := []struct {
		name    string
		web     project.Instance
		others  []project.Instance
		wantErr []string // "" = no error
	}{
		{"target publishes nothing", placed("web", "front", toDB), []project.Instance{noPorts},
			[]string{"demo-web on host web1", "link DB targets demo-db on host db1", "publishes no port", "hosts=all"}},
		{"publish_ports without ports", placed("web", "front", toDB), []project.Instance{flagOnly},
			[]string{"demo-web", "demo-db", "hosts=all"}},
		{"every such link is named", placed("web", "front", toDB, toCache), []project.Instance{noPorts, placed("cache", "back")},
			[]string{"link DB targets demo-db", "link CACHE targets demo-cache"}},
		{"published target", placed("web", "front", toDB), []project.Instance{published(placed("db", "back"))}, nil},
		{"target on the same host", placed("web", "front", toCache), []project.Instance{placed("cache", "front")}, nil},
		{"address given", given, []project.Instance{noPorts}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := append([]project.Instance{tt.web}, tt.others...)
			_, err := pl.OnHost("web1", []project.Instance{tt.web}, all, address)
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("err = %v, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one naming %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant it to say %q", err, w)
				}
			}
		})
	}
}
