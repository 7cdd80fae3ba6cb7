package orchestrator

import (
	"github.com/dockerops/dockerops/project"
)

// joinsDNS says whether an instance took part in the original's DNS service
// (dockerops-dns): it links it, or declares the DNS address variable of
// v0.5+ or before. The original registered such an instance's hostname
// (<name>-<instance>, already a network alias of every instance) and, from
// v0.5, its name. dockerops maps that onto the engine's DNS on the project
// network, which needs no registration and follows restarts by itself: the
// name becomes a network alias, shared by the instances of a container as the
// original's record was.
func joinsDNS(in project.Instance) bool {
	for _, l := range in.Links {
		if l.TargetContainer == project.DNSName {
			return true
		}
	}
	for _, k := range []string{"DNS_CONTAINER_IP", "DNS_SERVICE_IP"} {
		if _, ok := in.Env[k]; ok {
			return true
		}
	}
	return false
}

// DNSZone is the zone of the original's DNS service: its records were
// <hostname>.local.zone and <name>.local.zone, and resolv.conf searched it.
const DNSZone = "local.zone"

// dnsAliases are the network aliases an instance that joins the DNS service
// gets besides its hostname: its container name, shared by the container's
// instances, and the same names in the zone (<container>-<instance>,
// <hostname> when the run conf set another, <container>), so a project that
// spells out a zone name still resolves it through the engine's DNS. An
// instance that does not join gets none, and its spec stays as it was.
func dnsAliases(in project.Instance) []string {
	if !joinsDNS(in) {
		return nil
	}
	out := []string{in.Container, in.Container + "-" + in.Instance + "." + DNSZone}
	if in.Hostname != "" && in.Hostname != in.Container+"-"+in.Instance {
		out = append(out, in.Hostname+"."+DNSZone)
	}
	return append(out, in.Container+"."+DNSZone)
}
