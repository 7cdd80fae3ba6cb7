#!/bin/bash
# A tiny service: one line every 30 s on stdout (`dockerops logs:demo`).
# It exits at once on SIGTERM, so stopping the container stays fast.
trap 'exit 0' TERM INT
while true; do
	echo "$(date -u +%FT%TZ) demo heartbeat; BASE_CONTAINER_IP=${BASE_CONTAINER_IP:-unset}"
	sleep 30 &
	wait $!
done
