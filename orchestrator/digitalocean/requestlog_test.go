package digitalocean

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

func TestDebugLogShowsRequestsNeverTheToken(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f, c, _ := newFakeLogging(t, fakedo.Config{}, log)
	if _, err := Provision(context.Background(), c, request(t, hosts(t, `{"web": {"region": "fra1", "names": ["web.example.com"]}}`))); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	line := regexp.MustCompile(`msg="DigitalOcean API" method=POST path=/v2/droplets status=202 request_id=[0-9a-f-]{36} duration=\S+`)
	if !line.MatchString(out) {
		t.Errorf("no debug line for the droplet creation with method, path, status, request id and duration:\n%s", out)
	}
	if !regexp.MustCompile(`method=GET path="/v2/droplets\?[^"]*tag_name=dockerops-project-demo[^"]*" status=200`).MatchString(out) {
		t.Errorf("the droplet listing is not logged with its query:\n%s", out)
	}
	if strings.Contains(out, f.Token()) || strings.Contains(out, "Bearer") {
		t.Errorf("the debug log shows the token:\n%s", out)
	}
}

func TestRequestLogRedactsTheToken(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := NewClient("s3cret-token", "http://127.0.0.1:1/s3cret-token/", log)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _ = c.Droplets.List(context.Background(), nil)
	if out := buf.String(); strings.Contains(out, "s3cret-token") || !strings.Contains(out, "path=/REDACTED/v2/droplets") {
		t.Errorf("a token in the URL is logged as is, or the failed request not at all:\n%s", out)
	}
}

func TestDebugLogOffBelowDebug(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	_, c, _ := newFakeLogging(t, fakedo.Config{}, log)
	if _, err := ListSnapshots(context.Background(), c, "demo"); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("at warn level, requests are logged:\n%s", &buf)
	}
}

func TestRateLimitWarningsGoToTheLogger(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, c, _ := newFakeLogging(t, fakedo.Config{RateLimit: 20}, log)
	f.LimitNext(1, 2*time.Second)
	for range 20 {
		_, _ = ListSnapshots(context.Background(), c, "demo")
	}
	out := buf.String()
	if !strings.Contains(out, `level=WARN msg="DigitalOcean rate limit reached, waiting" wait=2s retry=1`) {
		t.Errorf("no warning for the 429 wait:\n%s", out)
	}
	if n := strings.Count(out, `msg="DigitalOcean API rate limit nearly spent"`); n != 1 {
		t.Errorf("%d warnings that the hourly budget is nearly spent, want 1:\n%s", n, out)
	}
}
