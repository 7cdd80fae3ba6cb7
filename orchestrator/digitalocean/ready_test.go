package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

// simHost is a droplet as its SSH commands see it.
type simHost struct {
	cloudInit string // done, error
	docker    bool   // the engine runs
	refuse    int    // connections refused before sshd answers
	ran       []string
}

// simHosts answers ProvisionRequest.Run for the hosts by name.
type simHosts struct {
	mu    sync.Mutex
	hosts map[string]*simHost
}

func (s *simHosts) run(_ context.Context, host, ip, command string) (string, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hosts[host]
	if h.refuse > 0 {
		h.refuse--
		return "", -1, fmt.Errorf("%w: ssh %s:22: connection refused", ErrNotAnswering, ip)
	}
	h.ran = append(h.ran, command)
	switch {
	case strings.HasPrefix(command, "cloud-init status"):
		if h.cloudInit == "error" {
			return "status: error\n", 1, nil
		}
		return "status: " + h.cloudInit + "\n", 0, nil
	case strings.HasPrefix(command, "tail -n 20 /var/log/cloud-init-output.log"):
		var lines []string
		for i := 1; i <= 30; i++ {
			lines = append(lines, fmt.Sprintf("log line %d", i))
		}
		lines = append(lines, "E: Unable to locate package docker.io")
		return strings.Join(lines[len(lines)-20:], "\n") + "\n", 0, nil
	case strings.HasPrefix(command, "docker info"):
		if !h.docker {
			return "Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n", 1, nil
		}
		return "20.10.24+dfsg1\n", 0, nil
	case command == "docker run --rm debian:bookworm-slim true":
		if !h.docker {
			return "docker: Cannot connect to the Docker daemon\n", 125, nil
		}
		return "", 0, nil
	case command == repairScript:
		h.docker = true
		return "Setting up docker.io ...\n", 0, nil
	}
	return "sh: unknown command\n", 127, nil
}

func (s *simHosts) ran(host string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hosts[host].ran...)
}

// A new droplet whose cloud-init failed stops provision with its status and
// the end of its log, naming the host; the re-run repairs it over SSH
// instead of waiting for cloud-init, and the host is then ready.
func TestProvisionReadyMeansReady(t *testing.T) {
	_, c, _ := newFake(t, fakedo.Config{})
	sim := &simHosts{hosts: map[string]*simHost{
		"web": {cloudInit: "done", docker: true, refuse: 3},
		"db":  {cloudInit: "error"},
	}}
	req := request(t, hosts(t, twoHosts))
	req.Run = sim.run
	var progress strings.Builder
	req.Progress = &progress
	_, err := Provision(context.Background(), c, req)
	if err == nil {
		t.Fatal("provision succeeded with db's cloud-init failed")
	}
	msg := err.Error()
	for _, want := range []string{`host "db": cloud-init failed (exit 1)`, "status: error", "cloud-init status:",
		"last lines of /var/log/cloud-init-output.log", "log line 12", "E: Unable to locate package docker.io", "run provision again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	t.Log(msg)
	if strings.Contains(msg, "log line 11\n") || strings.Contains(msg, `host "web"`) {
		t.Errorf("error shows more than the log's last 20 lines, or names web:\n%s", msg)
	}
	for _, cmd := range sim.ran("db") {
		if cmd == repairScript {
			t.Error("the run that created db's droplet repaired it instead of reporting the failed install")
		}
	}
	if got := sim.ran("web"); len(got) != 3 || got[0] != "cloud-init status --wait" || got[2] != "docker run --rm debian:bookworm-slim true" {
		t.Errorf("commands on web: %q", got)
	}
	if !strings.Contains(progress.String(), "web: ready") {
		t.Errorf("progress does not say web is ready:\n%s", progress.String())
	}

	progress.Reset()
	if _, err := Provision(context.Background(), c, req); err != nil {
		t.Fatalf("re-run: %v\n%s", err, progress.String())
	}
	got := sim.ran("db")
	if i := indexOf(got, repairScript); i < 0 || indexOf(got[i:], "docker run --rm debian:bookworm-slim true") < 0 {
		t.Errorf("commands on db over both runs: %q; want the repair, then a container", got)
	}
	if !strings.Contains(progress.String(), "db: cloud-init failed (exit 1, status: error): installing Docker over SSH") {
		t.Errorf("the re-run does not say it repairs db:\n%s", progress.String())
	}
}

// A new droplet whose engine does not answer after cloud-init is done is a
// failure that says so, with cloud-init's status and log.
func TestProvisionDockerDownAfterCloudInit(t *testing.T) {
	_, c, _ := newFake(t, fakedo.Config{})
	sim := &simHosts{hosts: map[string]*simHost{"web": {cloudInit: "done", docker: true}, "db": {cloudInit: "done"}}}
	req := request(t, hosts(t, twoHosts))
	req.Run = sim.run
	_, err := Provision(context.Background(), c, req)
	var nr *notReady
	if !errors.As(err, &nr) {
		t.Fatalf("error %v, want db not ready", err)
	}
	for _, want := range []string{`host "db": docker info fails (exit 1)`, "Cannot connect to the Docker daemon", "status: done", "log line 30"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%s", want, err)
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// A droplet this run created is announced by address before it is contacted,
// so the host key an earlier droplet left for that address can be forgotten;
// droplets of earlier runs are not.
func TestProvisionAnnouncesNewAddresses(t *testing.T) {
	_, c, _ := newFake(t, fakedo.Config{})
	sim := &simHosts{hosts: map[string]*simHost{
		"web": {cloudInit: "done", docker: true},
		"db":  {cloudInit: "done", docker: true},
	}}
	req := request(t, hosts(t, twoHosts))
	req.Run = sim.run
	var announced []string
	req.NewAddress = func(ip string) error {
		announced = append(announced, ip)
		return nil
	}
	inv, err := Provision(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, h := range inv {
		want = append(want, h.Public.IPv4)
	}
	slices.Sort(want)
	slices.Sort(announced)
	if len(want) != 2 || !slices.Equal(announced, want) {
		t.Errorf("announced %v, want the two new droplets' addresses %v", announced, want)
	}
	announced = nil
	if _, err := Provision(context.Background(), c, req); err != nil {
		t.Fatal(err)
	}
	if len(announced) != 0 {
		t.Errorf("a re-run announced %v, though it created no droplet", announced)
	}
}
