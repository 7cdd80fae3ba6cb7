package fakedo

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/digitalocean/godo"
	"golang.org/x/crypto/ssh"
)

func (s *Server) keyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/account/keys", func(w http.ResponseWriter, r *http.Request) {
		writePage(s, w, r, "ssh_keys", s.Keys())
	})
	mux.HandleFunc("POST /v2/account/keys", s.createKey)
	mux.HandleFunc("GET /v2/account/keys/{key}", s.getKey)
	mux.HandleFunc("DELETE /v2/account/keys/{key}", s.deleteKey)
}

// Keys returns the account's SSH keys.
func (s *Server) Keys() []godo.Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.keys)
}

// Fingerprint is what the API shows for a public key: the MD5 of the key
// blob, as colon-separated hex pairs.
func Fingerprint(authorizedKey string) (string, error) {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(authorizedKey))
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(ssh.FingerprintLegacyMD5(pub), "MD5:"), nil
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) {
	var req godo.KeyCreateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	fp, err := Fingerprint(req.PublicKey)
	if err != nil {
		unprocessable(w, "Key invalid, key should be of the format `type key [comment]`")
		return
	}
	if strings.TrimSpace(req.Name) == "" {
		unprocessable(w, "Name can't be blank")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		if k.Fingerprint == fp {
			unprocessable(w, "SSH Key is already in use on your account")
			return
		}
	}
	k := godo.Key{ID: s.newID(), Name: req.Name, Fingerprint: fp, PublicKey: strings.TrimSpace(req.PublicKey)}
	s.keys = append(s.keys, k)
	writeJSON(w, http.StatusCreated, map[string]any{"ssh_key": k})
}

// keyIndex finds a key by ID or fingerprint. Called with s.mu held.
func (s *Server) keyIndex(ref string) int {
	return slices.IndexFunc(s.keys, func(k godo.Key) bool {
		return k.Fingerprint == ref || strconv.Itoa(k.ID) == ref
	})
}

// hasKey reports whether a create request's ssh_keys entry (fingerprint
// string or numeric ID) names a key of the account. Called with s.mu held.
func (s *Server) hasKey(raw json.RawMessage) bool {
	var ref string
	if json.Unmarshal(raw, &ref) != nil {
		var id int
		if json.Unmarshal(raw, &id) != nil {
			return false
		}
		ref = strconv.Itoa(id)
	}
	return s.keyIndex(ref) >= 0
}

func (s *Server) getKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.keyIndex(r.PathValue("key"))
	if i < 0 {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ssh_key": s.keys[i]})
}

func (s *Server) deleteKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.keyIndex(r.PathValue("key"))
	if i < 0 {
		notFound(w)
		return
	}
	s.keys = slices.Delete(s.keys, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}
