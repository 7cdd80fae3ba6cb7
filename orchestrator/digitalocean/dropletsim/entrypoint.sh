#!/bin/sh
# Entrypoint of a simulated droplet. /run is a tmpfs, so sshd's privilege
# separation directory is made here, not in the image.
set -eu
install -d -m 0755 /run/sshd
install -d -m 0700 /root/.ssh
printf '%s\n' "${AUTHORIZED_KEYS:-}" > /root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys
ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key

# overlay2 needs overlayfs on the volume at /var/lib/docker; when the kernel
# refuses it there (overlay on overlay), vfs always works, only slower.
driver=overlay2
probe=/var/lib/docker/.overlay-probe
mkdir -p "$probe/lower" "$probe/upper" "$probe/work" "$probe/merged"
if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
	umount "$probe/merged"
else
	driver=vfs
fi
rm -rf "$probe"
echo "dropletsim: dockerd with storage driver $driver"
dockerd --storage-driver="$driver" >/var/log/dockerd.log 2>&1 &
exec /usr/sbin/sshd -D -e
