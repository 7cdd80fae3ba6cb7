package digitalocean

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/digitalocean/godo"
)

// Rate limiting: a 429 is retried at most rateLimitRetries times, each after
// the wait the API asks for, unless that wait is longer than maxRateWait (the
// hourly budget is spent: better say so than hang).
const (
	rateLimitRetries = 3
	maxRateWait      = time.Minute
)

// ClientFromEnv builds a client from the token and API URL found by Token and
// APIURL.
func ClientFromEnv(getenv func(string) (string, bool), hostConf map[string]string) (*godo.Client, error) {
	token, err := Token(getenv, hostConf)
	if err != nil {
		return nil, err
	}
	return NewClient(token, APIURL(getenv, hostConf))
}

// NewClient returns a godo client that sends token as its bearer token, talks
// to baseURL ("" = https://api.digitalocean.com/), and waits out rate
// limiting (429) a few times as the Retry-After or RateLimit-Reset header
// says. Plain http is refused except to a loopback address (a local fake), so
// the token never crosses a network in clear.
func NewClient(token, baseURL string) (*godo.Client, error) {
	return newClient(token, baseURL, sleepCtx)
}

func newClient(token, baseURL string, sleep func(context.Context, time.Duration) error) (*godo.Client, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, fmt.Errorf("%w: set %s", ErrNoToken, EnvAccessToken)
	}
	opts := []godo.ClientOpt{godo.SetUserAgent("dockerops")}
	if baseURL != "" {
		u, err := checkAPIURL(baseURL)
		if err != nil {
			return nil, err
		}
		opts = append(opts, godo.SetBaseURL(u))
	}
	hc := &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &apiTransport{
			token: token, next: http.DefaultTransport, sleep: sleep, now: time.Now,
		},
	}
	c, err := godo.New(hc, opts...)
	if err != nil {
		return nil, fmt.Errorf("DigitalOcean client: %w", err)
	}
	return c, nil
}

// checkAPIURL validates DIGITALOCEAN_API_URL and gives it the trailing slash
// godo needs to resolve "v2/..." under it.
func checkAPIURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("%s %q is not an http(s) URL", EnvAPIURL, raw)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("%s %q: refusing to send the token over plain http to a non-loopback host; use https", EnvAPIURL, raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apiTransport authenticates requests and retries rate-limited ones. It logs
// method, path and status at debug level, never headers (the token).
type apiTransport struct {
	token string
	next  http.RoundTripper
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		r := req.Clone(req.Context())
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = body
		}
		r.Header.Set("Authorization", "Bearer "+t.token)
		resp, err := t.next.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		slog.Debug("DigitalOcean API", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode)
		if resp.StatusCode != http.StatusTooManyRequests || attempt >= rateLimitRetries ||
			(req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
			return resp, nil
		}
		wait, ok := retryDelay(resp.Header, t.now())
		if !ok {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		slog.Warn("DigitalOcean rate limit reached, waiting", "wait", wait.String(), "retry", attempt+1)
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// retryDelay is how long a 429 asks to wait: Retry-After seconds, else until
// RateLimit-Reset (a Unix time). ok is false when the wait is too long.
func retryDelay(h http.Header, now time.Time) (time.Duration, bool) {
	wait := time.Second
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil {
		wait = time.Duration(s) * time.Second
	} else if reset, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64); err == nil {
		wait = time.Unix(reset, 0).Sub(now)
	}
	wait = max(wait, time.Second)
	return wait, wait <= maxRateWait
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
