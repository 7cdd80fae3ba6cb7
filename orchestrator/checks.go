package orchestrator

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// checkPorts refuses two instances that would publish the same host port on
// one target and one address (every address, unless PUBLISH_ON_IP or
// SERVICE_IP names one): two of this run, or one of this run and a running
// container of the project that stays.
func checkPorts(run []project.Instance, observed []Observed, opts PlanOptions, where string) error {
	type holder struct{ name, ip string }
	owners := map[string][]holder{} // "8080/tcp" -> who binds it, on which address ("" = every one)
	inRun := map[string]bool{}
	for _, in := range run {
		inRun[in.Name] = true
	}
	var errs []error
	claim := func(name string, host int, protocol, ip string) {
		if host == 0 {
			return // the engine picks a free port
		}
		if protocol == "" {
			protocol = "tcp"
		}
		key := fmt.Sprintf("%d/%s", host, protocol)
		for _, other := range owners[key] {
			if other.name != name && (other.ip == "" || ip == "" || other.ip == ip) {
				errs = append(errs, fmt.Errorf("%s and %s both publish host port %s on %s; give one of them publish_ports=False or run them on different hosts", other.name, name, key, where))
				return
			}
		}
		owners[key] = append(owners[key], holder{name, ip})
	}
	for _, in := range run {
		_, ip := publishIP(in.Env)
		for _, p := range in.Ports {
			claim(in.Name, p.Host, p.Protocol, ip)
		}
	}
	for _, ob := range observed {
		if inRun[ob.Name] || ob.State != "running" || (opts.RemoveOrphans && !opts.Known[ob.Name]) {
			continue
		}
		for _, p := range ob.Ports {
			claim(ob.Name, p.Host, p.Protocol, p.HostIP)
		}
	}
	return errors.Join(errs...)
}

// volumeSyncs plans, for a remote target, one copy of each project-relative
// volume folder under the target's data root. A volume that cannot be
// copied is refused by name: an empty mount on the host is never silent.
func (t Target) volumeSyncs(run []project.Instance) ([]Step, map[string]string, error) {
	if t.fs().Local() {
		return nil, nil, nil
	}
	var steps []Step
	names := map[string]string{} // relative path -> sync step name
	var errs []error
	for _, in := range run {
		for _, v := range in.Volumes {
			if v.Relative == "" || names[v.Relative] != "" {
				continue
			}
			spec := v.Relative + ":" + v.Target
			switch info, err := os.Stat(v.Source); {
			case v.Relative == "." || v.Relative == ".." || strings.HasPrefix(v.Relative, "../"):
				errs = append(errs, fmt.Errorf("%s: volume %s is not a folder inside the project, so it cannot be copied to %s; use a sub-folder of the project, or an absolute path on the host", in.Name, spec, t.Describe()))
				continue
			case err != nil:
				errs = append(errs, fmt.Errorf("%s: volume %s: %s does not exist here, so there is nothing to copy to %s", in.Name, spec, v.Source, t.Describe()))
				continue
			case !info.IsDir():
				errs = append(errs, fmt.Errorf("%s: volume %s: %s is a file; only folders are copied to %s", in.Name, spec, v.Source, t.Describe()))
				continue
			}
			name := "volume:" + v.Relative
			names[v.Relative] = name
			steps = append(steps, Step{Action: Sync, Name: name, Reason: "to " + t.VolumeSource(v),
				image: in.Image, src: v.Source, dst: t.VolumeSource(v)})
		}
	}
	slices.SortFunc(steps, func(a, b Step) int { return strings.Compare(a.Name, b.Name) })
	return steps, names, errors.Join(errs...)
}

// copiesVolumes says whether an instance has a project-relative volume, which
// a remote machine binds from its own copy.
func copiesVolumes(in project.Instance) bool {
	return slices.ContainsFunc(in.Volumes, func(v project.Volume) bool { return v.Relative != "" })
}
