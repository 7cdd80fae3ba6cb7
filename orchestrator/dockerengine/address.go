package dockerengine

import (
	"context"
	"fmt"
	"net/netip"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"

	"github.com/dockerops/dockerops/orchestrator"
)

var (
	_ orchestrator.NetworkAddresser = (*Engine)(nil)
	_ orchestrator.ImageInspector   = (*Engine)(nil)
)

// labelSubnet marks a project network made with a subnet of its own, whose
// lower half dockerops gives addresses in; the engine assigns in the upper
// half (its IP range) only. The engine takes an address given at create
// time only on such a network ("user configured subnet").
const labelSubnet = "dockerops.subnet"

// NetworkState says whether the network exists and takes addresses given
// at create time.
func (e *Engine) NetworkState(ctx context.Context, name string) (exists, addressed bool, err error) {
	n, err := e.cli.NetworkInspect(ctx, name, network.InspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return false, false, nil
	}
	if err != nil {
		return false, false, e.check(err, "inspect network %s", name)
	}
	return true, n.Labels[labelSubnet] != "", nil
}

// EnsureAddressedNetwork makes the network, unless it exists, with the
// subnet the engine picks for it (it knows which ranges the machine's own
// networks use): a first network is made only to learn that subnet, then
// made again with it, as the engine takes addresses only on a network
// whose subnet was given. It returns the lower half of the subnet and the
// addresses taken there.
func (e *Engine) EnsureAddressedNetwork(ctx context.Context, name string, labels map[string]string) (orchestrator.NetworkAddresses, error) {
	n, err := e.cli.NetworkInspect(ctx, name, network.InspectOptions{})
	if cerrdefs.IsNotFound(err) {
		n, err = e.createAddressed(ctx, name, labels)
	}
	if err != nil {
		return orchestrator.NetworkAddresses{}, e.check(err, "network %s", name)
	}
	subnet, err := netip.ParsePrefix(n.Labels[labelSubnet])
	if err != nil {
		return orchestrator.NetworkAddresses{}, fmt.Errorf("network %s takes no addresses given at create time (made by an older dockerops); remove it with clean:all", name)
	}
	free := netip.PrefixFrom(subnet.Addr(), subnet.Bits()+1)
	out := orchestrator.NetworkAddresses{Free: free}
	for _, c := range n.IPAM.Config {
		if gw, err := netip.ParseAddr(c.Gateway); err == nil {
			out.InUse = append(out.InUse, gw)
		}
	}
	for _, ep := range n.Containers {
		if p, err := netip.ParsePrefix(ep.IPv4Address); err == nil {
			out.InUse = append(out.InUse, p.Addr())
		}
	}
	// A stopped container asks for its address again when it starts.
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("network", name))})
	if err != nil {
		return orchestrator.NetworkAddresses{}, e.check(err, "list containers of network %s", name)
	}
	for _, c := range list {
		if c.NetworkSettings == nil {
			continue
		}
		if ep := c.NetworkSettings.Networks[name]; ep != nil && ep.IPAMConfig != nil {
			if ip, err := netip.ParseAddr(ep.IPAMConfig.IPv4Address); err == nil {
				out.InUse = append(out.InUse, ip)
			}
		}
	}
	return out, nil
}

func (e *Engine) createAddressed(ctx context.Context, name string, labels map[string]string) (network.Inspect, error) {
	probe, err := e.cli.NetworkCreate(ctx, name, network.CreateOptions{Driver: "bridge", Labels: labels})
	if cerrdefs.IsConflict(err) {
		return e.cli.NetworkInspect(ctx, name, network.InspectOptions{}) // made meanwhile by a concurrent run
	}
	if err != nil {
		return network.Inspect{}, err
	}
	n, err := e.cli.NetworkInspect(ctx, probe.ID, network.InspectOptions{})
	if err == nil {
		err = e.cli.NetworkRemove(ctx, probe.ID)
	}
	if err != nil {
		return network.Inspect{}, err
	}
	if len(n.IPAM.Config) == 0 {
		return network.Inspect{}, fmt.Errorf("the engine gave network %s no subnet", name)
	}
	cfg := n.IPAM.Config[0]
	subnet, err := netip.ParsePrefix(cfg.Subnet)
	if err != nil || !subnet.Addr().Is4() || subnet.Bits() > 28 {
		return network.Inspect{}, fmt.Errorf("network %s: subnet %q is not an IPv4 subnet of 16 addresses or more", name, cfg.Subnet)
	}
	subnet = subnet.Masked()
	upper := netip.PrefixFrom(lastOf(netip.PrefixFrom(subnet.Addr(), subnet.Bits()+1)).Next(), subnet.Bits()+1)
	withSubnet := map[string]string{labelSubnet: subnet.String()}
	for k, v := range labels {
		withSubnet[k] = v
	}
	_, err = e.cli.NetworkCreate(ctx, name, network.CreateOptions{Driver: "bridge", Labels: withSubnet,
		IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: subnet.String(), Gateway: cfg.Gateway, IPRange: upper.String()}}}})
	if err != nil && !cerrdefs.IsConflict(err) {
		return network.Inspect{}, err
	}
	return e.cli.NetworkInspect(ctx, name, network.InspectOptions{})
}

// lastOf is the last address of p.
func lastOf(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// ImageInfo is ImageID, and whether the image has a HEALTHCHECK.
func (e *Engine) ImageInfo(ctx context.Context, ref string) (string, bool, error) {
	img, err := e.cli.ImageInspect(ctx, ref)
	if cerrdefs.IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, e.check(err, "inspect image %s", ref)
	}
	hc := img.Config != nil && img.Config.Healthcheck != nil && len(img.Config.Healthcheck.Test) > 0 && img.Config.Healthcheck.Test[0] != "NONE"
	return img.ID, hc, nil
}
