# dockerops: login shells see the container environment (see /env.sh).
if [ -z "${DOCKEROPS_ENV:-}" ] && [ -r /env.sh ]; then
	. /env.sh
fi
