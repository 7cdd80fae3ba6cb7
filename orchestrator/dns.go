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
