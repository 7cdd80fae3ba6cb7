package digitalocean

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// requestLog logs every API request at debug level: method, path with
// query, status, the x-request-id the API answers with (what DigitalOcean
// support asks for) and duration. It never logs headers, and blanks the
// token should it ever appear in a URL or an error.
type requestLog struct {
	log    *slog.Logger
	secret string
	next   http.RoundTripper
}

func (t *requestLog) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !t.log.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", t.redact(req.URL.RequestURI())),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.redact(err.Error())), slog.Duration("duration", time.Since(start)))
		t.log.LogAttrs(ctx, slog.LevelDebug, "DigitalOcean API request failed", attrs...)
		return nil, err
	}
	attrs = append(attrs, slog.Int("status", resp.StatusCode))
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	attrs = append(attrs, slog.Duration("duration", time.Since(start)))
	t.log.LogAttrs(ctx, slog.LevelDebug, "DigitalOcean API", attrs...)
	return resp, nil
}

func (t *requestLog) redact(s string) string {
	if t.secret == "" {
		return s
	}
	return strings.ReplaceAll(s, t.secret, "REDACTED")
}
