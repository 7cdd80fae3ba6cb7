package digitalocean

import (
	"fmt"
	"net"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultSSHFrom is who may reach a host's SSH port when hosts.conf does
// not say: everyone, over IPv4 and IPv6.
var DefaultSSHFrom = []string{"0.0.0.0/0", "::/0"}

// sshFrom reads "ssh_from": a non-empty list of addresses and CIDRs. An
// empty list would lock everyone out, dockerops included, so it is an
// error rather than a firewall without SSH.
func (c *hostsChecker) sshFrom(where string, n *yaml.Node) []string {
	list := c.list(where, n, checkSource)
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		c.addf(n.Line, "%s: an empty list would let no one reach SSH, dockerops included; leave the key out to let everyone (0.0.0.0/0, ::/0)", where)
	}
	return list
}

// checkSource canonicalises an address or CIDR a firewall may let in. A
// CIDR with host bits set is refused rather than silently widened.
func checkSource(s string) (string, error) {
	s = strings.TrimSpace(s)
	if ip := net.ParseIP(s); ip != nil {
		return ip.String(), nil
	}
	ip, ipnet, err := net.ParseCIDR(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an IP address or CIDR (like 198.51.100.7 or 198.51.100.0/24)", s)
	}
	if !ip.Equal(ipnet.IP) {
		return "", fmt.Errorf("%q has bits set past its /%s prefix: did you mean %s?", s, strings.SplitN(s, "/", 2)[1], ipnet)
	}
	return ipnet.String(), nil
}

// SSHSources is who may reach the host's SSH port: ssh_from, or everyone.
func (h Host) SSHSources() []string {
	if len(h.SSHFrom) == 0 {
		return DefaultSSHFrom
	}
	return h.SSHFrom
}
