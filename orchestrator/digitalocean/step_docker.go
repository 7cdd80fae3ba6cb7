package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// readyPoll is the longest pause between two tries of a host that is not
// ready yet.
const readyPoll = 2 * time.Second

// awaitDocker waits until every host is ready (see ready), all at once:
// cloud-init installs Docker on all of them in parallel.
type awaitDocker struct{}

func (awaitDocker) Run(ctx context.Context, st *state) error {
	if st.req.Run == nil {
		return nil
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for _, h := range st.req.Hosts {
		ip, _, _ := addresses(st.droplets[h.Name])
		if ip == "" {
			fail(fmt.Errorf("host %q: droplet %s has no public IPv4 to reach Docker on", h.Name, st.droplets[h.Name].Name))
			continue
		}
		if st.created[h.Name] && st.req.NewAddress != nil {
			if err := st.req.NewAddress(ip); err != nil {
				fail(fmt.Errorf("host %q: forget the old host key of %s: %w", h.Name, ip, err))
				continue
			}
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, st.req.ReadyTimeout)
			defer cancel()
			r := &ready{
				host: h.Name, repair: !st.created[h.Name], poll: min(st.req.PollInterval, readyPoll), say: st.say,
				run: func(ctx context.Context, command string) (string, int, error) {
					return st.req.Run(ctx, h.Name, ip, command)
				},
			}
			st.say("%s: waiting over SSH at %s for cloud-init and Docker", h.Name, ip)
			err := r.wait(ctx)
			switch {
			case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
				fail(fmt.Errorf("host %q: not ready over SSH at %s within %s: %w", h.Name, ip, st.req.ReadyTimeout, err))
			case err != nil && !errors.As(err, new(*notReady)):
				fail(fmt.Errorf("host %q: Docker does not answer over SSH at %s: %w", h.Name, ip, err))
			case err != nil:
				fail(err)
			default:
				st.say("%s: ready", h.Name)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
