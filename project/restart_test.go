package project

import (
	"strings"
	"testing"
)

func TestParseRestart(t *testing.T) {
	for _, tc := range []struct {
		in      string
		policy  RestartPolicy
		retries int
		err     string
	}{
		{in: "no", policy: RestartNo},
		{in: "on-failure", policy: RestartOnFailure},
		{in: "on-failure:5", policy: RestartOnFailure, retries: 5},
		{in: "unless-stopped", policy: RestartUnlessStopped},
		{in: "always", policy: RestartAlways},
		{in: "", err: `invalid restart ""; valid: no, on-failure, on-failure:N, unless-stopped, always`},
		{in: "Always", err: `invalid restart "Always" (did you mean "always"?)`},
		{in: "on-failure:", err: "the retry count must be a whole number of 1 or more"},
		{in: "on-failure:-1", err: "the retry count must be a whole number of 1 or more"},
		{in: "on-failure:07", err: "the retry count must be a whole number of 1 or more"},
		{in: "unless-stopped:1", err: "only on-failure takes a retry count"},
	} {
		r, err := ParseRestart(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseRestart(%q) = %q, %v; want an error with %q", tc.in, r, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("ParseRestart(%q): %v", tc.in, err)
		case tc.err == "" && (r != RestartPolicy(tc.in) || r.Policy() != tc.policy || r.Retries() != tc.retries):
			t.Errorf("ParseRestart(%q) = %q (policy %q, retries %d), want policy %q, retries %d", tc.in, r, r.Policy(), r.Retries(), tc.policy, tc.retries)
		}
	}
}

// TestRestartResolve: the task's restart wins over run.conf's; no value
// is "" for the target to fill; an interactive instance never restarts,
// and asking a task to restart one is an error naming it.
func TestRestartResolve(t *testing.T) {
	dir := webProject(t, `[{"container": "web", "restart": "always"}, {"container": "db"},
		{"container": "web", "instance": "interactive"}]`)
	p := mustLoad(t, Options{Dir: dir})
	restarts := func(sel Selection, ov Overrides) map[string]RestartPolicy {
		t.Helper()
		ins, err := p.Resolve(sel, ov)
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		m := map[string]RestartPolicy{}
		for _, in := range ins {
			m[in.Container+"-"+in.Instance] = in.Restart
		}
		return m
	}
	got := restarts(Selection{}, Overrides{})
	if got["web-one"] != RestartAlways || got["db-one"] != "" || got["web-interactive"] != RestartNo {
		t.Errorf("run.conf restarts: %v; want web-one always, db-one not given, web-interactive no", got)
	}
	got = restarts(Selection{Target: "web", Instance: "one"}, Overrides{Restart: ptr(RestartOnFailure)})
	if got["web-one"] != RestartOnFailure {
		t.Errorf("restart=on-failure over run.conf's always: %v", got)
	}
	// Debugging an instance interactively drops its policy, whatever run.conf says.
	got = restarts(Selection{Target: "web", Instance: "one"}, Overrides{Interactive: ptr(true)})
	if got["web-one"] != RestartNo {
		t.Errorf("interactive=True on an instance with restart always: %v, want no", got)
	}
	_, err := p.Resolve(Selection{}, Overrides{Restart: ptr(RestartAlways)})
	if err == nil || !strings.Contains(err.Error(), "restart=always: demo-web-interactive is interactive") || strings.Contains(err.Error(), "demo-db-one") {
		t.Errorf("restart=always over an interactive instance: %v, want an error naming it alone", err)
	}
	if _, err := p.Resolve(Selection{}, Overrides{Restart: ptr(RestartPolicy("sometimes"))}); err == nil ||
		!strings.Contains(err.Error(), `invalid restart "sometimes"; valid: no, on-failure, on-failure:N, unless-stopped, always`) {
		t.Errorf("restart=sometimes: %v", err)
	}
}

func FuzzParseRestart(f *testing.F) {
	for _, s := range []string{"no", "on-failure:3", "always", "unless-stopped:", "on-failure:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRestart(s)
		if err != nil {
			return
		}
		switch r.Policy() {
		case RestartNo, RestartUnlessStopped, RestartAlways:
			if r.Retries() != 0 || string(r) != string(r.Policy()) {
				t.Errorf("%q: policy %q with retries %d", s, r.Policy(), r.Retries())
			}
		case RestartOnFailure:
			if r.Retries() < 0 || (r.Retries() == 0) != (string(r) == "on-failure") {
				t.Errorf("%q: on-failure with retries %d", s, r.Retries())
			}
		default:
			t.Errorf("%q parsed to policy %q", s, r.Policy())
		}
	})
}
