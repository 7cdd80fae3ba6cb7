package sshkey

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Key is a project's key pair.
type Key struct {
	PrivatePath string // mode 0600
	Signer      ssh.Signer
	raw         ed25519.PrivateKey
}

// AuthorizedKey is the public key as an authorized_keys line.
func (k *Key) AuthorizedKey() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.Signer.PublicKey()))) + " dockerops"
}

// Ensure loads the key at dir/id_ed25519, generating it on first use.
func Ensure(dir string) (*Key, error) {
	path := filepath.Join(dir, "id_ed25519")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return generate(dir, path)
	}
	if err != nil {
		return nil, fmt.Errorf("project ssh key: %w", err)
	}
	raw, err := ssh.ParseRawPrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("project ssh key %s: %w", path, err)
	}
	priv, ok := raw.(*ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("project ssh key %s: not an ed25519 key", path)
	}
	signer, err := ssh.NewSignerFromKey(*priv)
	if err != nil {
		return nil, err
	}
	return &Key{PrivatePath: path, Signer: signer, raw: *priv}, nil
}

func generate(dir, path string) (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "dockerops project key")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("project ssh key: %w", err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("project ssh key: %w", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	k := &Key{PrivatePath: path, Signer: signer, raw: priv}
	if err := os.WriteFile(path+".pub", []byte(k.AuthorizedKey()+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("project ssh key: %w", err)
	}
	return k, nil
}
