package app

import (
	"strings"
	"testing"
)

// A project in the run conf syntax of DockerOps v0.2/v0.3, unchanged: a
// string link "db-server-one:db" (a container name with a dash), a
// wildcard link "cach*", '#' comments after values and a '#' inside a
// string, an entry with "instance": null. The links resolve by name and by
// <NAME>_CONTAINER_IP; the null entry runs nothing.
func TestIntegrationLaterReleaseLinks(t *testing.T) {
	p := copyProject(t, "../../../project/testdata/valid/later_links", "later")
	p.must("build:all")
	if code, _, stderr := p.run("run:all"); code != 0 {
		t.Fatalf("run:all: exit %d\n%s", code, stderr)
	}
	dbIP := strings.TrimSpace(p.must("ip:db-server"))
	cacheIP := strings.TrimSpace(p.must("ip:cache,instance=two"))
	if dbIP == "" || cacheIP == "" {
		t.Fatalf("ip: db-server %q, cache %q", dbIP, cacheIP)
	}
	for cmd, want := range map[string]string{
		"printenv DB_CONTAINER_IP":    dbIP,
		"printenv CACHE_CONTAINER_IP": cacheIP,
		"printenv MOTTO":              "a # inside a string is text",
	} {
		if got := strings.TrimSpace(p.must("shell:web,command=" + cmd)); got != want {
			t.Errorf("%s in web = %q, want %q", cmd, got, want)
		}
	}
	for name, ip := range map[string]string{"db": dbIP, "cache": cacheIP} {
		if got := strings.Fields(p.must("shell:web,command=getent hosts " + name)); len(got) == 0 || got[0] != ip {
			t.Errorf("link name %s resolves to %v in web, want %s", name, got, ip)
		}
	}
	ps := p.ps()
	if len(ps) != 3 {
		t.Errorf("run:all runs %d instances, want db-server, cache and web (the null-instance entry is skipped): %v", len(ps), ps)
	}
}
