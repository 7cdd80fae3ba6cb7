#!/bin/bash
# The real start of every dockerops container (the image's ENTRYPOINT, under
# tini). It lives in /usr/lib/dockerops, where no child image of any DockerOps
# release puts files, so the common set-up always runs first:
#   1. links.sh and common-setup.sh: link addresses, persistence, SSH host key
#      and authorized keys, /env.sh;
#   2. unless SAFEMODE is true, the start-up scripts of every release:
#      /entrypoint-local.sh (v0.1), then /entrypoints/*.sh (v0.2-v0.5.1) and
#      /prestartup/*.sh (v0.6 on), each folder oldest file first (`ls -tr`);
#   3. /entrypoint.sh with the command, so a child image of the first releases
#      that replaced /entrypoint.sh still gets the command (supervisord by
#      default); the base's own /entrypoint.sh just runs the command.
set -euo pipefail

export DOCKEROPS_STARTED=1

# Sourced: the link addresses it exports are seen by every stage below.
. /usr/lib/dockerops/links.sh
/usr/lib/dockerops/common-setup.sh

# run_script runs one start-up script with bash, whatever its execute bit.
run_script() {
	if [ -x "$1" ]; then
		"$1"
	else
		bash "$1"
	fi
}

# run_folder runs every *.sh in a folder, oldest modification time first as
# the original's `ls -tr`, each in its own shell, its output also appended to
# log. A failing script is a warning: the original never stopped a start for
# one, and old scripts often end on a test that is false.
run_folder() {
	local dir=$1 log=$2 script status
	local -a scripts
	compgen -G "$dir/*.sh" >/dev/null || return 0
	mapfile -t scripts < <(ls -1tr -- "$dir"/*.sh)
	for script in "${scripts[@]}"; do
		[ -f "$script" ] || continue
		echo "entrypoint: running $script" >&2
		status=0
		run_script "$script" > >(tee -a "$log") 2> >(tee -a "$log" >&2) || status=$?
		if [ "$status" -ne 0 ]; then
			echo "entrypoint: warning: $script exited with code $status; going on with the start" >&2
		fi
	done
}

case "${SAFEMODE:-False}" in
True | true | yes | 1)
	echo "entrypoint: SAFEMODE=${SAFEMODE}, skipping the start-up scripts" >&2
	;;
*)
	status=0
	run_script /entrypoint-local.sh || status=$?
	if [ "$status" -ne 0 ]; then
		echo "entrypoint: /entrypoint-local.sh failed with exit code $status; run a safemode instance to debug it" >&2
		exit "$status"
	fi
	run_folder /entrypoints /var/log/allentrypoints.log
	run_folder /prestartup /var/log/prestartup.log
	;;
esac

if [ -f /entrypoint.sh ]; then
	if [ -x /entrypoint.sh ]; then
		exec /entrypoint.sh "$@"
	fi
	exec bash /entrypoint.sh "$@"
fi
exec "$@"
