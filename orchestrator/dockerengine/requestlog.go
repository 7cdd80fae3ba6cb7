package dockerengine

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/docker/docker/client"
)

// logRequests makes cli log each engine request at debug level: method,
// path, status and duration. The query is left out: a build's carries its
// build args, which may hold secrets.
//
// The wrapper goes around the finished client's transport rather than in an
// option: the SDK keeps the *http.Transport it finds after its options run,
// to close idle connections and to dial hijacked streams (attach, exec)
// through the same dialer (the ssh one), so it must still find it there.
// Hijacked streams bypass the http.Client and are not logged.
func logRequests(cli *client.Client, log *slog.Logger) {
	if !log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	hc := cli.HTTPClient()
	hc.Transport = &requestLog{log: log, next: hc.Transport}
	_ = client.WithHTTPClient(hc)(cli) // cannot fail for a non-nil client
}

type requestLog struct {
	log  *slog.Logger
	next http.RoundTripper
}

func (t *requestLog) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs := []slog.Attr{slog.String("method", req.Method), slog.String("path", req.URL.Path)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()), slog.Duration("duration", time.Since(start)))
		t.log.LogAttrs(req.Context(), slog.LevelDebug, "Docker engine request failed", attrs...)
		return nil, err
	}
	attrs = append(attrs, slog.Int("status", resp.StatusCode), slog.Duration("duration", time.Since(start)))
	t.log.LogAttrs(req.Context(), slog.LevelDebug, "Docker engine", attrs...)
	return resp, nil
}
