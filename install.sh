#!/usr/bin/env bash
# install.sh: install dockerops and run its demo project on this machine.
#
#   ./install.sh           install the dockerops binary, make sure a Docker engine
#                          and the base OS image are there, then build and run the
#                          demo (this repository's apps_containers/)
#   ./install.sh --engine  only make sure the Docker engine runs and the base OS
#                          image exists (the test entry point uses this)
#
# Run it as root or as a user with sudo. It is idempotent: a second run changes
# nothing that is already in place. Environment: BASE_IMAGE (default
# debian:bookworm-slim), the image dockerops-base is built FROM;
# DOCKEROPS_BIN_DIR (default /usr/local/bin), where the binary goes.
set -euo pipefail

say() { echo "install.sh: $*" >&2; }
die() {
	say "error: $*"
	exit 1
}

usage() {
	sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
}

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASE_IMAGE=${BASE_IMAGE:-debian:bookworm-slim}
BIN_DIR=${DOCKEROPS_BIN_DIR:-/usr/local/bin}
DEFAULT_MIRROR=http://deb.debian.org/debian

# priv runs a command as root: directly when we are root, else through sudo.
priv() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		command -v sudo >/dev/null || die "not root and no sudo: run this script as root"
		sudo "$@"
	fi
}

# DOCKER is how this script reaches the engine: the plain docker CLI, or sudo
# docker when the engine runs but the current user may not use its socket.
DOCKER=(docker)

engine_answers() { "${DOCKER[@]}" info >/dev/null 2>&1; }

wait_for_engine() {
	local i
	for i in $(seq 120); do
		if priv docker info >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	die "the Docker engine did not answer within 60 s; its log: $1"
}

ensure_engine() {
	if command -v docker >/dev/null && engine_answers; then
		say "Docker engine answers (server $("${DOCKER[@]}" version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
		return 0
	fi
	if [ -n "${DOCKER_HOST:-}" ]; then
		die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine, or unset DOCKER_HOST to use a local one"
	fi
	if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
		say "no Docker engine installed: installing Debian's docker.io (apt-get)"
		priv apt-get update -qq
		priv env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
	fi
	if ! priv docker info >/dev/null 2>&1; then
		if [ -d /run/systemd/system ]; then
			say "starting the Docker engine: systemctl start docker"
			priv systemctl start docker
			wait_for_engine "journalctl -u docker"
		else
			say "starting the Docker engine: dockerd in the background, log in /var/log/dockerd.log"
			priv sh -c 'setsid dockerd >/var/log/dockerd.log 2>&1 </dev/null &'
			wait_for_engine /var/log/dockerd.log
		fi
	fi
	if ! engine_answers; then
		say "$(id -un) may not use the Docker socket: using sudo for docker (add yourself to the docker group to avoid it)"
		DOCKER=(sudo docker)
	fi
	say "Docker engine answers (server $("${DOCKER[@]}" version --format '{{.Server.Version}}'))"
}

# debian_mirror prints the Debian archive apt uses on this machine for
# bookworm, from one-line and deb822 sources, or Debian's default mirror.
debian_mirror() {
	local files=() f mirror
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] && files+=("$f")
	done
	mirror=""
	if [ ${#files[@]} -gt 0 ]; then
		mirror=$(awk '
			function stanza_end() {
				if (found == "" && uris != "" && suites ~ /(^| )bookworm( |$)/) found = uris
				uris = ""; suites = ""
			}
			FNR == 1 { stanza_end() }
			/^[ \t]*#/ { next }
			/^[ \t]*deb[ \t]/ {
				sub(/\[[^]]*\]/, "") # options; fields are split again: deb URI suite ...
				if (found == "" && $3 == "bookworm") found = $2
				next
			}
			/^URIs:/ { uris = $2 }
			/^Suites:/ { suites = ""; for (i = 2; i <= NF; i++) suites = suites " " $i; suites = suites " " }
			/^[ \t]*$/ { stanza_end() }
			END { stanza_end(); print found }
		' "${files[@]}")
	fi
	echo "${mirror:-$DEFAULT_MIRROR}"
}

# bootstrap_base_image builds a Debian bookworm image from Debian's packages
# (debootstrap) and imports it as BASE_IMAGE: no registry needed.
bootstrap_base_image() {
	case "$BASE_IMAGE" in
	*bookworm* | debian:12*) ;;
	*) die "cannot pull $BASE_IMAGE, and only Debian bookworm images (a name with \"bookworm\") can be made offline" ;;
	esac
	local mirror rootfs log
	mirror=$(debian_mirror)
	if ! command -v debootstrap >/dev/null; then
		say "installing debootstrap (apt-get)"
		priv apt-get update -qq
		priv env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
	fi
	rootfs=$(priv mktemp -d /var/tmp/dockerops-rootfs.XXXXXX)
	log=$(mktemp /tmp/dockerops-debootstrap.XXXXXX.log)
	# shellcheck disable=SC2064 # expand now: the paths are fixed
	trap "priv rm -rf '$rootfs'" EXIT
	say "debootstrap --variant=minbase bookworm from $mirror (about 30 s, log in $log)"
	if ! priv debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "debootstrap failed; full log in $log"
	fi
	priv rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
	say "importing the root file system as $BASE_IMAGE (docker import)"
	priv tar -C "$rootfs" -c . | "${DOCKER[@]}" import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
	priv rm -rf "$rootfs"
	trap - EXIT
	rm -f "$log"
	say "made $BASE_IMAGE offline from Debian's packages (debootstrap + docker import), as no registry answered"
}

