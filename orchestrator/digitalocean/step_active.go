package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// awaitActive polls every droplet that is not active yet until it is, or
// until the request's timeout. Droplets are kept on timeout: a re-run finds
// them and waits again.
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
		default:
			return fmt.Errorf("host %q: droplet %s is %s: power it on (DigitalOcean control panel) and run provision again", h.Name, d.Name, d.Status)
		}
	}
	deadline := time.Now().Add(st.req.Timeout)
	for len(pending) > 0 {
		var still []string
		for _, host := range pending {
			d, _, err := st.client.Droplets.Get(ctx, st.droplets[host].ID)
			if err != nil {
				return explain(err, fmt.Sprintf("host %q: look at droplet %s", host, st.droplets[host].Name))
			}
			st.droplets[host] = d
			if d.Status != "active" {
				still = append(still, host)
				continue
			}
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
