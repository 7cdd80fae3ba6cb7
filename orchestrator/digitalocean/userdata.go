package digitalocean

// dockerUserData is the cloud-init user data of a droplet made from a
// distribution image: it installs Debian's Docker engine with AppArmor
// (a Recommends of docker.io that --no-install-recommends would leave out,
// without which containers of Debian's engine do not start) and starts it, so
// dockerops can drive the droplet's engine over SSH. Snapshots made from such
// a droplet already have Docker and get no user data.
const dockerUserData = `#!/bin/sh
# Written by dockerops: install the Docker engine on a fresh Debian droplet.
set -eu
export DEBIAN_FRONTEND=noninteractive
# At first boot apt's daily timers may hold the dpkg lock: wait for it.
apt_get() { apt-get -q -y -o DPkg::Lock::Timeout=300 "$@"; }
for try in 1 2 3 4 5; do apt_get update && break; sleep 10; done
apt_get install --no-install-recommends docker.io apparmor
systemctl enable --now docker
`

// UserData is the cloud-init user data a droplet is created with: the Docker
// install script for a distribution image, nothing for a snapshot.
func UserData(fromSnapshot bool) string {
	if fromSnapshot {
		return ""
	}
	return dockerUserData
}
