package sshkey

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh/agent"
)

func TestEnsureGeneratesOnceWithPrivateMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".ssh")
	k1, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(k1.PrivatePath)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("private key mode = %v, want 0600", st.Mode().Perm())
	}
	k2, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k1.AuthorizedKey() != k2.AuthorizedKey() {
		t.Error("a second Ensure made a new key; the project key must be stable")
	}
}

func TestAgentOffersOnlyTheProjectKey(t *testing.T) {
	k, err := Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, err := k.StartAgent()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("unix", a.Socket)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := agent.NewClient(conn).List()
	conn.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 {
		t.Fatalf("agent lists %d keys, want the project key only", len(keys))
	}
	if string(keys[0].Marshal()) != string(k.Signer.PublicKey().Marshal()) {
		t.Error("agent offers a key that is not the project key")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a.Socket); !os.IsNotExist(err) {
		t.Error("agent socket still exists after Close")
	}
}
