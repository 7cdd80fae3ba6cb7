package basecontainer

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docker/docker/api/types/image"
	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"golang.org/x/crypto/ssh"
)

// The images the integration tests build, removed when the test binary ends.
var (
	builtMu sync.Mutex
	built   []string

	baseOnce sync.Once
	baseRef  string
	baseErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	// No registry is reachable: Ryuk's image cannot be pulled. Every test
	// removes what it starts with t.Cleanup instead.
	os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	code := m.Run()
	removeBuiltImages()
	os.Exit(code)
}

func removeBuiltImages() {
	builtMu.Lock()
	defer builtMu.Unlock()
	if len(built) == 0 {
		return
	}
	cli, err := testcontainers.NewDockerClientWithOpts(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "remove test images:", err)
		return
	}
	defer cli.Close()
	for i := len(built) - 1; i >= 0; i-- { // children before their base
		_, err := cli.ImageRemove(context.Background(), built[i], image.RemoveOptions{Force: true, PruneChildren: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, "remove test image:", err)
		}
	}
}

// baseImage builds dockerops-base from the embedded build context, once per
// test binary, and returns its reference.
func baseImage(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	baseOnce.Do(func() {
		osImage := os.Getenv("BASE_IMAGE")
		if osImage == "" {
			osImage = "debian:bookworm-slim"
		}
		baseRef, baseErr = buildImage(t.Context(), "dockeropstest/dockerops-base", FS(), map[string]*string{"BASE_IMAGE": &osImage})
	})
	if baseErr != nil {
		t.Fatalf("build dockerops-base: %v", baseErr)
	}
	return baseRef
}

// childImage builds an image FROM the base with the given Dockerfile lines
// and extra context files.
func childImage(t *testing.T, name string, lines []string, files map[string]string) string {
	t.Helper()
	ctxFS := fstest.MapFS{}
	for path, content := range files {
		ctxFS[path] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	return imageFrom(t, baseImage(t), name, lines, ctxFS)
}

// imageFrom builds an image FROM parent with the given Dockerfile lines and
// context files (whose ModTime the build keeps).
func imageFrom(t *testing.T, parent, name string, lines []string, ctxFS fstest.MapFS) string {
	t.Helper()
	dockerfile := "FROM " + parent + "\n" + strings.Join(lines, "\n") + "\n"
	ctxFS["Dockerfile"] = &fstest.MapFile{Data: []byte(dockerfile), Mode: 0o644}
	ref, err := buildImage(t.Context(), "dockeropstest/"+name, ctxFS, nil)
	if err != nil {
		t.Fatalf("build %s: %v", name, err)
	}
	return ref
}

func buildImage(ctx context.Context, repo string, buildContext fs.FS, args map[string]*string) (string, error) {
	archive, err := tarFS(buildContext)
	if err != nil {
		return "", err
	}
	var log bytes.Buffer
	req := testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		ContextArchive: archive,
		Repo:           repo,
		Tag:            "it-" + strings.ToLower(rand.Text()[:8]),
		BuildArgs:      args,
		KeepImage:      true,
		BuildLogWriter: &log,
	}}
	provider, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", err
	}
	defer provider.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	ref, err := provider.BuildImage(ctx, &req)
	if err != nil {
		return "", fmt.Errorf("%w\n%s", err, lastLines(log.String(), 30))
	}
	builtMu.Lock()
	built = append(built, ref)
	builtMu.Unlock()
	return ref, nil
}

// tarFS writes a file system as a build context, with the modes it reports:
// an embedded file system reports 0444, so the Dockerfile must set modes.
func tarFS(fsys fs.FS) (*bytes.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: path, Mode: int64(info.Mode().Perm()), Size: int64(len(data)), ModTime: info.ModTime()}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	return bytes.NewReader(buf.Bytes()), nil
}

// startContainer runs image with env and returns the started container,
// removed when the test ends.
func startContainer(t *testing.T, img string, env map[string]string, modify ...func(*testcontainers.ContainerRequest)) testcontainers.Container {
	t.Helper()
	req := testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{Image: img, Env: env},
		Started:          true,
		Logger:           tclog.TestLogger(t),
	}
	for _, m := range modify {
		m(&req.ContainerRequest)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, err := testcontainers.GenericContainer(ctx, req)
	testcontainers.CleanupContainer(t, c)
	if err != nil {
		t.Fatalf("start %s: %v", img, err)
	}
	return c
}

// run executes cmd in c and returns its exit code and combined output.
func run(t *testing.T, c testcontainers.Container, cmd ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	code, r, err := c.Exec(ctx, cmd, tcexec.Multiplexed())
	if err != nil {
		t.Fatalf("exec %q: %v", cmd, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("exec %q: read output: %v", cmd, err)
	}
	return code, string(out)
}

// waitSupervisord waits until the entrypoint has handed over to supervisord,
// that is until both entrypoint stages have run.
func waitSupervisord(t *testing.T, c testcontainers.Container) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _ := run(t, c, "test", "-e", "/var/run/supervisord.pid"); code == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("supervisord did not start within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func containerIP(t *testing.T, c testcontainers.Container) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ip, err := c.ContainerIP(ctx)
	if err != nil || ip == "" {
		t.Fatalf("container IP: %q, %v", ip, err)
	}
	return ip
}

// newKey generates an ed25519 key and returns its signer and its
// authorized_keys line.
func newKey(t *testing.T) (ssh.Signer, ed25519.PrivateKey, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer, priv, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
}

// dialSSH connects as dockerops to ip:22, waiting up to 30 s for sshd to
// answer; hostKeyType receives the host key's algorithm.
func dialSSH(t *testing.T, ip string, signer ssh.Signer, hostKeyType *string) *ssh.Client {
	t.Helper()
	cfg := &ssh.ClientConfig{
		User: "dockerops",
		Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error {
			if hostKeyType != nil {
				*hostKeyType = key.Type()
			}
			return nil // a fresh container: its host key is new by design
		},
		Timeout: 5 * time.Second,
	}
	addr := net.JoinHostPort(ip, "22")
	deadline := time.Now().Add(30 * time.Second)
	for {
		client, err := ssh.Dial("tcp", addr, cfg)
		if err == nil {
			t.Cleanup(func() { client.Close() })
			return client
		}
		if time.Now().After(deadline) || isAuthError(err) {
			t.Fatalf("ssh dockerops@%s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func isAuthError(err error) bool {
	return err != nil && strings.Contains(err.Error(), "unable to authenticate")
}

// sshOutput runs cmd in a new session and returns its stdout.
func sshOutput(t *testing.T, client *ssh.Client, cmd string, prepare ...func(*ssh.Session) error) string {
	t.Helper()
	session, err := client.NewSession()
	if err != nil {
		t.Fatalf("ssh session: %v", err)
	}
	defer session.Close()
	for _, p := range prepare {
		if err := p(session); err != nil {
			t.Fatalf("ssh session: %v", err)
		}
	}
	var stderr bytes.Buffer
	session.Stderr = &stderr
	out, err := session.Output(cmd)
	if err != nil {
		t.Fatalf("ssh %q: %v, stderr: %s", cmd, err, stderr.String())
	}
	return string(out)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
