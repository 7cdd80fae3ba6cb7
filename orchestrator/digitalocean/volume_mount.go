package digitalocean

import (
	"fmt"
	"strings"
)

// mountScript makes an attached volume the host's data root, run as root
// over SSH with its arguments set by mountCommand: $1 the device, $2 the
// label, $3 the data root, $4 the data root as fstab writes it. It formats
// the volume only when blkid finds no file system on it, so data written
// before is never lost; one fstab line mounts it by label at every boot
// (nofail: a droplet whose volume is gone still boots; Docker, which runs
// the instances, then waits for it instead of writing beside it).
//
// Exit status: 0 done (its last line says what it did), 2 the device does
// not show up, 3 the volume holds a file system dockerops did not make,
// 4 the data root already holds files, which the mount would hide.
const mountScript = `set -eu
dev=$1 label=$2 dir=$3 fstabdir=$4
i=0
while [ ! -b "$dev" ]; do
	i=$((i + 1))
	if [ "$i" -gt 60 ]; then echo "$dev does not show up after 60 seconds" >&2; exit 2; fi
	sleep 1
done
fstype=$(blkid -o value -s TYPE "$dev" || true)
did=
if [ -z "$fstype" ]; then
	mkfs.ext4 -q -L "$label" "$dev"
	did="formatted (ext4, label $label), "
elif [ "$(blkid -o value -s LABEL "$dev" || true)" != "$label" ]; then
	echo "$dev holds a $fstype file system that dockerops did not make (its label is not $label): it is left alone" >&2
	exit 3
fi
line="LABEL=$label $fstabdir ext4 defaults,nofail,discard,x-systemd.before=docker.service,x-systemd.required-by=docker.service 0 2"
touch /etc/fstab
if ! grep -qxF "$line" /etc/fstab; then
	grep -v "^LABEL=$label[[:space:]]" /etc/fstab > /etc/fstab.dockerops || true
	printf '%s\n' "$line" >> /etc/fstab.dockerops
	mv /etc/fstab.dockerops /etc/fstab
fi
mkdir -p "$dir"
if mountpoint -q "$dir"; then
	echo "${did}already mounted at $dir"
	exit 0
fi
if [ -n "$(ls -A "$dir")" ]; then
	echo "$dir already holds files, which mounting the volume would hide: move them onto the volume (mount $dev elsewhere) and run provision again" >&2
	exit 4
fi
mount "$dir"
echo "${did}mounted at $dir"`

// mountCommand is mountScript with its arguments for a volume and a data
// root.
func mountCommand(volumeName, dataRoot string) string {
	args := []string{VolumeDevice(volumeName), volumeLabel(volumeName), dataRoot, fstabPath(dataRoot)}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return fmt.Sprintf("set -- %s\n%s", strings.Join(quoted, " "), mountScript)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// fstabPath escapes the characters that separate fstab's fields, as
// fstab(5) asks.
func fstabPath(p string) string {
	return strings.NewReplacer(`\`, `\134`, " ", `\040`, "\t", `\011`, "\n", `\012`).Replace(p)
}
