#!/bin/bash
# Two-stage start of a dockerops container, then the command (supervisord by
# default, bash for interactive and safemode instances).
set -euo pipefail

# Sourced: the link addresses it exports are seen by every stage below.
. /entrypoint-links.sh
/entrypoint-common.sh

case "${SAFEMODE:-False}" in
True | true | yes | 1)
	echo "entrypoint: SAFEMODE=${SAFEMODE}, skipping /entrypoint-local.sh" >&2
	;;
*)
	# Child images may replace the script without keeping the execute bit.
	status=0
	if [ -x /entrypoint-local.sh ]; then
		/entrypoint-local.sh || status=$?
	else
		bash /entrypoint-local.sh || status=$?
	fi
	if [ "$status" -ne 0 ]; then
		echo "entrypoint: /entrypoint-local.sh failed with exit code $status; run a safemode instance to debug it" >&2
		exit "$status"
	fi
	;;
esac

exec "$@"
