package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// awaitDocker runs the request's Wait (Docker answers over SSH) for every
// host at once: cloud-init installs Docker on all of them in parallel.
type awaitDocker struct{}

func (awaitDocker) Run(ctx context.Context, st *state) error {
	if st.req.Wait == nil {
		return nil
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, h := range st.req.Hosts {
		ip, _, _ := addresses(st.droplets[h.Name])
		if ip == "" {
			mu.Lock()
			errs = append(errs, fmt.Errorf("host %q: droplet %s has no public IPv4 to reach Docker on", h.Name, st.droplets[h.Name].Name))
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			st.say("%s: waiting for Docker over SSH at %s", h.Name, ip)
			if err := st.req.Wait(ctx, h.Name, ip); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("host %q: Docker does not answer over SSH at %s: %w", h.Name, ip, err))
				mu.Unlock()
				return
			}
			st.say("%s: Docker answers", h.Name)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
