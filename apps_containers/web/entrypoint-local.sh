#!/bin/bash
# web's start-up, run as root after entrypoint-common.sh has linked /data to
# the persistent data: the page is made only when missing, so edits to it
# survive new containers.
set -euo pipefail

if [ ! -e /data/www/index.html ]; then
	install -d -o dockerops -g dockerops /data/www
	cat >/data/www/index.html <<HTML
<!doctype html>
<title>dockerops demo</title>
<h1>${GREETING:-Hello}</h1>
<p>Served by ${CONTAINER:-web}-${INSTANCE:-?} with busybox httpd. DEMO_CONTAINER_IP=${DEMO_CONTAINER_IP:-unset}</p>
<p>Page made on $(date -u +%FT%TZ), kept in /data/www/index.html.</p>
HTML
	chown dockerops:dockerops /data/www/index.html
fi
