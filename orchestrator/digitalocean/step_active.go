package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digitalocean/godo"
)

// awaitActive follows every droplet that is not active yet until it is,
// or until the request's timeout: through its create action when that is
// known (from the create response, or the droplet's actions on a re-run),
// so that a create that errored fails at once instead of at the deadline.
// Droplets are kept on timeout: a re-run finds them and waits again.
type awaitActive struct{}

func (awaitActive) Run(ctx context.Context, st *state) error {
	var pending []string
	for _, h := range st.req.Hosts {
		d := st.droplets[h.Name]
		switch d.Status {
		case "active":
		case "new":
			st.say("%s: waiting for droplet %s to become active", h.Name, d.Name)
			pending = append(pending, h.Name)
			if _, known := st.creates[h.Name]; !known {
				if err := st.findCreate(ctx, h.Name); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("host %q: droplet %s is %s: power it on (DigitalOcean control panel) and run provision again", h.Name, d.Name, d.Status)
		}
	}
	deadline := time.Now().Add(st.req.Timeout)
	for len(pending) > 0 {
		var still []string
		for _, host := range pending {
			active, err := st.lookAgain(ctx, host)
			if err != nil {
				return err
			}
			if !active {
				still = append(still, host)
				continue
			}
			d := st.droplets[host]
			pub4, _, pub6 := addresses(d)
			st.say("%s: droplet %s is active (%s)", host, d.Name, joinNonEmpty(pub4, pub6))
		}
		pending = still
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			var errs []error
			for _, host := range pending {
				d := st.droplets[host]
				errs = append(errs, fmt.Errorf("droplet %s (host %q, id %d) is still %q after %s; it is kept: run provision again to resume",
					d.Name, host, d.ID, d.Status, st.req.Timeout))
			}
			return errors.Join(errs...)
		}
		if err := sleepCtx(ctx, st.req.PollInterval); err != nil {
			return err
		}
	}
	return nil
}

// lookAgain looks at a pending host's create action, when known, and at its
// droplet once the action completed; it reports whether the droplet is
// active. An errored create is an error (see createErrored).
func (st *state) lookAgain(ctx context.Context, host string) (bool, error) {
	d := st.droplets[host]
	if id, ok := st.creates[host]; ok {
		a, resp, err := st.client.Actions.Get(ctx, id)
		if err != nil {
			return false, explain(err, fmt.Sprintf("host %q: look at the create action of droplet %s", host, d.Name))
		}
		switch a.Status {
		case "errored":
			return false, st.createErrored(ctx, host, a, resp)
		case godo.ActionInProgress:
			return false, nil
		}
	}
	cur, _, err := st.client.Droplets.Get(ctx, d.ID)
	if err != nil {
		return false, explain(err, fmt.Sprintf("host %q: look at droplet %s", host, d.Name))
	}
	st.droplets[host] = cur
	return cur.Status == "active", nil
}

// findCreate finds the create action of a droplet still "new" that an
// earlier run made, so a dead one is recognised on the re-run too.
func (st *state) findCreate(ctx context.Context, host string) error {
	d := st.droplets[host]
	as, _, err := st.client.Droplets.Actions(ctx, d.ID, &godo.ListOptions{PerPage: perPage})
	if err != nil {
		return explain(err, fmt.Sprintf("host %q: list the actions of droplet %s", host, d.Name))
	}
	for _, a := range as {
		if a.Type == "create" {
			st.creates[host] = a.ID
			return nil
		}
	}
	return nil
}

// createErrored reports a droplet DigitalOcean failed to create and, once
// confirmed, deletes it so that the next run makes a new one: left alone
// it would be adopted, and waited for, by every re-run.
func (st *state) createErrored(ctx context.Context, host string, a *godo.Action, resp *godo.Response) error {
	d := st.droplets[host]
	msg := fmt.Sprintf("host %q: DigitalOcean could not create droplet %s (id %d): its create action %d ended %q", host, d.Name, d.ID, a.ID, a.Status)
	if resp != nil && resp.Header.Get("X-Request-Id") != "" {
		msg += " (request id " + resp.Header.Get("X-Request-Id") + ")"
	}
	question := fmt.Sprintf("Droplet %s of host %s was not created (its create action errored). Delete it so that provision makes a new one?", d.Name, host)
	if st.req.ConfirmDelete == nil || !st.req.ConfirmDelete(question) {
		return fmt.Errorf("%s; it is kept: delete it (destroy:%s) or run provision again with force=True, and provision makes a new one", msg, host)
	}
	if err := deleteDroplet(ctx, st.client, *d, st.options()); err != nil {
		return fmt.Errorf("%s; deleting it failed: %w", msg, err)
	}
	rememberDeleted(st.client, d.ID)
	if err := awaitGone(ctx, st.client, *d, st.options()); err != nil {
		return fmt.Errorf("%s; it was deleted but %w", msg, err)
	}
	st.say("%s: deleted droplet %s whose create errored", host, d.Name)
	return fmt.Errorf("%s; it was deleted: run provision again to make a new one", msg)
}

func joinNonEmpty(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += ", "
		}
		out += p
	}
	return out
}
