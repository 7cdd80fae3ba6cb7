package basecontainer

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// record is a start-up script that appends its name to /startup.log, with
// "common" when the common set-up had already run (host key and /env.sh
// there) and "early" when supervisord had not started yet.
func record(name string) string {
	return `#!/bin/bash
state=
[ -s /etc/ssh/ssh_host_ed25519_key ] && grep -q "STARTUP_MARK='here'" /env.sh && state=common
[ -e /var/run/supervisord.pid ] || state="$state,early"
echo "` + name + ` $state" >>/startup.log
`
}

func script(body string, mtime time.Time) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(body), Mode: 0o644, ModTime: mtime}
}

// startupLog starts img, waits for supervisord and returns /startup.log.
func startupLog(t *testing.T, img string, env map[string]string) string {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	env["STARTUP_MARK"] = "here"
	c := startContainer(t, img, env)
	waitSupervisord(t, c)
	_, out := run(t, c, "sh", "-c", "cat /startup.log 2>/dev/null")
	return strings.TrimSpace(strings.ReplaceAll(out, "\r", ""))
}

// The scripts of /entrypoints/ (v0.2-v0.5.1) run oldest first, as the
// original's `ls -tr`, whatever their names; a parent's scripts, older,
// before the child's; after the common set-up and before supervisord. A
// failing script or one that exits early does not stop the others.
func TestIntegrationEntrypointsRunInTimeOrder(t *testing.T) {
	base := baseImage(t)
	t0 := time.Date(2016, 5, 27, 10, 0, 0, 0, time.UTC)
	parent := imageFrom(t, base, "entrypoints-parent", []string{"COPY zz-parent.sh /entrypoints/"},
		fstest.MapFS{"zz-parent.sh": script(record("zz-parent"), t0)})
	child := imageFrom(t, parent, "entrypoints-child", []string{"COPY aa-child.sh mm-child.sh fails.sh /entrypoints/"},
		fstest.MapFS{
			"mm-child.sh": script(record("mm-child")+"exit 0\n", t0.Add(time.Hour)),
			"fails.sh":    script(record("fails")+"exit 3\n", t0.Add(2*time.Hour)),
			"aa-child.sh": script(record("aa-child"), t0.Add(3*time.Hour)),
		})
	t.Parallel()
	got := startupLog(t, child, nil)
	want := "zz-parent common,early\nmm-child common,early\nfails common,early\naa-child common,early"
	if got != want {
		t.Errorf("/startup.log:\n%s\nwant (oldest first, each after the common set-up, before supervisord):\n%s", got, want)
	}
}

// /prestartup/ (v0.6 on) runs the same way, and SAFEMODE skips it.
func TestIntegrationPrestartupRuns(t *testing.T) {
	base := baseImage(t)
	t0 := time.Date(2016, 6, 16, 10, 0, 0, 0, time.UTC)
	img := imageFrom(t, base, "prestartup", []string{"COPY prestartup_b.sh prestartup_a.sh /prestartup/"},
		fstest.MapFS{
			"prestartup_b.sh": script(record("b"), t0),
			"prestartup_a.sh": script(record("a"), t0.Add(time.Minute)),
		})
	t.Parallel()
	if got, want := startupLog(t, img, nil), "b common,early\na common,early"; got != want {
		t.Errorf("/startup.log:\n%s\nwant:\n%s", got, want)
	}
	if got := startupLog(t, img, map[string]string{"SAFEMODE": "True"}); got != "" {
		t.Errorf("with SAFEMODE=True /startup.log holds %q, want nothing", got)
	}
}

// A child of the first releases replaces /entrypoint.sh: it still gets the
// common set-up first, then runs with the command, which it may ignore and
// start supervisord itself. Restating the first releases' ENTRYPOINT
// (/entrypoint-common.sh) changes nothing.
func TestIntegrationReplacedEntrypointGetsCommonSetup(t *testing.T) {
	baseImage(t)
	passes := record("child") + `exec "$@"` + "\n"
	ownSupervisord := record("child") + "exec /usr/bin/supervisord -n -c /etc/supervisor/supervisord.conf\n"
	tests := []struct {
		name  string
		lines []string
		file  string
	}{
		{"runs the command", []string{"COPY entrypoint.sh /entrypoint.sh"}, passes},
		{"starts supervisord itself", []string{"COPY entrypoint.sh /entrypoint.sh", `CMD ["/bin/false"]`}, ownSupervisord},
		{"first releases' ENTRYPOINT", []string{"COPY entrypoint.sh /entrypoint.sh", `ENTRYPOINT ["/entrypoint-common.sh"]`,
			`CMD ["/usr/bin/supervisord", "-n", "-c", "/etc/supervisor/supervisord.conf"]`}, passes},
	}
	for i, tt := range tests {
		img := childImage(t, "replaced-entrypoint-"+string(rune('a'+i)), tt.lines, map[string]string{"entrypoint.sh": tt.file})
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, want := startupLog(t, img, nil), "child common,early"; got != want {
				t.Errorf("/startup.log = %q, want %q (the child's /entrypoint.sh once, after the common set-up)", got, want)
			}
		})
	}
}
