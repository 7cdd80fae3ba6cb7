package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// bench is one throwaway project of n instances of the base image, with the
// equivalent compose file.
type bench struct {
	dir, bin, name string
	compose        string   // the Compose binary
	composeEnv     []string // where Compose finds the engine; nil = the local one
	n              int
	instances      []instance
}

type instance struct {
	Name     string            `json:"name"`
	Hostname string            `json:"hostname"`
	Env      map[string]string `json:"env"`
	Dir      string            `json:"persistent_dir"`
}

// newBench makes the project prefix<n> in work and builds its image.
func newBench(ctx context.Context, work, bin, compose, prefix string, n int) (*bench, error) {
	name := fmt.Sprintf("%s%d", prefix, n)
	b := &bench{dir: filepath.Join(work, name), bin: bin, compose: compose, n: n, name: name}
	var entries []string
	for i := range n {
		entries = append(entries, fmt.Sprintf(`{"container": "dockerops-base", "instance": "i%03d", "env_vars": {"ROLE": "bench"}}`, i))
	}
	if err := writeFiles(filepath.Join(b.dir, "apps_containers"), map[string]string{
		"build.conf": `["dockerops-base"]`,
		"run.conf":   "[\n" + strings.Join(entries, ",\n") + "\n]\n",
	}); err != nil {
		return nil, err
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
	return b, b.writeCompose("docker-compose.yml", filepath.Join(b.dir, "compose-data"))
}

// writeFiles writes files (name -> content) into dir.
func writeFiles(dir string, files map[string]string) error {
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) env() []string {
	return []string{"PROJECT_DIR=" + b.dir, "PROJECT_NAME=" + b.name}
}

func (b *bench) dockerops(ctx context.Context, args ...string) (time.Duration, error) {
	return timed(ctx, b.dir, b.env(), b.bin, args...)
}

// authorizedKey is what dockerops gives every container, so the compose
// containers get the same environment.
func (b *bench) authorizedKey() string {
	key, _ := os.ReadFile(filepath.Join(b.keyDir(), "id_ed25519.pub"))
	return strings.TrimSpace(string(key))
}

// keyDir holds the project's SSH key pair.
func (b *bench) keyDir() string { return filepath.Join(b.dir, "data_"+b.name, ".ssh") }

func (b *bench) image() string { return b.name + "/dockerops-base" }

// writeCompose writes the equivalent compose file: same image, hostname,
// environment, a bind mount under dataDir (on the engine's machine) and the
// project's default bridge network.
func (b *bench) writeCompose(file, dataDir string) error {
	var y strings.Builder
	y.WriteString("services:\n")
	for _, in := range b.instances {
		fmt.Fprintf(&y, "  %s:\n    image: %s\n    hostname: %s\n    environment:\n", in.Name, b.image(), in.Hostname)
		for _, kv := range b.envOf(in) {
			k, v, _ := strings.Cut(kv, "=")
			fmt.Fprintf(&y, "      %s: %q\n", k, v)
		}
		fmt.Fprintf(&y, "    volumes:\n      - %s:/persistent\n", path.Join(dataDir, in.Name))
	}
	return os.WriteFile(filepath.Join(b.dir, file), []byte(y.String()), 0o644)
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

// composeCmd runs Compose on the project's compose file.
func (b *bench) composeCmd(ctx context.Context, args ...string) (time.Duration, error) {
	return timed(ctx, b.dir, b.composeEnv, b.compose, append([]string{"-p", b.name + "c"}, args...)...)
}

// clean removes what either tool left running on the project's engine.
func (b *bench) clean(dockeropsArgs string) {
	ctx := context.Background()
	_, _ = b.composeCmd(ctx, "down", "-t", "1")
	_, _ = b.dockerops(ctx, "clean:all,force=True,timeout=1"+dockeropsArgs)
}

func (b *bench) removeImage() { _ = exec.Command("docker", "rmi", b.image()).Run() }
