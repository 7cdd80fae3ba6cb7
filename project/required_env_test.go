package project

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// required_env_vars.json's names are required like env_vars nulls: the
// environment's or host.conf's value, else asked for; env_vars can give
// one; a '#' comment is blanked as in the run conf.
func TestRequiredEnvVars(t *testing.T) {
	dir, _ := filepath.Abs("testdata/valid/required_env")
	p := mustLoad(t, Options{Dir: dir, Getenv: testEnv(t, dir)})
	web := resolveOne(t, p, Selection{Target: "web"}, Overrides{})
	if !slices.Equal(web.MissingEnv, []string{"DB_PASSWORD"}) {
		t.Errorf("web missing env = %q, want DB_PASSWORD (required, given nowhere)", web.MissingEnv)
	}
	for k, want := range map[string]string{"API_TOKEN": "t0ken", "SMTP_HOST": "mail.example.org", "LANG": "C.UTF-8", "INSTANCE": "one"} {
		if got := web.Env[k]; got != want {
			t.Errorf("web %s = %q, want %q", k, got, want)
		}
	}
	if db := resolveOne(t, p, Selection{Target: "db"}, Overrides{}); len(db.MissingEnv) > 0 || db.Env["DB_PASSWORD"] != "" {
		t.Errorf("db (no required_env_vars.json) missing %q, env %v", db.MissingEnv, db.Env)
	}
	// The value from the environment fills a required name too.
	p = mustLoad(t, Options{Dir: dir, Getenv: func(k string) (string, bool) {
		v, ok := map[string]string{"DB_PASSWORD": "s3cret", "API_TOKEN": "t0ken"}[k]
		return v, ok
	}})
	if web := resolveOne(t, p, Selection{Target: "web"}, Overrides{}); len(web.MissingEnv) > 0 || web.Env["DB_PASSWORD"] != "s3cret" {
		t.Errorf("with DB_PASSWORD set: missing %q, DB_PASSWORD=%q", web.MissingEnv, web.Env["DB_PASSWORD"])
	}
}

// A bad required_env_vars.json is reported with its file and line.
func TestRequiredEnvVarsErrors(t *testing.T) {
	dir, _ := filepath.Abs("testdata/invalid/bad_required_env")
	errs := strings.Join(loadErrors(t, Options{Dir: dir}), "\n")
	for _, want := range []string{
		"services/db/required_env_vars.json:4: JSON syntax error",
		"services/web/required_env_vars.json:3: an env var name must be a string",
		`services/web/required_env_vars.json:4: env var name "BAD=NAME" is not valid`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors:\n%s\nwant %q", errs, want)
		}
	}
}
