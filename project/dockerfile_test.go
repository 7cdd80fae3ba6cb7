package project

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestDockerfilePorts(t *testing.T) {
	tcp := func(ps ...int) []Port {
		var out []Port
		for _, p := range ps {
			out = append(out, Port{p, p, "tcp"})
		}
		return out
	}
	for _, tc := range []struct {
		name, dockerfile string
		want             []Port
		wantErrs         []string
	}{
		{"one", "EXPOSE 80", tcp(80), nil},
		{"several forms", "EXPOSE 80 443/tcp 53/udp\n", []Port{{80, 80, "tcp"}, {443, 443, "tcp"}, {53, 53, "udp"}}, nil},
		{"lower case, tabs, upper proto", "expose\t8080/TCP", tcp(8080), nil},
		{"several lines, duplicates dropped", "EXPOSE 80\nEXPOSE 81 80\n", tcp(80, 81), nil},
		{"range", "EXPOSE 7000-7002", tcp(7000, 7001, 7002), nil},
		{"UDP_EXPOSE comment", "#UDP_EXPOSE 53\n# UDP_EXPOSE 5353 5354\n", []Port{{53, 53, "udp"}, {5353, 5353, "udp"}, {5354, 5354, "udp"}}, nil},
		{"other comments ignored", "# EXPOSE 1\n#UDP_EXPOSED 2\n", nil, nil},
		{"EXPOSE_AS adds to a plain EXPOSE", "EXPOSE 80\n#EXPOSE_AS 80, 8080\n# EXPOSE_AS 53/udp,5353\n", []Port{{80, 80, "tcp"}, {80, 8080, "tcp"}, {53, 5353, "udp"}}, nil},
		{"EXPOSE_AS malformed", "#EXPOSE_AS 80\n#EXPOSE_AS 80,x\n", nil, []string{`1: #EXPOSE_AS 80: want "#EXPOSE_AS internal,external"`, `2: #EXPOSE_AS 80,x: want`}},
		{"continuation", "EXPOSE 80 \\\n  81 \\\n# comment\n\n  82", tcp(80, 81, 82), nil},
		{"escape directive", "# escape=`\nFROM x\nEXPOSE 80 `\n 81", tcp(80, 81), nil},
		{"ENV and ARG", "ARG A=1000\nENV B=2000 C=\"3000\"\nENV D 4000\nEXPOSE $A ${B} ${C}/udp $D", []Port{{1000, 1000, "tcp"}, {2000, 2000, "tcp"}, {3000, 3000, "udp"}, {4000, 4000, "tcp"}}, nil},
		{"defaults", "EXPOSE ${P:-9000} ${Q:+1}9", tcp(9000, 9), nil},
		{"heredoc skipped", "RUN <<EOF\nEXPOSE 1\nEOF\nRUN <<-'X' cat\n\tEXPOSE 2\n\tX\nEXPOSE 3", tcp(3), nil},
		{"CRLF", "EXPOSE 80\r\nEXPOSE 81\r\n", tcp(80, 81), nil},
		{"not a number", "EXPOSE http", nil, []string{"1: EXPOSE http: not a port (1-65535) or port range"}},
		{"out of range", "\nEXPOSE 0 65536", nil, []string{"2: EXPOSE 0: not a port", "2: EXPOSE 65536: not a port"}},
		{"reversed range", "EXPOSE 9-8", nil, []string{"1: EXPOSE 9-8: not a port (1-65535) or port range"}},
		{"sctp", "EXPOSE 9/sctp", nil, []string{`1: EXPOSE 9/sctp: protocol "sctp" is not tcp or udp`}},
		{"unset variable", "EXPOSE $PORT", nil, []string{"1: EXPOSE $PORT: the variable has no value"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			df := parseDockerfile([]byte(tc.dockerfile), "demo")
			if !reflect.DeepEqual(df.exposed, tc.want) {
				t.Errorf("ports = %v, want %v", df.exposed, tc.want)
			}
			var errs []string
			for _, e := range df.errs {
				errs = append(errs, strings.TrimSpace(strings.Join([]string{itoa(e.line), e.msg}, ": ")))
			}
			if len(errs) != len(tc.wantErrs) {
				t.Fatalf("errors = %q, want %q", errs, tc.wantErrs)
			}
			for i := range errs {
				if !strings.HasPrefix(errs[i], tc.wantErrs[i]) {
					t.Errorf("error %q, want %q", errs[i], tc.wantErrs[i])
				}
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestDockerfileFrom(t *testing.T) {
	for _, tc := range []struct {
		name, dockerfile string
		want             []string
		wantLines        []int
	}{
		{"plain", "FROM debian:bookworm", []string{"debian:bookworm"}, []int{1}},
		{"PROJECT build argument", "ARG PROJECT=dockerops\nFROM ${PROJECT}/dockerops-base", []string{"demo/dockerops-base"}, []int{2}},
		{"$PROJECT", "FROM $PROJECT/web", []string{"demo/web"}, []int{1}},
		{"ARG default", "ARG BASE_IMAGE=debian:bookworm-slim\nFROM ${BASE_IMAGE}", []string{"debian:bookworm-slim"}, []int{2}},
		{"platform flag and stages", "FROM --platform=$BUILDPLATFORM golang AS build\nFROM build\nfrom demo/web as final",
			[]string{"golang", "demo/web"}, []int{1, 3}},
		{"unset variable kept", "FROM $NOPE/x", []string{"/x"}, []int{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			df := parseDockerfile([]byte(tc.dockerfile), "demo")
			if !reflect.DeepEqual(df.from, tc.want) || !reflect.DeepEqual(df.fromLine, tc.wantLines) {
				t.Errorf("from = %q at %v, want %q at %v", df.from, df.fromLine, tc.want, tc.wantLines)
			}
		})
	}
	if df := parseDockerfile([]byte("FROM"), "demo"); len(df.errs) != 1 {
		t.Errorf("FROM without image: errors %v", df.errs)
	}
}
