package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// shipMB is the size of the random-data layer of the shipped image.
const shipMB = 200

var shipPhases = []phase{
	{"ship", fmt.Sprintf("first ship of a %d MB image (host has its base image only)", shipMB)},
	{"reship", "re-ship after a one-file change in its last layer"},
}

// shipBench is a project of one instance of a big image that is shipped to
// the host, not built there; its two versions differ in one file of the
// last layer.
type shipBench struct {
	dir, bin, name string
	h              *remote
	steps          map[string][]float64 // phase -> dockerops's ship step time per round (ns)
}

// shipSource names the two local versions of the image; the project's own
// tag points at one of them at a time (a bare repository name would save
// every tag of it).
const shipSource = "dockerops-bench-ship"

// newShipBench makes the project, with the SSH key of keyDir (the one the
// host authorizes), and builds both versions of its image FROM base.
func newShipBench(ctx context.Context, work, bin, keyDir, base string, h *remote) (*shipBench, error) {
	s := &shipBench{dir: filepath.Join(work, "dobenchship"), bin: bin, name: "dobenchship", h: h, steps: map[string][]float64{}}
	apps := filepath.Join(s.dir, "apps_containers")
	files := map[string]string{
		"build.conf":      `["blob"]`,
		"run.conf":        `[{"container": "blob", "instance": "one"}]`,
		"blob/Dockerfile": fmt.Sprintf("FROM %s\nRUN head -c %d /dev/urandom > /opt/blob.bin\nCOPY stamp.txt /opt/stamp.txt\n", base, shipMB*1_000_000),
	}
	if err := writeFiles(apps, files); err != nil {
		return nil, err
	}
	for _, name := range []string{"id_ed25519", "id_ed25519.pub"} {
		data, err := os.ReadFile(filepath.Join(keyDir, name))
		if err != nil {
			return nil, err
		}
		if err := writeFiles(filepath.Join(s.dir, "data_"+s.name, ".ssh"), map[string]string{name: string(data)}); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(filepath.Join(s.dir, "data_"+s.name, ".ssh", "id_ed25519"), 0o600); err != nil {
		return nil, err
	}
	for _, v := range []string{"v1", "v2"} {
		if err := writeFiles(filepath.Join(apps, "blob"), map[string]string{"stamp.txt": v + "\n"}); err != nil {
			return nil, err
		}
		if _, err := timed(ctx, s.dir, nil, "docker", "build", "-q", "-t", shipSource+":"+v, filepath.Join(apps, "blob")); err != nil {
			return nil, err
		}
	}
	return s, h.pointAt(s.dir)
}

func (s *shipBench) image() string { return s.name + "/blob:latest" }

// use makes the project's image version v locally.
func (s *shipBench) use(v string) error {
	_, err := timed(context.Background(), s.dir, nil, "docker", "tag", shipSource+":"+v, s.image())
	return err
}

// archiveSize is the size of the full `docker save` archive of the image's
// first version.
func (s *shipBench) archiveSize(ctx context.Context) (int64, error) {
	if err := s.use("v1"); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, "docker", "save", s.image())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, out)
	if werr := cmd.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return 0, fmt.Errorf("docker save %s: %w", s.image(), err)
	}
	return n, nil
}

// measure ships the image, then its next version, to the host: dockerops
// run with ship=True against `docker save | ssh | docker load`.
func (s *shipBench) measure(ctx context.Context, runs int) (*results, error) {
	dockerops := func(phase, v string) func() (sample, error) {
		return func() (sample, error) {
			if err := s.use(v); err != nil {
				return sample{}, err
			}
			return s.h.counted(ctx, func() (time.Duration, error) {
				d, events, err := timedOutput(ctx, s.dir, []string{"PROJECT_DIR=" + s.dir, "PROJECT_NAME=" + s.name}, s.bin, "run:all,host="+hostName+",ship=True,progress=json")
				if step, ok := shipStep(events); ok {
					s.steps[phase] = append(s.steps[phase], float64(step))
				}
				return d, err
			})
		}
	}
	pipe := func(v string) func() (sample, error) {
		return func() (sample, error) {
			if err := s.use(v); err != nil {
				return sample{}, err
			}
			return s.h.counted(ctx, func() (time.Duration, error) {
				return timed(ctx, s.dir, s.h.env(), "bash", "-o", "pipefail", "-c",
					fmt.Sprintf("docker save %s | ssh root@%s docker load", s.image(), s.h.droplet.IP))
			})
		}
	}
	// Each round starts with neither version on the host: only the base
	// image the host had from the start.
	forget := func() {
		_, _ = timed(ctx, s.dir, []string{"PROJECT_DIR=" + s.dir, "PROJECT_NAME=" + s.name}, s.bin, "clean:all,force=True,timeout=1,host="+hostName)
		_, _ = s.h.droplet.Exec(ctx, nil, "sh", "-c", "docker rmi -f "+s.image()+"; docker image prune -f")
	}
	forget()
	return interleave("ship", runs, shipPhases, [2]side{
		{tool: "dockerops", steps: []func() (sample, error){dockerops("ship", "v1"), dockerops("reship", "v2")}, reset: forget},
		{tool: "pipe", label: "`save \\| ssh \\| load`", steps: []func() (sample, error){pipe("v1"), pipe("v2")}, reset: forget},
	})
}

// shipStep is how long the ship step took, from dockerops's progress=json
// events.
func shipStep(events []byte) (time.Duration, bool) {
	for _, line := range bytes.Split(events, []byte("\n")) {
		var e struct {
			Action, Status string
			Elapsed        float64 `json:"elapsed_s"`
		}
		if json.Unmarshal(line, &e) == nil && e.Action == "ship" && e.Status == "done" {
			return time.Duration(math.Round(e.Elapsed*1000)) * time.Millisecond, true
		}
	}
	return 0, false
}

// printShip adds what the table cannot show: how the re-ship compares with
// the whole archive.
func (s *shipBench) printShip(w io.Writer, r *results, archive int64) {
	reship := median(r.counts("dockerops", "reship", func(s sample) int64 { return s.bytes }))
	full := median(r.durations("pipe", "ship"))
	fmt.Fprintf(w, "The image's full `docker save` archive is %s. dockerops's re-ship put %.1f%% of that on the wire and took %.2f× the time of a full `docker save | ssh | docker load` (first ship); its times include `run:all` planning, the deploy lock and (re)creating the one instance.\n\n",
		size(float64(archive)), 100*reship/float64(archive), median(r.durations("dockerops", "reship"))/full)
	if len(s.steps["ship"]) > 0 && len(s.steps["reship"]) > 0 {
		fmt.Fprintf(w, "The ship step alone (dockerops's `progress=json` events): %s first, %s re-ship (%.2f× the full pipe's first ship).\n\n",
			duration(median(s.steps["ship"])), duration(median(s.steps["reship"])), median(s.steps["reship"])/full)
	}
}

func (s *shipBench) teardown() {
	ctx := context.Background()
	_, _ = timed(ctx, s.dir, []string{"PROJECT_DIR=" + s.dir, "PROJECT_NAME=" + s.name}, s.bin, "clean:all,force=True,timeout=1,host="+hostName)
	_ = exec.Command("docker", "rmi", s.image(), shipSource+":v1", shipSource+":v2").Run()
}
