package digitalocean

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func TestProvisionThroughAServerErrorBurst(t *testing.T) {
	f, c, sl := newFake(t, fakedo.Config{})
	f.FailNext(2, http.StatusServiceUnavailable)
	if _, err := Provision(context.Background(), c, request(t, hosts(t, `{"web": {"region": "fra1"}}`))); err != nil {
		t.Fatalf("provision through two 503s: %v", err)
	}
	if want := []time.Duration{time.Second, 2 * time.Second}; !reflect.DeepEqual(sl.waits, want) {
		t.Errorf("waits %v, want %v (a growing backoff)", sl.waits, want)
	}

	f.FailNext(100, http.StatusInternalServerError)
	_, err := Provision(context.Background(), c, request(t, hosts(t, `{"web": {"region": "fra1"}}`)))
	if err == nil || !strings.Contains(err.Error(), "500 server_error") || !strings.Contains(err.Error(), "(request id ") {
		t.Fatalf("error %v, want the 500 and its request id", err)
	}
	if len(sl.waits) != 2+serverErrorRetries {
		t.Errorf("%d waits, want %d retries after the first two", len(sl.waits), serverErrorRetries)
	}
}

func TestDropletCreateIsNotRetriedOnServerError(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	sl := &sleeps{}
	c, err := newClient("tok", srv.URL, nil, sl.sleep)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Droplets.Create(context.Background(), &godo.DropletCreateRequest{Name: "x", Region: "fra1", Size: "s", Image: godo.DropletCreateImage{Slug: "debian-12-x64"}})
	if err == nil || posts.Load() != 1 {
		t.Errorf("a create answered 502 was sent %d times (%v), want once: a second POST may make a second droplet", posts.Load(), err)
	}
	if _, _, err = c.DropletActions.PowerOn(context.Background(), 1); err == nil || posts.Load() != 1+1+serverErrorRetries {
		t.Errorf("an action answered 502 was sent %d times in all, want %d", posts.Load(), 1+1+serverErrorRetries)
	}
}

func TestProvisionLooksTheKeyUpByFingerprint(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{KeyListLimit: 1})
	ctx := context.Background()
	req := request(t, hosts(t, `{"web": {"region": "fra1"}}`))
	for range 3 {
		if _, err := Provision(ctx, c, req); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.Calls("GET", "/v2/account/keys"); n != 0 {
		t.Errorf("the account's keys were listed %d times, want the key asked for by fingerprint", n)
	}
	if len(f.Keys()) != 1 {
		t.Errorf("keys %+v, want the project key once", f.Keys())
	}
}

func TestBackupAndCustomImagesGetDocker(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	backup := f.AddImage("nightly", "backup", "fra1")
	custom := f.AddImage("my-os", "custom", "fra1")
	snap := f.AddSnapshot("golden", "fra1")
	conf := `{"b": {"region": "fra1", "image": ` + itoa(backup) + `}, "c": {"region": "fra1", "image": ` + itoa(custom) + `},
	"s": {"region": "fra1", "image": ` + itoa(snap) + `}}`
	if _, err := Provision(context.Background(), c, request(t, hosts(t, conf))); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"demo-b": UserData(false), "demo-c": UserData(false), "demo-s": ""} {
		if ud, _ := f.UserData(name); ud != want {
			t.Errorf("%s: user data %.40q, want %.40q", name, ud, want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
