package digitalocean

import (
	"fmt"
	"regexp"
	"strings"
)

// Tags every droplet dockerops makes carries: the account alone then says
// which droplets belong to which project and host.
const (
	TagDockerops     = "dockerops"
	projectTagPrefix = "dockerops-project-"
	hostTagPrefix    = "dockerops-host:"
)

var projectRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ProjectTag is the tag on every droplet of project.
func ProjectTag(project string) string { return projectTagPrefix + project }

func hostTag(host string) string { return hostTagPrefix + host }

// DropletName is the droplet of a host: "<project>-<host>", underscores
// turned to dashes since droplet names are host names.
func DropletName(project, host string) string {
	return strings.ReplaceAll(project, "_", "-") + "-" + dropletHostPart(host)
}

func dropletHostPart(host string) string { return strings.ReplaceAll(host, "_", "-") }

func checkProject(project string) error {
	if !projectRE.MatchString(project) {
		return fmt.Errorf("project name %q: want lower-case letters, digits, '-' and '_'", project)
	}
	return nil
}