ensure_base_image() {
	if "${DOCKER[@]}" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
		say "base OS image $BASE_IMAGE is present"
		return 0
	fi
	say "pulling the base OS image $BASE_IMAGE"
	if timeout 60 "${DOCKER[@]}" pull -q "$BASE_IMAGE" >/dev/null 2>&1; then
		say "pulled $BASE_IMAGE"
		return 0
	fi
	say "cannot pull $BASE_IMAGE (no registry reachable?): making it offline with debootstrap"
	bootstrap_base_image
}

install_binary() {
	if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
		PATH=$PATH:/usr/local/go/bin
	fi
	command -v go >/dev/null || die "Go is needed to build dockerops (see go.mod for the version): https://go.dev/dl/"
	local tmp
	tmp=$(mktemp -d)
	say "building dockerops ($(go version | awk '{print $3}'))"
	# dockerops-graph renders `dockerops graph` as SVG or PNG; it lives next
	# to dockerops, where dockerops looks for it.
	local cmd
	for cmd in dockerops dockerops-graph; do
		(cd "$REPO_DIR" && go build -o "$tmp/$cmd" "./cmd/$cmd") || {
			rm -rf "$tmp"
			die "go build ./cmd/$cmd failed"
		}
		priv install -D -m 0755 "$tmp/$cmd" "$BIN_DIR/$cmd"
		say "installed $BIN_DIR/$cmd"
	done
	rm -rf "$tmp"
}

run_demo() {
	local dockerops=("$BIN_DIR/dockerops")
	if [ "${DOCKER[0]}" = sudo ]; then
		dockerops=(sudo "$BIN_DIR/dockerops")
	fi
	cd "$REPO_DIR"
	say "building the demo: dockerops build:all (in $REPO_DIR)"
	"${dockerops[@]}" build:all
	say "running the demo: dockerops run:all"
	"${dockerops[@]}" run:all
	local s=""
	[ "${DOCKER[0]}" = sudo ] && s="sudo "
	[ "$(command -v dockerops || true)" = "$BIN_DIR/dockerops" ] || s="$s$BIN_DIR/"
	cat <<EOF

dockerops is installed and the demo runs. Next, from $REPO_DIR:
  ${s}dockerops ps            the demo's instances, their IPs and ports
  curl localhost:8080     the web master instance, published on the host
  ${s}dockerops ssh:demo      a shell in the demo container, then inside it:
    ssh \$BASE_CONTAINER_IP   hop to the linked base container (your key is forwarded)
    exit                     back to demo, and exit again to leave it
  ${s}dockerops clean:all     stop and remove the demo (persistent data stays in data_*/)
EOF
}

main() {
	case "${1:-}" in
	"")
		install_binary
		ensure_engine
		ensure_base_image
		run_demo
		;;
	--engine)
		ensure_engine
		ensure_base_image
		;;
	-h | --help)
		usage
		;;
	*)
		say "unknown argument: $1"
		usage
		exit 2
		;;
	esac
}

main "$@"
