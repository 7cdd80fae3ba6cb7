package orchestrator

import (
	"slices"
	"testing"

	"github.com/dockerops/dockerops/project"
)

func TestPublishedOn(t *testing.T) {
	pl := Placement{Hosts: []PlacedHost{{Name: "web1", Groups: []string{"web"}}, {Name: "db1", Groups: []string{"db"}}, {Name: "any"}}}
	all := []project.Instance{
		{Name: "web-1", Group: "web", Ports: []project.Port{{Container: 80, Host: 8080, Protocol: "tcp"}, {Container: 443, Host: 443}}},
		{Name: "web-2", Group: "web", Ports: []project.Port{{Container: 80, Host: 8080, Protocol: "tcp"}}},
		{Name: "dns", Group: "db", Ports: []project.Port{{Container: 53, Host: 53, Protocol: "udp"}}},
		{Name: "quiet", Group: "web"},
	}
	for host, want := range map[string][]project.Port{
		"web1": {{Host: 443, Protocol: "tcp"}, {Host: 8080, Protocol: "tcp"}},
		"db1":  {{Host: 53, Protocol: "udp"}},
		"any":  {{Host: 53, Protocol: "udp"}, {Host: 443, Protocol: "tcp"}, {Host: 8080, Protocol: "tcp"}},
		"gone": nil,
	} {
		if got := pl.PublishedOn(host, all); !slices.Equal(got, want) {
			t.Errorf("PublishedOn(%s) = %v, want %v", host, got, want)
		}
	}
}
