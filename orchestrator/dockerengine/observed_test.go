package dockerengine

import (
	"reflect"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"

	"github.com/dockerops/dockerops/orchestrator"
)

func TestHealthFromStatus(t *testing.T) {
	tests := []struct{ status, want string }{
		{"Up 3 minutes (healthy)", "healthy"},
		{"Up 3 minutes (unhealthy)", "unhealthy"},
		{"Up 2 seconds (health: starting)", "starting"},
		{"Up 3 minutes", ""},
		{"Exited (1) 2 minutes ago", ""},
		{"Created", ""},
	}
	for _, tt := range tests {
		if got := healthFromStatus(tt.status); got != tt.want {
			t.Errorf("healthFromStatus(%q) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

func TestFromSummary(t *testing.T) {
	s := container.Summary{
		ID:      "abc",
		Names:   []string{"/demo-web-master"},
		Labels:  map[string]string{orchestrator.LabelProject: "demo"},
		State:   "running",
		Status:  "Up 1 second (health: starting)",
		ImageID: "sha256:1",
		Ports: []container.Port{
			{IP: "0.0.0.0", PrivatePort: 8080, PublicPort: 8080, Type: "tcp"},
			{IP: "::", PrivatePort: 8080, PublicPort: 8080, Type: "tcp"},
			{IP: "0.0.0.0", PrivatePort: 53, PublicPort: 53, Type: "udp"},
			{PrivatePort: 22, Type: "tcp"}, // exposed, not published
		},
		NetworkSettings: &container.NetworkSettingsSummary{Networks: map[string]*network.EndpointSettings{
			"a-other": {IPAddress: "10.0.0.2"},
			"demo":    {IPAddress: "172.20.0.5"},
		}},
	}
	got := fromSummary(s)
	want := orchestrator.Observed{
		ID: "abc", Name: "demo-web-master", Labels: s.Labels, State: "running",
		Status: s.Status, Health: "starting", ImageID: "sha256:1", IP: "172.20.0.5",
		Ports: []orchestrator.PortBinding{{Container: 53, Host: 53, Protocol: "udp"}, {Container: 8080, Host: 8080, Protocol: "tcp"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fromSummary:\n got %+v\nwant %+v", got, want)
	}
}

func TestProjectIP(t *testing.T) {
	nets := map[string]*network.EndpointSettings{
		"zeta":   {IPAddress: "10.0.0.9"},
		"bridge": {IPAddress: "172.17.0.2"},
		"empty":  {},
	}
	tests := []struct{ project, want string }{
		{"zeta", "10.0.0.9"},
		{"empty", "172.17.0.2"}, // project network gave no address: first by name
		{"", "172.17.0.2"},
		{"missing", "172.17.0.2"},
	}
	for _, tt := range tests {
		if got := projectIP(nets, tt.project); got != tt.want {
			t.Errorf("projectIP(%q) = %q, want %q", tt.project, got, tt.want)
		}
	}
	// A Swarm task: the overlay address, not the routing mesh's.
	swarmNets := map[string]*network.EndpointSettings{"ingress": {IPAddress: "10.0.0.5"}, "overlay": {IPAddress: "10.0.1.7"}}
	if got := projectIP(swarmNets, "demo"); got != "10.0.1.7" {
		t.Errorf("projectIP of a task on ingress and overlay = %q, want the overlay's 10.0.1.7", got)
	}
	if got := projectIP(nil, "x"); got != "" {
		t.Errorf("projectIP(nil) = %q, want empty", got)
	}
}

func TestFromInspect(t *testing.T) {
	r := container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{
			ID: "abc", Name: "/demo-db-one", Image: "sha256:2", RestartCount: 4,
			State: &container.State{Status: "running", StartedAt: "2026-12-01T12:00:00.5Z", Health: &container.Health{
				Status: "unhealthy",
				Log:    []*container.HealthcheckResult{{Output: "old"}, {Output: "connection refused\n"}},
			}},
		},
		Config: &container.Config{Labels: map[string]string{orchestrator.LabelProject: "demo"}},
		NetworkSettings: &container.NetworkSettings{
			NetworkSettingsBase: container.NetworkSettingsBase{Ports: nat.PortMap{
				"5432/tcp": {{HostIP: "0.0.0.0", HostPort: "5432"}, {HostIP: "::", HostPort: "5432"}},
				"22/tcp":   nil,
			}},
			Networks: map[string]*network.EndpointSettings{"demo": {IPAddress: "172.20.0.3"}},
		},
	}
	got := fromInspect(r)
	want := orchestrator.Observed{
		ID: "abc", Name: "demo-db-one", Labels: r.Config.Labels, State: "running",
		Status: "running (unhealthy)", Health: "unhealthy", HealthLog: "connection refused",
		ImageID: "sha256:2", IP: "172.20.0.3",
		Ports:     []orchestrator.PortBinding{{Container: 5432, Host: 5432, Protocol: "tcp"}},
		StartedAt: time.Date(2026, 12, 1, 12, 0, 0, 5e8, time.UTC), Restarts: 4,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fromInspect:\n got %+v\nwant %+v", got, want)
	}
}

func TestPortSets(t *testing.T) {
	exposed, bindings, err := portSets([]orchestrator.PortBinding{
		{Container: 8080, Host: 8080, Protocol: "tcp"},
		{Container: 53, Host: 53, Protocol: "udp", HostIP: "127.0.0.1"}, // PUBLISH_ON_IP
		{Container: 22}, // no protocol: tcp; no host port: the engine picks
	})
	if err != nil {
		t.Fatal(err)
	}
	wantExposed := nat.PortSet{"8080/tcp": {}, "53/udp": {}, "22/tcp": {}}
	wantBindings := nat.PortMap{
		"8080/tcp": {{HostPort: "8080"}},
		"53/udp":   {{HostIP: "127.0.0.1", HostPort: "53"}},
		"22/tcp":   {{HostPort: ""}},
	}
	if !reflect.DeepEqual(exposed, wantExposed) || !reflect.DeepEqual(bindings, wantBindings) {
		t.Errorf("portSets = %v, %v; want %v, %v", exposed, bindings, wantExposed, wantBindings)
	}
	if _, _, err := portSets([]orchestrator.PortBinding{{Container: 70000, Protocol: "tcp"}}); err == nil {
		t.Error("portSets accepted port 70000")
	}
}

// A port bound to one address is observed with it; one bound to every
// address (0.0.0.0 and :: both) once, without.
func TestMappedPortsKeepTheBoundAddress(t *testing.T) {
	got := mappedPorts(nat.PortMap{
		"80/tcp": {{HostIP: "127.0.0.1", HostPort: "8080"}},
		"53/udp": {{HostIP: "0.0.0.0", HostPort: "53"}, {HostIP: "::", HostPort: "53"}},
	})
	want := []orchestrator.PortBinding{{Container: 53, Host: 53, Protocol: "udp"}, {Container: 80, Host: 8080, Protocol: "tcp", HostIP: "127.0.0.1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ports %v, want %v", got, want)
	}
}

// A created container's StartedAt is the zero time the engine writes as
// 0001-01-01T00:00:00Z: it never started.
func TestFromInspectNeverStarted(t *testing.T) {
	r := container.InspectResponse{ContainerJSONBase: &container.ContainerJSONBase{
		State: &container.State{Status: "created", StartedAt: "0001-01-01T00:00:00Z"}}}
	if got := fromInspect(r); !got.StartedAt.IsZero() {
		t.Errorf("StartedAt = %v, want zero", got.StartedAt)
	}
}

func TestLogsOptions(t *testing.T) {
	got := logsOptions(orchestrator.LogsSpec{Follow: true, Tail: 20, Since: time.Unix(1700000000, 5), Timestamps: true})
	want := container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: true, Tail: "20", Since: "1700000000.000000005", Timestamps: true}
	if got != want {
		t.Errorf("logsOptions = %+v, want %+v", got, want)
	}
	if got := logsOptions(orchestrator.LogsSpec{}); got.Tail != "" || got.Since != "" || got.Timestamps {
		t.Errorf("logsOptions of the zero spec = %+v, want every line without timestamps", got)
	}
}
