package orchestrator_test

import (
	"archive/tar"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/dropletsim"
	"github.com/dockerops/dockerops/orchestrator/dockerengine"
)

// tappedEngine records the layer files of every archive loaded into it:
// what went over the wire.
type tappedEngine struct {
	*dockerengine.Engine
	mu    sync.Mutex
	loads []load
}

type load struct {
	bytes  int64
	layers []string // "sha256:<hex>" of each layer file sent (its diff ID)
}

func (e *tappedEngine) LoadImages(ctx context.Context, archive io.Reader) error {
	pr, pw := io.Pipe()
	read := make(chan load, 1)
	go func() {
		var l load
		tr := tar.NewReader(pr)
		for {
			hdr, err := tr.Next()
			if err != nil {
				break
			}
			if hdr.Typeflag == tar.TypeReg && (path.Base(hdr.Name) == "layer.tar" || strings.HasPrefix(hdr.Name, "blobs/")) {
				h := sha256.New()
				_, _ = io.Copy(h, tr)
				l.layers = append(l.layers, "sha256:"+hex.EncodeToString(h.Sum(nil)))
			}
		}
		_, _ = io.Copy(io.Discard, pr)
		read <- l
	}()
	counted := &counter{r: archive}
	err := e.Engine.LoadImages(ctx, io.TeeReader(counted, pw))
	pw.Close()
	l := <-read
	l.bytes = counted.n
	e.mu.Lock()
	e.loads = append(e.loads, l)
	e.mu.Unlock()
	return err
}

type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A re-ship after a one-file change in an image's last layer sends that
// layer alone, and the host then runs the image with the new file.
func TestIntegrationShipSendsOnlyMissingLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	local, err := dockerengine.New(ctx, dockerengine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close() })
	b := make([]byte, 3)
	rand.Read(b)
	name := "shiplayers-" + hex.EncodeToString(b)
	tag := name + "/app"
	d, remote := emptyDroplet(t, ctx, name)

	dir := t.TempDir()
	dockerfile := "FROM debian:bookworm-slim\nRUN head -c 20000000 /dev/urandom > /big\nCOPY file.txt /file.txt\n"
	var built []string
	t.Cleanup(func() { _ = exec.Command("docker", append([]string{"rmi", "-f", tag}, built...)...).Run() })
	build := func(content string) []string {
		for f, body := range map[string]string{"Dockerfile": dockerfile, "file.txt": content} {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		id, err := local.Build(ctx, orchestrator.BuildSpec{Tag: tag, ContextDir: dir}, nil)
		if err != nil {
			t.Fatal(err)
		}
		built = append(built, id)
		layers, err := local.ImageLayers(ctx, []string{tag})
		if err != nil || len(layers[id]) != 3 {
			t.Fatalf("layers of %s: %v, %v", tag, layers, err)
		}
		return layers[id]
	}
	events := &orchestrator.Recorder{}
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Host: "droplet", Engine: remote}, Project: name, Events: events}
	ship := func() (load, string) {
		if err := o.Ship(ctx, local, []string{tag}); err != nil {
			t.Fatal(err)
		}
		var detail string
		for _, e := range events.Events() {
			if e.Action == orchestrator.Ship && e.Status == orchestrator.Done {
				detail = e.Detail
			}
			if e.Status == orchestrator.Warning {
				t.Errorf("ship warned: %s", e.Detail)
			}
		}
		t.Logf("ship: %s", detail)
		return remote.loads[len(remote.loads)-1], detail
	}
	runs := func(want string) {
		out, err := d.Exec(ctx, nil, "docker", "run", "--rm", tag, "cat", "/file.txt")
		if err != nil || string(out) != want {
			t.Errorf("the host's %s has /file.txt %q (%v), want %q", tag, out, err, want)
		}
	}

	v1 := build("one\n")
	first, detail := ship()
	if len(first.layers) != 3 || !strings.HasPrefix(detail, "sent ") || !strings.Contains(detail, "(3 of 3 layers)") {
		t.Errorf("first ship sent %d layers, said %q; want all 3", len(first.layers), detail)
	}
	runs("one\n")

	v2 := build("two\n")
	second, detail := ship()
	if len(second.layers) != 1 || second.layers[0] != v2[2] {
		t.Errorf("re-ship sent layers %v, want only the changed one %s (the host has %v)", second.layers, v2[2], v1)
	}
	if second.bytes*20 > first.bytes {
		t.Errorf("re-ship sent %d bytes, more than 5%% of the first ship's %d", second.bytes, first.bytes)
	}
	if !strings.Contains(detail, "(1 of 3 layers)") {
		t.Errorf("re-ship said %q", detail)
	}
	runs("two\n")
}

