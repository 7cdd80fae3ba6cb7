package app

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostInterface is eth0 with its IPv4 address, as the projects use,
// or on a machine without one the first other interface that has an
// address, so the test means the same there.
func hostInterface(t *testing.T) (string, string) {
	t.Helper()
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	var name, addr string
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && (name == "" || ifc.Name == "eth0") {
				name, addr = ifc.Name, n.IP.To4().String()
			}
		}
	}
	if name == "" {
		t.Fatal("this machine has no interface with an IPv4 address besides loopback")
	}
	return name, addr
}

// A project of the releases that resolved `from_<iface>` and bound
// published ports to PUBLISH_ON_IP: the instance's HOST_IP holds this
// machine's address of the interface (the machine that runs it), and its
// port answers on 127.0.0.1 only.
func TestIntegrationFromIfaceAndPublishOnIP(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Docker engine")
	}
	iface, addr := hostInterface(t)
	p := &e2eProject{t: t, dir: t.TempDir(), name: "fromiface" + randomSuffix(), port: freePort(t)}
	copyTree(t, "testdata/fromiface", p.dir, func(data []byte) []byte {
		data = bytes.ReplaceAll(data, []byte("@PORT@"), []byte(strconv.Itoa(p.port)))
		return bytes.ReplaceAll(data, []byte("@IFACE@"), []byte(iface))
	})
	t.Cleanup(func() {
		p.run("clean:all,force=True,timeout=1")
		out, _ := exec.Command("docker", "images", "-q", "--filter", "label=dockerops.project="+p.name).Output()
		ids := strings.Fields(string(out))
		// The base image dockerops builds for the project carries no project label.
		_ = exec.Command("docker", append([]string{"rmi", "-f", p.name + "/dockerops-base"}, ids...)...).Run()
	})
	p.must("build:all")
	p.must("run:all")

	got := strings.Fields(p.must("shell:web,command=printenv HOST_IP DNS_CONTAINER_IP GREETING SERVICE CONTAINER HOST_HOSTNAME"))
	host, _ := os.Hostname()
	want := []string{addr, addr, "from_" + iface, "web", "web", host}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("HOST_IP DNS_CONTAINER_IP GREETING SERVICE CONTAINER HOST_HOSTNAME = %v, want %v", got, want)
	}

	// The published port answers on PUBLISH_ON_IP and not on the machine's
	// other address.
	if line := readLine(t, "127.0.0.1", p.port); line != "hello" {
		t.Errorf("127.0.0.1:%d said %q, want hello", p.port, line)
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(p.port)), 2*time.Second); err == nil {
		c.Close()
		t.Errorf("%s:%d accepts a connection: the port is published on every interface, not on PUBLISH_ON_IP", addr, p.port)
	}

	// A second run resolves the same address: nothing to do.
	if _, _, stderr := p.run("run:all"); !strings.Contains(stderr, "nothing to do") {
		t.Errorf("second run: %s", stderr)
	}

	// An interface this machine lacks is one clear error.
	var out, errb bytes.Buffer
	getenv := func(k string) (string, bool) {
		if k == "HOST_IP" {
			return "from_nosuch0", true
		}
		return p.getenv(k)
	}
	code := Run(context.Background(), []string{"run:all"}, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: getenv})
	msg := errb.String()
	if code != 1 || !strings.Contains(msg, p.name+"-web-master: HOST_IP=from_nosuch0: this machine has no interface \"nosuch0\" (it has ") ||
		!strings.Contains(msg, iface) || strings.Contains(msg, "goroutine") {
		t.Errorf("exit %d, stderr:\n%s", code, msg)
	}
}

// readLine reads the first line a TCP server at host:port sends, retrying
// while the server starts.
func readLine(t *testing.T, host string, port int) string {
	t.Helper()
	var last error
	for range 50 {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), 2*time.Second)
		if err == nil {
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err == nil {
				return strings.TrimSpace(line)
			}
			last = err
		} else {
			last = err
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s:%d: %v", host, port, last)
	return ""
}
