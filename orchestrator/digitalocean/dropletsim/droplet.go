package dropletsim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
)

// BaseImage is the image every droplet gets preloaded unless WithImages
// says otherwise: a real droplet could pull it, a simulated one has no
// registry to pull from.
const BaseImage = "debian:bookworm-slim"

// readyTimeout bounds the wait for sshd and dockerd of a new droplet.
const readyTimeout = 90 * time.Second

// Droplet is a running simulated droplet.
type Droplet struct {
	Name      string // the droplet name, also the container's hostname
	IP        string // where sshd listens, on the local engine's bridge
	Container string // the container's name on the local engine
	Volume    string // the volume holding the droplet's /var/lib/docker
	cli       *client.Client

	mu    sync.Mutex
	disks map[string]string // block storage volume name -> loop device (see AttachDisk)
}

// Option tunes Start.
type Option func(*options)

type options struct {
	images []string
}

// WithImages replaces the images preloaded from the local engine (default
// BaseImage); with none, the droplet's engine starts empty.
func WithImages(images ...string) Option {
	return func(o *options) { o.images = images }
}

// Start runs a simulated droplet called name whose root accepts the
// authorized_keys line authorizedKey. It returns once sshd and the droplet's
// engine answer and the preloaded images are in; on failure nothing is left.
func Start(ctx context.Context, name, authorizedKey string, opts ...Option) (*Droplet, error) {
	o := options{images: []string{BaseImage}}
	for _, opt := range opts {
		opt(&o)
	}
	if err := EnsureImage(ctx); err != nil {
		return nil, fmt.Errorf("droplet %s: %w", name, err)
	}
	cli, _ := engine()
	d := &Droplet{Name: name, cli: cli}
	d.Container = "dropletsim-" + name + "-" + randomHex(3)
	d.Volume = d.Container + "-docker"
	if err := d.run(ctx, authorizedKey); err != nil {
		return nil, errors.Join(fmt.Errorf("droplet %s: %w", name, err), d.Remove(context.WithoutCancel(ctx)))
	}
	ready, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	err := d.waitSSH(ready)
	if err == nil {
		err = d.WaitDocker(ready)
	}
	for _, img := range o.images {
		if err == nil {
			err = d.Load(ctx, img)
		}
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("droplet %s: %w", name, err), d.Remove(context.WithoutCancel(ctx)))
	}
	return d, nil
}

// run creates the volume and the container, starts it and learns its IP.
func (d *Droplet) run(ctx context.Context, authorizedKey string) error {
	labels := map[string]string{Label: d.Name}
	if _, err := d.cli.VolumeCreate(ctx, volume.CreateOptions{Name: d.Volume, Labels: labels}); err != nil {
		return fmt.Errorf("create volume: %w", err)
	}
	hostname := d.Name
	if len(hostname) > 63 {
		hostname = hostname[:63]
	}
	cfg := &container.Config{
		Image: Image(), Hostname: hostname, Labels: labels,
		Env: []string{"AUTHORIZED_KEYS=" + authorizedKey},
	}
	// The flags of a Docker-in-Docker host on machines that refuse
	// --privileged: every capability but SYS_RESOURCE, no seccomp, AppArmor
	// or masked paths (systempaths=unconfined is empty Masked/ReadonlyPaths),
	// the host's cgroups, and a volume for the inner engine's storage. Loop
	// devices (block major 7) are allowed for the volumes AttachDisk shows.
	host := &container.HostConfig{
		Resources:     container.Resources{DeviceCgroupRules: []string{"b 7:* rmw"}},
		CapAdd:        []string{"ALL"},
		CapDrop:       []string{"SYS_RESOURCE"},
		SecurityOpt:   []string{"seccomp=unconfined", "apparmor=unconfined"},
		MaskedPaths:   []string{},
		ReadonlyPaths: []string{},
		CgroupnsMode:  container.CgroupnsModeHost,
		Binds:         []string{"/sys/fs/cgroup:/sys/fs/cgroup:rw", d.Volume + ":/var/lib/docker"},
		Tmpfs:         map[string]string{"/run": ""},
	}
	if _, err := d.cli.ContainerCreate(ctx, cfg, host, nil, nil, d.Container); err != nil {
		return fmt.Errorf("create container: %w", err)
	}
	if err := d.cli.ContainerStart(ctx, d.Container, container.StartOptions{}); err != nil {
		return fmt.Errorf("start container: %w", err)
	}
	info, err := d.cli.ContainerInspect(ctx, d.Container)
	if err != nil {
		return fmt.Errorf("inspect container: %w", err)
	}
	if info.NetworkSettings != nil {
		for _, n := range info.NetworkSettings.Networks {
			if n.IPAddress != "" {
				d.IP = n.IPAddress
				break
			}
		}
	}
	if d.IP == "" {
		return errors.New("the container has no IP address")
	}
	return nil
}

// Remove deletes the droplet's container and volume, and detaches the loop
// devices of its disks (their image files are the caller's). The droplet's own
// containers are removed first, through its engine, so their cgroups (shared
// with the local engine's host) go with them.
func (d *Droplet) Remove(ctx context.Context) error {
	inner, cancel := context.WithTimeout(ctx, 30*time.Second)
	_, _ = d.Exec(inner, nil, "sh", "-c", "docker ps -aq | xargs -r docker rm -f")
	cancel()
	var errs []error
	err := d.cli.ContainerRemove(ctx, d.Container, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !client.IsErrNotFound(err) {
		errs = append(errs, fmt.Errorf("remove container %s: %w", d.Container, err))
	}
	if err := d.cli.VolumeRemove(ctx, d.Volume, true); err != nil && !client.IsErrNotFound(err) {
		errs = append(errs, fmt.Errorf("remove volume %s: %w", d.Volume, err))
	}
	errs = append(errs, d.detachDisks())
	return errors.Join(errs...)
}

// Find lists the containers and volumes of the local engine that belong to
// the droplet called name ("" = to any simulated droplet), running or not:
// after Remove, there are none.
func Find(ctx context.Context, name string) (containers, volumes []string, err error) {
	cli, err := engine()
	if err != nil {
		return nil, nil, err
	}
	label := Label
	if name != "" {
		label += "=" + name
	}
	list, err := cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", label))})
	if err != nil {
		return nil, nil, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range list {
		for _, n := range c.Names {
			containers = append(containers, strings.TrimPrefix(n, "/"))
		}
	}
	vols, err := cli.VolumeList(ctx, volume.ListOptions{Filters: filters.NewArgs(filters.Arg("label", label))})
	if err != nil {
		return nil, nil, fmt.Errorf("list volumes: %w", err)
	}
	for _, v := range vols.Volumes {
		volumes = append(volumes, v.Name)
	}
	return containers, volumes, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
