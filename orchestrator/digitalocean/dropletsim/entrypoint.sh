#!/bin/sh
# Entrypoint of a simulated droplet. /run is a tmpfs, so sshd's privilege
# separation directory is made here, not in the image.
set -eu
install -d -m 0755 /run/sshd
install -d -m 0700 /root/.ssh
printf '%s\n' "${AUTHORIZED_KEYS:-}" > /root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys
ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key

# What cloud-init leaves on a droplet whose user data ran: see cloud-init.
install -d /var/lib/cloud-sim
[ -f /var/lib/cloud-sim/status ] || echo done > /var/lib/cloud-sim/status
[ -f /var/log/cloud-init-output.log ] || printf '%s\n' \
	"Cloud-init v. 22.4.2 running 'modules:final' (dropletsim)" \
	"Setting up docker.io ..." \
	"Cloud-init v. 22.4.2 finished (dropletsim). Datasource DataSourceDigitalOcean." \
	> /var/log/cloud-init-output.log

/usr/local/sbin/dropletsim-dockerd &
exec /usr/sbin/sshd -D -e
