package digitalocean

import (
	"context"
	"fmt"
	"net/http"

	"github.com/digitalocean/godo"
)

// uploadKey puts the project's public key into the account unless a key
// with the same fingerprint is there already; droplets get it for root.
type uploadKey struct{}

func (uploadKey) Run(ctx context.Context, st *state) error {
	if found, err := st.findKey(ctx); err != nil || found != nil {
		if found != nil {
			st.say("ssh key %s already in the account as %q", st.fingerprint, found.Name)
		}
		return err
	}
	name := "dockerops-" + st.req.Project
	k, _, err := st.client.Keys.Create(ctx, &godo.KeyCreateRequest{Name: name, PublicKey: st.req.PublicKey})
	if err != nil {
		// Someone uploaded it since we looked: the API says it is in use.
		if StatusCode(err) == http.StatusUnprocessableEntity {
			if found, ferr := st.findKey(ctx); ferr == nil && found != nil {
				return nil
			}
		}
		return explain(err, fmt.Sprintf("upload ssh key %q", name))
	}
	st.made = true
	st.say("ssh key %s uploaded as %q", k.Fingerprint, name)
	return nil
}

// findKey asks for the project's key by its fingerprint, not by listing
// the account's keys: an account may hold many, and key listing has a
// rate limit of its own.
func (st *state) findKey(ctx context.Context) (*godo.Key, error) {
	k, _, err := st.client.Keys.GetByFingerprint(ctx, st.fingerprint)
	if StatusCode(err) == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, explain(err, "look up ssh key "+st.fingerprint)
	}
	return k, nil
}
