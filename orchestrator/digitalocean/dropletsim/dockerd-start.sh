#!/bin/sh
# Starts the droplet's dockerd in the background unless it runs, and waits
# until it answers (30 s at most).
set -eu
if ! pidof dockerd >/dev/null; then
	# overlay2 needs overlayfs on the volume at /var/lib/docker; when the
	# kernel refuses it there (overlay on overlay), vfs always works, only
	# slower.
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
	rm -f /var/run/docker.pid
	setsid dockerd --storage-driver="$driver" >>/var/log/dockerd.log 2>&1 </dev/null &
fi
for i in $(seq 60); do
	docker info >/dev/null 2>&1 && exit 0
	sleep 0.5
done
echo "dropletsim: dockerd does not answer; see /var/log/dockerd.log" >&2
exit 1
