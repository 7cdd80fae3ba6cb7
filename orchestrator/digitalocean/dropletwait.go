package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

// maxBackoff caps the pause between two tries at a locked droplet, as a
// multiple of the poll interval.
const maxBackoff = 8

// pendingEvent reports whether err is the API refusing an action or a
// delete because the droplet is locked: it still finishes an earlier
// action, or stays locked a while after it ("Droplet already has a
// pending event").
func pendingEvent(err error) bool {
	var er *godo.ErrorResponse
	if StatusCode(err) != http.StatusUnprocessableEntity || !errors.As(err, &er) {
		return false
	}
	m := strings.ToLower(er.Message)
	return strings.Contains(m, "pending event") || strings.Contains(m, "locked")
}

// whileLocked calls try until the API stops refusing it for a pending
// event, with a backoff from o.pollInterval up to maxBackoff times it, for
// at most o.timeout; it returns try's last error.
func whileLocked(ctx context.Context, o options, try func() error) error {
	deadline := time.Now().Add(o.timeout)
	wait := o.pollInterval
	for {
		err := try()
		if !pendingEvent(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, maxBackoff*o.pollInterval)
	}
}

// awaitDroplet polls a droplet until it is unlocked and, unless want is "",
// in status want, for at most o.timeout. A droplet that is gone (404) is
// returned as nil.
func awaitDroplet(ctx context.Context, client *godo.Client, d *godo.Droplet, want string, o options) (*godo.Droplet, error) {
	deadline := time.Now().Add(o.timeout)
	for {
		cur, _, err := client.Droplets.Get(ctx, d.ID)
		switch {
		case StatusCode(err) == http.StatusNotFound:
			return nil, nil
		case err != nil:
			return nil, explain(err, "look at droplet "+d.Name)
		case !cur.Locked && (want == "" || cur.Status == want):
			return cur, nil
		}
		if time.Now().After(deadline) {
			state := cur.Status
			if cur.Locked {
				state += ", locked"
			}
			if want == "" {
				want = "unlocked"
			}
			return nil, fmt.Errorf("droplet %s is still %s after %s, want %s", d.Name, state, o.timeout, want)
		}
		if err := sleepCtx(ctx, o.pollInterval); err != nil {
			return nil, fmt.Errorf("wait for droplet %s: %w", d.Name, err)
		}
	}
}

// awaitGone polls a deleted droplet until the API no longer has it (404)
// or shows it in status "archive", for at most o.timeout: a delete is
// only accepted at first, and a droplet still listed would be taken for
// an existing one.
func awaitGone(ctx context.Context, client *godo.Client, d godo.Droplet, o options) error {
	deadline := time.Now().Add(o.timeout)
	for {
		cur, _, err := client.Droplets.Get(ctx, d.ID)
		switch {
		case StatusCode(err) == http.StatusNotFound:
			return nil
		case err != nil:
			return explain(err, "look at deleted droplet "+d.Name)
		case cur.Status == "archive":
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("droplet %s is still %s %s after its delete was accepted", d.Name, cur.Status, o.timeout)
		}
		if err := sleepCtx(ctx, o.pollInterval); err != nil {
			return fmt.Errorf("wait for droplet %s to go: %w", d.Name, err)
		}
	}
}

// deletedHere remembers the droplets this process had deleted, per API: the
// API still lists them a while after it accepted the delete.
var deletedHere sync.Map

func deletedKey(c *godo.Client, id int) string { return c.BaseURL.String() + "#" + strconv.Itoa(id) }

func rememberDeleted(c *godo.Client, id int) { deletedHere.Store(deletedKey(c, id), true) }

// absent reports whether a listed droplet is as good as gone: in status
// "archive" (deleted, being cleaned up) or deleted by this process.
func absent(c *godo.Client, d godo.Droplet) bool {
	_, mine := deletedHere.Load(deletedKey(c, d.ID))
	return mine || d.Status == "archive"
}
