package basecontainer

import (
	"embed"
	"io/fs"
)

// files is the build context of dockerops-base (and, in dns/, of the
// built-in dockerops-dns). The Dockerfile sets the file
// modes itself, because an embedded file system keeps none.
//
//go:embed Dockerfile start.sh common-setup.sh links.sh entrypoint.sh entrypoint-local.sh
//go:embed supervisord.conf supervisor-sshd.conf sshd-dockerops.conf ssh-dockerops.conf
//go:embed profile-env.sh sudoers-dockerops dockerops-supervisord dns/Dockerfile
var files embed.FS

// FS returns the build context of the base image, with the Dockerfile at its
// root.
func FS() fs.FS {
	return files
}
