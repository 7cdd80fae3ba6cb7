package digitalocean

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// vpcHint is how to put two hosts on one private network.
const vpcHint = "put them in the same region, or give them the same vpc_uuid in hosts.conf"

// SameVPC says whether two hosts reach each other on their private IPv4:
// DigitalOcean routes private addresses only between the droplets of one
// VPC. An entry without a VPC (an inventory written before it was recorded)
// is taken to be in its region's default VPC, where droplets go by default.
func SameVPC(a, b InventoryHost) bool {
	if a.VPC != "" && b.VPC != "" {
		return a.VPC == b.VPC
	}
	return a.Region == b.Region
}

// vpcOf names a host's private network for messages.
func vpcOf(h InventoryHost) string {
	if h.VPC == "" {
		return "the default VPC of " + h.Region
	}
	return fmt.Sprintf("VPC %s in %s", h.VPC, h.Region)
}

// LinkAddress is the address at which host from reaches host to: to's
// private IPv4 when both share a VPC (its public one when it has no private
// one). Hosts in different VPCs are an error naming both and how to join
// them: a private address of another VPC leads nowhere, and falling back to
// the public one would send the link over the internet unasked.
func (inv Inventory) LinkAddress(from, to string) (string, error) {
	a, okA := inv[from]
	b, okB := inv[to]
	switch {
	case !okA:
		return "", fmt.Errorf("host %s is not in the inventory", from)
	case !okB:
		return "", fmt.Errorf("host %s is not in the inventory", to)
	case !SameVPC(a, b):
		return "", fmt.Errorf("hosts %s (%s) and %s (%s) are in different VPCs, so %s cannot reach %s's private address; %s",
			from, vpcOf(a), to, vpcOf(b), from, to, vpcHint)
	case b.Private.IPv4 != "":
		return b.Private.IPv4, nil
	}
	return b.Public.IPv4, nil
}

// PrivateNetworkWarning says which hosts of the inventory cannot reach each
// other privately, grouped by VPC, and how to fix it; "" when they all share
// one VPC.
func (inv Inventory) PrivateNetworkWarning() string {
	names := slices.Sorted(maps.Keys(inv))
	var groups [][]string // host names, one slice per private network
	for _, n := range names {
		i := slices.IndexFunc(groups, func(g []string) bool { return SameVPC(inv[g[0]], inv[n]) })
		if i < 0 {
			groups = append(groups, []string{n})
		} else {
			groups[i] = append(groups[i], n)
		}
	}
	if len(groups) < 2 {
		return ""
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = fmt.Sprintf("%s (%s)", strings.Join(g, ", "), vpcOf(inv[g[0]]))
	}
	return fmt.Sprintf("warning: these hosts cannot reach each other on their private addresses: %s; "+
		"a link between them with host= is refused and the swarm cannot join them: %s",
		strings.Join(parts, " and "), vpcHint)
}
