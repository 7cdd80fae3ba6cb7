#!/bin/bash
# Sourced by /usr/lib/dockerops/start.sh before common-setup.sh, so what it exports
# reaches /env.sh (ssh sessions), the start-up scripts and supervisord's
# programs. In Swarm mode a link's target has no address when the service is
# created: DOCKEROPS_LINKS="NAME=alias,NAME2=alias2" names the targets' DNS
# names on the overlay instead, and each empty <NAME>_CONTAINER_IP is filled
# here from the alias. Locally dockerops sets <NAME>_CONTAINER_IP itself and
# nothing here runs. A target may start moments after this container, so the
# lookups are retried for DOCKEROPS_LINKS_TIMEOUT seconds (default 30) in all;
# a name still unknown then is a warning, never a container that does not start.

# link_address prints the IPv4 address alias resolves to, or fails.
link_address() {
	local addr
	addr=$(getent ahostsv4 "$1" 2>/dev/null | awk 'NR == 1 { print $1 }')
	if [ -z "$addr" ]; then
		addr=$(getent hosts "$1" 2>/dev/null | awk 'NR == 1 { print $1 }')
	fi
	[ -n "$addr" ] && printf '%s\n' "$addr"
}

resolve_links() {
	local timeout=${DOCKEROPS_LINKS_TIMEOUT:-30} entry name alias var addr deadline
	local -a pending=() left entries
	case "$timeout" in
	'' | *[!0-9]*)
		echo "entrypoint: warning: DOCKEROPS_LINKS_TIMEOUT=$timeout is not a number of seconds, using 30" >&2
		timeout=30
		;;
	esac
	IFS=',' read -r -a entries <<<"$DOCKEROPS_LINKS"
	for entry in "${entries[@]}"; do
		entry=${entry//[[:space:]]/}
		[ -z "$entry" ] && continue
		name=${entry%%=*}
		alias=${entry#*=}
		if [ "$name" = "$entry" ] || [ -z "$alias" ] || [[ ! "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
			echo "entrypoint: warning: DOCKEROPS_LINKS entry \"$entry\" is not NAME=alias; ignored" >&2
			continue
		fi
		var=${name^^}_CONTAINER_IP
		if [ -n "${!var:-}" ]; then
			continue # given by dockerops, the environment or host.conf
		fi
		pending+=("$var=$alias")
	done
	deadline=$((SECONDS + timeout))
	while [ ${#pending[@]} -gt 0 ]; do
		left=()
		for entry in "${pending[@]}"; do
			var=${entry%%=*}
			alias=${entry#*=}
			if addr=$(link_address "$alias"); then
				export "$var=$addr"
				echo "entrypoint: link $alias: $var=$addr" >&2
			else
				left+=("$entry")
			fi
		done
		pending=("${left[@]}")
		if [ ${#pending[@]} -eq 0 ] || [ "$SECONDS" -ge "$deadline" ]; then
			break
		fi
		sleep 0.5
	done
	for entry in "${pending[@]}"; do
		echo "entrypoint: warning: link ${entry#*=}: no address for it within ${timeout} s; ${entry%%=*} stays empty (is the target running on the overlay network?)" >&2
	done
}

if [ -n "${DOCKEROPS_LINKS:-}" ]; then
	resolve_links
fi
