#!/bin/bash
# dockerops runs /usr/lib/dockerops/start.sh first, whatever this file holds.
# Child images of the first DockerOps releases replace this file with their
# own start-up; it then runs after the common set-up, with the command. Run
# by itself (an image that sets ENTRYPOINT ["/entrypoint.sh"]), it starts the
# container the dockerops way.
if [ -n "${DOCKEROPS_STARTED:-}" ]; then
	exec "$@"
fi
exec /usr/lib/dockerops/start.sh "$@"