// emptyDroplet starts a droplet whose engine has no image and returns its
// engine, reached over SSH, tapped.
func emptyDroplet(t *testing.T, ctx context.Context, name string) (*dropletsim.Droplet, *tappedEngine) {
	t.Helper()
	return shipDroplet(t, ctx, name, dropletsim.WithImages())
}

func shipDroplet(t *testing.T, ctx context.Context, name string, opts ...dropletsim.Option) (*dropletsim.Droplet, *tappedEngine) {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	d, err := dropletsim.Start(ctx, name, key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Remove(context.Background()) })
	e, err := dockerengine.New(ctx, dockerengine.Options{Host: "ssh://root@" + d.IP, SSHSigners: []ssh.Signer{signer},
		KnownHostsFile: filepath.Join(t.TempDir(), "known_hosts")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return d, &tappedEngine{Engine: e}
}

// savingEngine counts the saves of the engine images are shipped from.
type savingEngine struct {
	*dockerengine.Engine
	mu    sync.Mutex
	saves int
}

func (e *savingEngine) SaveImages(ctx context.Context, refs []string) (io.ReadCloser, error) {
	e.mu.Lock()
	e.saves++
	e.mu.Unlock()
	return e.Engine.SaveImages(ctx, refs)
}

// Two hosts shipped to at once share one save, each sent what it lacks:
// an empty engine all the layers, one with the Debian base all but that.
func TestIntegrationShipToTwoHostsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	e, err := dockerengine.New(ctx, dockerengine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	local := &savingEngine{Engine: e}
	b := make([]byte, 3)
	rand.Read(b)
	name := "shiptwo-" + hex.EncodeToString(b)
	tag := name + "/app"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM debian:bookworm-slim\nRUN echo "+name+" > /file.txt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	id, err := local.Build(ctx, orchestrator.BuildSpec{Tag: tag, ContextDir: dir}, nil)
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", tag, id).Run() })
	if err != nil {
		t.Fatal(err)
	}
	emptyD, empty := emptyDroplet(t, ctx, name+"-a")
	baseD, withBase := shipDroplet(t, ctx, name+"-b")

	saves := orchestrator.ShareSaves(local)
	defer saves.Close()
	var wg sync.WaitGroup
	for host, remote := range map[string]*tappedEngine{"a": empty, "b": withBase} {
		o := &orchestrator.Orchestrator{Target: orchestrator.Target{Host: host, Engine: remote}, Project: name}
		plan, err := o.PlanShip(ctx, saves, []string{tag})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if err := o.Apply(ctx, plan); err != nil {
				t.Errorf("ship to %s: %v", host, err)
			}
		})
	}
	wg.Wait()
	if local.saves != 1 {
		t.Errorf("the images were saved %d times for two hosts", local.saves)
	}
	if n := len(empty.loads); n != 1 || len(empty.loads[0].layers) != 2 {
		t.Errorf("the empty host was sent %+v, want both layers", empty.loads)
	}
	if n := len(withBase.loads); n != 1 || len(withBase.loads[0].layers) != 1 {
		t.Errorf("the host with the Debian base was sent %+v, want the top layer alone", withBase.loads)
	}
	for _, d := range []*dropletsim.Droplet{emptyD, baseD} {
		out, err := d.Exec(ctx, nil, "docker", "run", "--rm", tag, "cat", "/file.txt")
		if err != nil || strings.TrimSpace(out) != name {
			t.Errorf("%s runs %s with /file.txt %q (%v)", d.Name, tag, out, err)
		}
	}
}
