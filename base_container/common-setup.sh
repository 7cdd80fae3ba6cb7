#!/bin/bash
# First stage of every dockerops container start, run as root by
# /usr/lib/dockerops/start.sh, where no child image replaces it by accident:
# persistence, SSH host key and authorized keys, and /env.sh. Idempotent, so it
# runs unchanged on every restart of the same container. Nothing CPU-heavy here:
# it runs for every instance that starts.
set -euo pipefail

log() { echo "entrypoint-common: $*" >&2; }

is_true() {
	case "${1:-}" in
	True | true | yes | 1) return 0 ;;
	esac
	return 1
}

# persist moves path into /persistent/<name> on the first start and leaves a
# symlink behind. Content already in /persistent/<name> is kept, never
# overwritten: the image's copy is then dropped.
persist() {
	local path=$1 dest=/persistent/$2
	if [ -L "$path" ]; then
		return 0 # a restart: already linked
	fi
	if mountpoint -q "$path"; then
		log "$path is a mount point, not moving it to $dest"
		return 0
	fi
	if [ -e "$dest" ] && [ ! -d "$dest" ]; then
		log "$dest exists and is not a directory"
		return 1
	fi
	if [ -d "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
		log "$path: using the existing $dest"
	else
		log "$path: first start, moving it to $dest"
		[ -d "$dest" ] && rmdir "$dest"
		rm -rf "$dest.dockerops-tmp"
		cp -a "$path" "$dest.dockerops-tmp"
		mv "$dest.dockerops-tmp" "$dest"
	fi
	rm -rf "$path"
	ln -s "$dest" "$path"
}

if is_true "${PERSISTENT_DATA:-}" || is_true "${PERSISTENT_LOG:-}" || is_true "${PERSISTENT_OPT:-}"; then
	if ! mountpoint -q /persistent; then
		log "warning: persistence asked for but nothing is mounted at /persistent"
	fi
	mkdir -p /persistent
	if is_true "${PERSISTENT_DATA:-}"; then persist /data data; fi
	if is_true "${PERSISTENT_LOG:-}"; then persist /var/log log; fi
	if is_true "${PERSISTENT_OPT:-}"; then persist /opt opt; fi
fi

# Folders a persistent dir made by an older image may lack.
mkdir -p /var/log/supervisor /run/sshd
install -d -o dockerops -g dockerops /var/log/dockerops

# One ed25519 host key per container; ssh-keygen -A would also make RSA keys,
# which cost seconds of CPU per container.
if [ ! -s /etc/ssh/ssh_host_ed25519_key ]; then
	rm -f /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub
	ssh-keygen -q -t ed25519 -N '' -C "$(hostname)" -f /etc/ssh/ssh_host_ed25519_key
fi

# Public keys given at run time; no private key ever enters the container.
if [ -n "${DOCKEROPS_AUTHORIZED_KEYS:-}" ]; then
	install -d -o dockerops -g dockerops -m 0700 /home/dockerops/.ssh
	printf '%s\n' "$DOCKEROPS_AUTHORIZED_KEYS" >/home/dockerops/.ssh/authorized_keys.tmp
	chown dockerops:dockerops /home/dockerops/.ssh/authorized_keys.tmp
	chmod 0600 /home/dockerops/.ssh/authorized_keys.tmp
	mv /home/dockerops/.ssh/authorized_keys.tmp /home/dockerops/.ssh/authorized_keys
fi

# /env.sh: the container environment as shell code, sourced by
# /etc/bash.bashrc and /etc/profile.d/dockerops-env.sh, so ssh sessions,
# interactive or running one command, see what `docker exec env` shows.
write_env() {
	local name value
	echo "# Written by /usr/lib/dockerops/common-setup.sh at container start."
	echo "export DOCKEROPS_ENV=1"
	while IFS= read -r name; do
		case "$name" in
		HOME | PWD | OLDPWD | SHLVL | _ | HOSTNAME | TERM | USER | LOGNAME | SHELL | MAIL | SSH_* | DOCKEROPS_ENV | DOCKEROPS_AUTHORIZED_KEYS | DOCKEROPS_STARTED) continue ;;
		esac
		value=${!name}
		printf "export %s='%s'\n" "$name" "${value//\'/\'\\\'\'}"
	done < <(compgen -e | sort)
}
write_env >/env.sh.tmp
chown root:dockerops /env.sh.tmp
chmod 0640 /env.sh.tmp
mv /env.sh.tmp /env.sh
