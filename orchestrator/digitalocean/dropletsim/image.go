package dropletsim

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/jsonmessage"
)

// Label marks every container and volume this package makes; its value is
// the droplet name, so a test can find what a droplet left behind.
const Label = "dockerops.dropletsim"

// contextFiles is the image's build context. The image tag holds their hash,
// so a change to any file makes a new image.
//
//go:embed Dockerfile entrypoint.sh cloud-init systemctl dockerd-start.sh
var contextFiles embed.FS

var contextNames = []string{"Dockerfile", "entrypoint.sh", "cloud-init", "systemctl", "dockerd-start.sh"}

// Image is the tag of the simulated droplet image:
// dockerops-dropletsim:<hash of the build context>.
func Image() string {
	h := sha256.New()
	for _, name := range contextNames {
		data, _ := contextFiles.ReadFile(name)
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	return "dockerops-dropletsim:" + hex.EncodeToString(h.Sum(nil))[:12]
}

// engine is the local engine, shared by every droplet of the process.
var engine = sync.OnceValues(func() (*client.Client, error) {
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("local Docker engine: %w", err)
	}
	return c, nil
})

// building serializes image builds, so droplets started at once build once.
var building sync.Mutex

// EnsureImage builds Image on the local engine unless it is there already.
// The build installs docker.io and openssh-server from Debian's mirror
// (about two minutes, once per machine).
func EnsureImage(ctx context.Context) error {
	cli, err := engine()
	if err != nil {
		return err
	}
	building.Lock()
	defer building.Unlock()
	tag := Image()
	if _, err := cli.ImageInspect(ctx, tag); err == nil {
		return nil
	} else if !client.IsErrNotFound(err) {
		return fmt.Errorf("inspect image %s: %w", tag, err)
	}
	buildCtx, err := contextTar()
	if err != nil {
		return err
	}
	resp, err := cli.ImageBuild(ctx, buildCtx, build.ImageBuildOptions{
		Tags: []string{tag}, Remove: true, ForceRemove: true, Version: build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("build %s: %w", tag, err)
	}
	defer resp.Body.Close()
	if err := readBuildLog(resp.Body); err != nil {
		return fmt.Errorf("build %s: %w", tag, err)
	}
	return nil
}

func contextTar() (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range contextNames {
		data, err := contextFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return &buf, nil
}

// readBuildLog drains a build's JSON message stream and turns a failed step
// into an error ending with the step's last lines of output.
func readBuildLog(r io.Reader) error {
	dec := json.NewDecoder(r)
	var tail []string
	for {
		var msg jsonmessage.JSONMessage
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read build output: %w", err)
		}
		if msg.Error != nil {
			return fmt.Errorf("%s\n%s", msg.Error.Message, strings.Join(tail, "\n"))
		}
		if line := strings.TrimSpace(msg.Stream); line != "" {
			tail = append(tail, line)
			if len(tail) > 20 {
				tail = tail[1:]
			}
		}
	}
}
