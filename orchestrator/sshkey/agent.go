package sshkey

import (
	"errors"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh/agent"
)

// Agent is a short-lived ssh-agent holding only the project key, listening on
// a socket in a private temporary folder.
type Agent struct {
	Socket string
	dir    string
	ln     net.Listener
}

// StartAgent serves the key until Close.
func (k *Key) StartAgent() (*Agent, error) {
	dir, err := os.MkdirTemp("", "dockerops-agent-")
	if err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: k.raw, Comment: "dockerops project key"}); err != nil {
		ln.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = agent.ServeAgent(keyring, conn)
			}()
		}
	}()
	return &Agent{Socket: sock, dir: dir, ln: ln}, nil
}

// Close stops the agent and removes its socket.
func (a *Agent) Close() error {
	return errors.Join(a.ln.Close(), os.RemoveAll(a.dir))
}
