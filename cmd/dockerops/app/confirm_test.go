package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestCleanAsksUnlessForced(t *testing.T) {
	r := &fakeRun{state: engineStates[3]}
	res := r.run(t, "clean:all")
	if res.code != exitFailure || !strings.Contains(res.stderr, "Remove 2 container(s) on the local engine: demo-web-one, demo-web-two?") ||
		!strings.Contains(res.stderr, "refusing without a terminal to confirm; add force=True to proceed") {
		t.Errorf("clean:all without a terminal: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if w := r.engine.Writes(); len(w) > 0 {
		t.Errorf("clean refused, yet the engine was asked to %v", w)
	}

	res = r.run(t, "clean:all,force=True")
	if res.code != exitOK {
		t.Fatalf("clean:all,force=True: exit %d: %s", res.code, res.stderr)
	}
	for _, name := range []string{"demo-web-one", "demo-web-two"} {
		if _, ok := r.engine.Container(name); ok {
			t.Errorf("clean:all,force=True left %s", name)
		}
	}
}

// TestDestroyAsksUnlessForced: destroy without force and without a terminal
// refuses before it asks the DigitalOcean API anything.
func TestDestroyAsksUnlessForced(t *testing.T) {
	var requests atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		http.Error(w, "the test API accepts no request", http.StatusTeapot)
	}))
	defer api.Close()
	env := map[string]string{"DIGITALOCEAN_ACCESS_TOKEN": "test-token", "DIGITALOCEAN_API_URL": api.URL}
	for word, what := range map[string]string{
		"destroy:all":  "Destroy every droplet of project demo and its DNS records?",
		"destroy:web1": "Destroy droplet demo-web1 and its DNS records?",
	} {
		r := &fakeRun{env: env}
		res := r.run(t, word)
		if res.code != exitFailure || !strings.Contains(res.stderr, what) || !strings.Contains(res.stderr, "add force=True") {
			t.Errorf("%s without a terminal: exit %d, stderr:\n%s\nwant 1 and %q", word, res.code, res.stderr, what)
		}
	}
	if n := requests.Load(); n > 0 {
		t.Errorf("destroy refused, yet %d API request(s) were made", n)
	}
}
