package orchestrator

import (
	"context"
	"fmt"
	"net/netip"
)

// NetworkAddresser is an engine whose project network can have a subnet
// dockerops gives addresses in, so a container's address is known when it
// is created: an instance that links to another of the same run then needs
// not wait for the other's start to learn it.
type NetworkAddresser interface {
	// NetworkState says whether the network exists and, when it does,
	// whether it takes addresses given at create time (one made by an older
	// dockerops does not).
	NetworkState(ctx context.Context, name string) (exists, addressed bool, err error)
	// EnsureAddressedNetwork creates the network unless it exists, with a
	// subnet whose engine-assigned addresses stay out of Free, and returns
	// the addresses dockerops may give: an existing network that takes none
	// is an error.
	EnsureAddressedNetwork(ctx context.Context, name string, labels map[string]string) (NetworkAddresses, error)
}

// NetworkAddresses are the addresses dockerops may give on a network.
type NetworkAddresses struct {
	// Free is the part of the subnet the engine never assigns by itself.
	Free netip.Prefix
	// InUse are the addresses of Free already taken: by a container
	// attached now, or one given to a container that is stopped and will
	// ask for it again when it starts.
	InUse []netip.Addr
}

// allocator hands out the addresses of a NetworkAddresses, lowest first.
type allocator struct {
	free netip.Prefix
	used map[netip.Addr]bool
	next netip.Addr
}

func newAllocator(n NetworkAddresses) *allocator {
	a := &allocator{free: n.Free.Masked(), used: map[netip.Addr]bool{}}
	for _, ip := range n.InUse {
		a.used[ip] = true
	}
	a.next = a.free.Addr()
	return a
}

// take is the lowest free address, never the subnet's own first address
// (the network's) nor the gateway, which the caller marks in use.
func (a *allocator) take() (netip.Addr, error) {
	for ip := a.next; a.free.Contains(ip); ip = ip.Next() {
		if ip == a.free.Addr() || a.used[ip] {
			continue
		}
		a.used[ip] = true
		a.next = ip.Next()
		return ip, nil
	}
	return netip.Addr{}, fmt.Errorf("no free address left in %s", a.free)
}

// addressed decides, at plan time, whether the run's containers get their
// addresses when created: only worth it when an instance the run creates
// links to another it creates (see unwaited), and only possible on an
// engine that can, with a network that takes them (or none yet).
func (o *Orchestrator) addressed(ctx context.Context, steps []Step) (bool, error) {
	na, ok := o.Engine.(NetworkAddresser)
	if !ok {
		return false, nil
	}
	creating := map[string]bool{}
	for _, s := range steps {
		if s.Action == Create {
			creating[s.Name] = true
		}
	}
	needed := false
	for _, s := range steps {
		for _, target := range s.links.targets {
			if creating[s.Name] && creating[target] {
				needed = true
			}
		}
	}
	if !needed {
		return false, nil
	}
	exists, addressed, err := na.NetworkState(ctx, o.Project)
	if err != nil {
		return false, err
	}
	return !exists || addressed, nil
}

// allocate gives every container the plan creates on the project network
// its address, in plan order.
func (x *execution) allocate(n NetworkAddresses) error {
	a := newAllocator(n)
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, s := range x.plan.Steps {
		if (s.Action != Create && s.Action != Recreate) || s.Instance == nil || s.Instance.NetHost || s.service != nil {
			continue
		}
		ip, err := a.take()
		if err != nil {
			return fmt.Errorf("network %s: %w", x.plan.Project, err)
		}
		x.ips[s.Name] = ip.String()
	}
	return nil
}

// unwaited turns, in each step the run creates, its dependency on a link
// target the run creates too, whose address is given at create time and
// that has nothing to wait for (no run.conf sleep, an image without
// HEALTHCHECK: noCheck), into startAfter: the container is made at once
// and started as soon as the target has started, as Compose does, not
// once the target's start is over and its address asked. The dependencies
// that remain hold the dependant back as DockerOps did (ready). A recreate
// keeps its dependencies: its old container is removed only once its
// targets have started.
func unwaited(steps []Step, noCheck map[string]bool) {
	byName := map[string]*Step{}
	for i := range steps {
		byName[steps[i].Name] = &steps[i]
	}
	for i := range steps {
		s := &steps[i]
		if s.Action != Create {
			continue
		}
		var keep []string
		for _, d := range s.Deps {
			t := byName[d]
			if t != nil && t.Action == Create && t.Instance.Sleep == 0 && noCheck[t.Instance.Image] && !t.Instance.NetHost {
				s.startAfter = append(s.startAfter, d)
				continue
			}
			keep = append(keep, d)
		}
		s.Deps = keep
	}
}
