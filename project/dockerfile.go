package project

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// dockerfile is what dockerops reads from a Dockerfile: the ports to publish
// and the images it is built FROM.
type dockerfile struct {
	exposed  []Port
	from     []string
	fromLine []int
	errs     []lineError
}

type lineError struct {
	line int
	msg  string
}

// logicalLine is one instruction with continuation lines joined, or one
// comment line.
type logicalLine struct {
	line    int // first physical line
	text    string
	comment bool
}

var (
	udpExposeRE = regexp.MustCompile(`^#\s*UDP_EXPOSE\b\s*(.*)$`)
	exposeAsRE  = regexp.MustCompile(`^#\s*EXPOSE_AS\b\s*(.*)$`)
)

// parseDockerfile reads EXPOSE and FROM instructions and "#UDP_EXPOSE n"
// and "#EXPOSE_AS internal,external" comment lines. Variables in them are expanded from ARG defaults and ENV
// values earlier in the file, with PROJECT set to the project name (dockerops
// passes it as a build argument).
func parseDockerfile(data []byte, project string) dockerfile {
	var df dockerfile
	vars := map[string]string{"PROJECT": project}
	buildArgs := map[string]bool{"PROJECT": true}
	stages := map[string]bool{}
	seen := map[Port]bool{}
	for _, ll := range logicalLines(string(data)) {
		if ll.comment {
			if m := udpExposeRE.FindStringSubmatch(ll.text); m != nil {
				df.expose(ll.line, m[1], "udp", vars, seen)
			}
			if m := exposeAsRE.FindStringSubmatch(ll.text); m != nil {
				df.exposeAs(ll.line, m[1], seen)
			}
			continue
		}
		instr, args := splitInstr(ll.text)
		switch strings.ToUpper(instr) {
		case "EXPOSE":
			df.expose(ll.line, args, "tcp", vars, seen)
		case "FROM":
			df.fromInstr(ll.line, args, vars, stages)
		case "ARG":
			for _, a := range splitWords(args) {
				name, def, hasDef := strings.Cut(a, "=")
				if hasDef && !buildArgs[name] {
					vars[name] = unquote(def)
				}
			}
		case "ENV":
			for k, v := range envPairs(args) {
				vars[k] = v
			}
		}
	}
	return df
}

func (df *dockerfile) fromInstr(line int, args string, vars map[string]string, stages map[string]bool) {
	words := splitWords(args)
	var image string
	i := 0
	for ; i < len(words); i++ {
		if !strings.HasPrefix(words[i], "--") {
			image = words[i]
			break
		}
	}
	if image == "" {
		df.errs = append(df.errs, lineError{line, "FROM names no image"})
		return
	}
	ref, _ := expandVars(image, vars)
	if !stages[strings.ToLower(ref)] { // an earlier build stage is not an image
		df.from = append(df.from, ref)
		df.fromLine = append(df.fromLine, line)
	}
	if i+2 < len(words) && strings.EqualFold(words[i+1], "AS") {
		stages[strings.ToLower(words[i+2])] = true
	}
}

// splitInstr splits an instruction into its keyword and arguments.
func splitInstr(text string) (instr, args string) {
	i := strings.IndexAny(text, " \t")
	if i < 0 {
		return text, ""
	}
	return text[:i], strings.TrimSpace(text[i:])
}

// expose adds the ports of one EXPOSE (or UDP_EXPOSE) argument list:
// "80", "443/tcp", "53/udp", "7000-7010".
func (df *dockerfile) expose(line int, args, defProto string, vars map[string]string, seen map[Port]bool) {
	for _, w := range splitWords(args) {
		text, ok := expandVars(w, vars)
		if !ok {
			df.errs = append(df.errs, lineError{line, fmt.Sprintf("EXPOSE %s: the variable has no value in the Dockerfile (dockerops publishes only ports it can read)", w)})
			continue
		}
		for _, item := range strings.Fields(text) {
			ports, err := parsePortSpec(item, defProto)
			if err != nil {
				df.errs = append(df.errs, lineError{line, err.Error()})
				continue
			}
			for _, p := range ports {
				if !seen[p] {
					seen[p] = true
					df.exposed = append(df.exposed, p)
				}
			}
		}
	}
}

// exposeAs adds the port of one "#EXPOSE_AS internal,external" line
// (DockerOps 858d0d3): the container's port internal published on the
// host's port external, beside any plain EXPOSE of the same port. Spaces do
// not count; internal may say /udp.
func (df *dockerfile) exposeAs(line int, args string, seen map[Port]bool) {
	text := strings.Join(strings.Fields(args), "")
	internal, external, ok := strings.Cut(text, ",")
	spec, proto, hasProto := strings.Cut(internal, "/")
	if !hasProto {
		proto = "tcp"
	}
	in, err1 := strconv.Atoi(spec)
	ex, err2 := strconv.Atoi(external)
	if !ok || err1 != nil || err2 != nil || in < 1 || in > 65535 || ex < 1 || ex > 65535 || (proto != "tcp" && proto != "udp") {
		df.errs = append(df.errs, lineError{line, fmt.Sprintf("#EXPOSE_AS %s: want \"#EXPOSE_AS internal,external\", two ports (1-65535), e.g. #EXPOSE_AS 80,8080", args)})
		return
	}
	if p := (Port{Container: in, Host: ex, Protocol: proto}); !seen[p] {
		seen[p] = true
		df.exposed = append(df.exposed, p)
	}
}

func parsePortSpec(item, defProto string) ([]Port, error) {
	spec, proto, hasProto := strings.Cut(item, "/")
	if !hasProto {
		proto = defProto
	}
	proto = strings.ToLower(proto)
	if proto != "tcp" && proto != "udp" {
		return nil, fmt.Errorf("EXPOSE %s: protocol %q is not tcp or udp", item, proto)
	}
	lo, hi, isRange := strings.Cut(spec, "-")
	from, err1 := strconv.Atoi(lo)
	to := from
	var err2 error
	if isRange {
		to, err2 = strconv.Atoi(hi)
	}
	if err1 != nil || err2 != nil || from < 1 || to > 65535 || from > to {
		return nil, fmt.Errorf("EXPOSE %s: not a port (1-65535) or port range", item)
	}
	out := make([]Port, 0, to-from+1)
	for p := from; p <= to; p++ {
		out = append(out, Port{Container: p, Host: p, Protocol: proto})
	}
	return out, nil
}
