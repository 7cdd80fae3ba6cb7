package dockerengine

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// ErrHostKeyChanged is wrapped when an ssh host offers a key other than the
// one known_hosts holds for it: possibly someone in the middle.
var ErrHostKeyChanged = errors.New("ssh host key changed")

// hostKeyChangedError is ErrHostKeyChanged with the details.
type hostKeyChangedError struct{ msg string }

func (h *hostKeyChangedError) Error() string { return h.msg }
func (h *hostKeyChangedError) Unwrap() error { return ErrHostKeyChanged }

// knownHosts checks host keys against a known_hosts file and trusts a host
// on first use: an unknown host's key is appended to the file, a changed key
// is refused, as OpenSSH does with StrictHostKeyChecking=accept-new.
type knownHosts struct {
	path string
	log  *slog.Logger
	mu   sync.Mutex
}

func (k *knownHosts) check(hostname string, remote net.Addr, key ssh.PublicKey) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	cb, err := k.load()
	if err != nil {
		return err
	}
	err = cb(hostname, remote, key)
	var ke *knownhosts.KeyError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ke) && len(ke.Want) == 0:
		return k.add(hostname, key)
	case errors.As(err, &ke):
		w := ke.Want[0]
		return &hostKeyChangedError{fmt.Sprintf("%s: %s offers %s %s but %s:%d has %s %s; if the host was rebuilt, delete that line",
			ErrHostKeyChanged, hostname, key.Type(), ssh.FingerprintSHA256(key),
			w.Filename, w.Line, w.Key.Type(), ssh.FingerprintSHA256(w.Key))}
	default:
		return fmt.Errorf("ssh host key of %s: %w", hostname, err)
	}
}

// algorithms lists the host key algorithms of the keys known for a host, so
// the server offers one of those rather than another type that would look
// like a changed key. nil (any algorithm) for an unknown host.
func (k *knownHosts) algorithms(hostname string, remote net.Addr) []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	cb, err := k.load()
	if err != nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if !errors.As(cb(hostname, remote, probeKey()), &ke) {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	for _, w := range ke.Want {
		for _, a := range algorithmsFor(w.Key.Type()) {
			if !seen[a] {
				seen[a] = true
				algos = append(algos, a)
			}
		}
	}
	return algos
}

func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// probeKey is a key no host has, used to learn which keys a host has.
var probeKey = sync.OnceValue(func() ssh.PublicKey {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil
	}
	key, _ := ssh.NewPublicKey(pub)
	return key
})

// load reads the file afresh, so keys recorded meanwhile count; a missing
// file is created empty.
func (k *knownHosts) load() (ssh.HostKeyCallback, error) {
	if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
		return nil, fmt.Errorf("known hosts: %w", err)
	}
	f, err := os.OpenFile(k.path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("known hosts: %w", err)
	}
	_ = f.Close()
	cb, err := knownhosts.New(k.path)
	if err != nil {
		return nil, fmt.Errorf("known hosts: %w", err)
	}
	return cb, nil
}

func (k *knownHosts) add(hostname string, key ssh.PublicKey) error {
	f, err := os.OpenFile(k.path, os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("record host key: %w", err)
	}
	defer f.Close()
	line := knownhosts.Line([]string{knownhosts.Normalize(hostname)}, key) + "\n"
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		return fmt.Errorf("record host key: %w", err)
	}
	k.log.Warn("ssh: recorded the host key of a new host", "host", hostname,
		"key", key.Type()+" "+ssh.FingerprintSHA256(key), "file", k.path)
	return nil
}

// ForgetHosts removes from a known_hosts file every line naming one of the
// addresses (on any port), as `ssh-keygen -R` does: a destroyed droplet's
// address is reused by the next one, whose new key would look like an
// attack. A missing file has nothing to forget.
func ForgetHosts(path string, addrs ...string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || len(addrs) == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("known hosts: %w", err)
	}
	forget := map[string]bool{}
	for _, a := range addrs {
		if a != "" {
			forget[a] = true
		}
	}
	var kept []string
	lines := strings.SplitAfter(string(data), "\n")
	for _, line := range lines {
		if !namesAny(line, forget) {
			kept = append(kept, line)
		}
	}
	if len(kept) == len(lines) {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(kept, "")), 0o600); err != nil {
		return fmt.Errorf("known hosts: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("known hosts: %w", err)
	}
	return nil
}

// namesAny tells whether a known_hosts line's host field names one of the
// addresses, bare or as [addr]:port.
func namesAny(line string, addrs map[string]bool) bool {
	fields := strings.Fields(line)
	if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
		return false
	}
	hosts := fields[0]
	if strings.HasPrefix(hosts, "@") && len(fields) > 2 { // @cert-authority, @revoked
		hosts = fields[1]
	}
	for _, h := range strings.Split(hosts, ",") {
		if strings.HasPrefix(h, "[") {
			if end := strings.Index(h, "]"); end > 0 {
				h = h[1:end]
			}
		}
		if addrs[h] {
			return true
		}
	}
	return false
}
