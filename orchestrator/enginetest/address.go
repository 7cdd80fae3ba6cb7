package enginetest

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/dockerops/dockerops/orchestrator"
)

var (
	_ orchestrator.NetworkAddresser = (*Fake)(nil)
	_ orchestrator.ImageInspector   = (*Fake)(nil)
)

// fakeFree is where the fake's networks let dockerops give addresses; it
// assigns 10.0.0.N itself.
var fakeFree = netip.MustParsePrefix("10.0.128.0/17")

// NetworkState is recorded as "netstate NAME". A network EnsureNetwork
// made takes no addresses given at create time, as one of an older
// dockerops; one EnsureAddressedNetwork made does.
func (f *Fake) NetworkState(_ context.Context, name string) (exists, addressed bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("netstate", name); err != nil {
		return false, false, err
	}
	return f.networks[name], f.addressed[name], nil
}

// EnsureAddressedNetwork is recorded as "network NAME", as EnsureNetwork.
func (f *Fake) EnsureAddressedNetwork(_ context.Context, name string, _ map[string]string) (orchestrator.NetworkAddresses, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("network", name); err != nil {
		return orchestrator.NetworkAddresses{}, err
	}
	if f.networks[name] && !f.addressed[name] {
		return orchestrator.NetworkAddresses{}, fmt.Errorf("network %s takes no addresses given at create time", name)
	}
	f.networks[name] = true
	f.addressed[name] = true
	out := orchestrator.NetworkAddresses{Free: fakeFree}
	for id, c := range f.containers {
		spec, made := f.specs[id]
		if spec.Network != name && (made || c.Labels[orchestrator.LabelProject] != name) {
			continue // AddContainer's are on their project's network
		}
		for _, s := range []string{c.IP, f.specs[id].IP} {
			if ip, err := netip.ParseAddr(s); err == nil {
				out.InUse = append(out.InUse, ip)
			}
		}
	}
	return out, nil
}

// ImageInfo is recorded as "image REF", as ImageID; an image has a
// HEALTHCHECK when HealthOnStart is set.
func (f *Fake) ImageInfo(_ context.Context, ref string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("image", ref); err != nil {
		return "", false, err
	}
	return f.images[ref], f.HealthOnStart != "", nil
}
