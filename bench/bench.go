package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// bench is one throwaway project of n instances of the base image, with the
// equivalent compose file and docker run command lines.
type bench struct {
	dir, bin, name string
	compose        []string
	n              int
	instances      []instance
	loops          int // docker run loops so far
}

type instance struct {
	Name     string            `json:"name"`
	Hostname string            `json:"hostname"`
	Env      map[string]string `json:"env"`
	Dir      string            `json:"persistent_dir"`
}

func newBench(ctx context.Context, work, bin string, compose []string, n int) (*bench, error) {
	b := &bench{dir: filepath.Join(work, fmt.Sprintf("bench%d", n)), bin: bin, compose: compose, n: n,
		name: fmt.Sprintf("dobench%d", n)}
	apps := filepath.Join(b.dir, "apps_containers")
	if err := os.MkdirAll(apps, 0o755); err != nil {
		return nil, err
	}
	var entries []string
	for i := range n {
		entries = append(entries, fmt.Sprintf(`{"container": "dockerops-base", "instance": "i%03d", "env_vars": {"ROLE": "bench"}}`, i))
	}
	files := map[string]string{
		"build.conf": `["dockerops-base"]`,
		"run.conf":   "[\n" + strings.Join(entries, ",\n") + "\n]\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(apps, name), []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	if _, err := b.dockerops(ctx, "build:all"); err != nil {
		return nil, err
	}
	config := exec.CommandContext(ctx, bin, "config:all,format=json")
	config.Dir, config.Env = b.dir, append(os.Environ(), b.env()...)
	out, err := config.Output()
	if err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	var plan struct{ Instances []instance }
	if err := json.Unmarshal(out, &plan); err != nil {
		return nil, err
	}
	if len(plan.Instances) != n {
		return nil, fmt.Errorf("config of the bench project lists %d instances, want %d", len(plan.Instances), n)
	}
	b.instances = plan.Instances
	return b, b.writeCompose()
}

func (b *bench) env() []string {
	return []string{"PROJECT_DIR=" + b.dir, "PROJECT_NAME=" + b.name}
}

func (b *bench) dockerops(ctx context.Context, args ...string) (time.Duration, error) {
	return timed(ctx, b.dir, b.env(), b.bin, args...)
}

// authorizedKey is what dockerops gives every container, so the compose and
// docker run containers get the same environment.
func (b *bench) authorizedKey() string {
	key, _ := os.ReadFile(filepath.Join(b.dir, "data_"+b.name, ".ssh", "id_ed25519.pub"))
	return strings.TrimSpace(string(key))
}

func (b *bench) image() string { return b.name + "/dockerops-base" }

// writeCompose writes the equivalent compose file: same image, hostname,
// environment, bind mount and one bridge network.
func (b *bench) writeCompose() error {
	var y strings.Builder
	y.WriteString("version: \"2.4\"\nservices:\n")
	for _, in := range b.instances {
		fmt.Fprintf(&y, "  %s:\n    image: %s\n    hostname: %s\n    environment:\n", in.Name, b.image(), in.Hostname)
		for _, kv := range b.envOf(in) {
			k, v, _ := strings.Cut(kv, "=")
			fmt.Fprintf(&y, "      %s: %q\n", k, v)
		}
		fmt.Fprintf(&y, "    volumes:\n      - %s:/persistent\n", filepath.Join(b.dir, "compose-data", in.Name))
	}
	return os.WriteFile(filepath.Join(b.dir, "docker-compose.yml"), []byte(y.String()), 0o644)
}

func (b *bench) envOf(in instance) []string {
	env := maps.Clone(in.Env)
	env["DOCKEROPS_AUTHORIZED_KEYS"] = b.authorizedKey()
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

func (b *bench) composeCmd(ctx context.Context, args ...string) (time.Duration, error) {
	full := append(slices.Clone(b.compose[1:]), append([]string{"-p", b.name + "c"}, args...)...)
	return timed(ctx, b.dir, nil, b.compose[0], full...)
}

// dockerRunLoop starts every container with one sequential `docker run -d`.
func (b *bench) dockerRunLoop(ctx context.Context) (time.Duration, error) {
	// A fresh network name each time: the engine sometimes keeps a removed
	// network's endpoints counted (moby/moby#42119), and the name with them.
	b.loops++
	net := b.loopNetwork()
	start := time.Now()
	if _, err := timed(ctx, b.dir, nil, "docker", "network", "create", net); err != nil {
		return 0, err
	}
	for _, in := range b.instances {
		args := []string{"run", "-d", "--name", in.Name + "-r", "--hostname", in.Hostname, "--network", net,
			"-v", filepath.Join(b.dir, "run-data", in.Name) + ":/persistent"}
		for _, kv := range b.envOf(in) {
			args = append(args, "-e", kv)
		}
		if _, err := timed(ctx, b.dir, nil, "docker", append(args, b.image())...); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func (b *bench) removeRunLoop() {
	names := []string{"rm", "-f"}
	for _, in := range b.instances {
		names = append(names, in.Name+"-r")
	}
	_ = exec.Command("docker", names...).Run()
	_ = exec.Command("docker", "network", "rm", b.loopNetwork()).Run()
}

// loopNetwork is the network of the latest docker run loop.
func (b *bench) loopNetwork() string { return fmt.Sprintf("%sr%d", b.name, b.loops) }

func (b *bench) teardown() {
	ctx := context.Background()
	b.removeRunLoop()
	_, _ = b.composeCmd(ctx, "down", "-t", "1")
	_, _ = b.dockerops(ctx, "clean:all,force=True,timeout=1")
	_ = exec.Command("docker", "rmi", b.image()).Run()
}
