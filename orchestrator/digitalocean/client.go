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
	"sync/atomic"
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

// Server errors (5xx) are retried at most serverErrorRetries times, after
// serverErrorWait, doubling: a DigitalOcean incident is usually short.
const (
	serverErrorRetries = 3
	serverErrorWait    = time.Second
)

// ClientFromEnv builds a client from the token and API URL found by Token and
// APIURL, logging to log (see NewClient).
func ClientFromEnv(getenv func(string) (string, bool), hostConf map[string]string, log *slog.Logger) (*godo.Client, error) {
	token, err := Token(getenv, hostConf)
	if err != nil {
		return nil, err
	}
	return NewClient(token, APIURL(getenv, hostConf), log)
}

// NewClient returns a godo client that sends token as its bearer token, talks
// to baseURL ("" = https://api.digitalocean.com/), waits out rate limiting
// (429) a few times as the Retry-After or RateLimit-Reset header says, and
// retries server errors (5xx) a few times with a growing pause, except a
// droplet create (see retriable). Plain http is refused except to a loopback address (a local fake), so
// the token never crosses a network in clear. Every request is logged to log
// at debug level, rate limiting at warn level; nil logs nothing.
func NewClient(token, baseURL string, log *slog.Logger) (*godo.Client, error) {
	return newClient(token, baseURL, log, sleepCtx)
}

func newClient(token, baseURL string, log *slog.Logger, sleep func(context.Context, time.Duration) error) (*godo.Client, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
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
			token: token, log: log, sleep: sleep, now: time.Now,
			next: &requestLog{log: log, secret: token, next: http.DefaultTransport},
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

// apiTransport authenticates requests and retries rate-limited ones, saying
// so at warn level; next logs each attempt.
type apiTransport struct {
	token string
	log   *slog.Logger
	next  http.RoundTripper
	sleep func(context.Context, time.Duration) error
	now   func() time.Time

	warnedLow atomic.Bool // the "budget nearly spent" warning is given once
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
		if resp.StatusCode != http.StatusTooManyRequests {
			t.warnIfLow(req, resp.Header)
		}
		if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
			return resp, nil // the body cannot be sent again
		}
		var wait time.Duration
		switch {
		case resp.StatusCode == http.StatusTooManyRequests && attempt < rateLimitRetries:
			var ok bool
			if wait, ok = retryDelay(resp.Header, t.now()); !ok {
				return resp, nil
			}
			t.log.WarnContext(req.Context(), "DigitalOcean rate limit reached, waiting", "wait", wait.String(), "retry", attempt+1)
		case resp.StatusCode >= 500 && attempt < serverErrorRetries && retriable(req):
			wait = serverErrorWait << attempt
			t.log.WarnContext(req.Context(), "DigitalOcean server error, retrying", "status", resp.StatusCode,
				"request_id", resp.Header.Get("X-Request-Id"), "wait", wait.String(), "retry", attempt+1)
		default:
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// retriable reports whether a request may be sent again after a server
// error. A droplet create may not: the droplet may have been made before
// the error, and a second POST would make another of the same name; the
// next provision adopts the first instead. Actions sent twice are refused
// as a pending event, which their callers wait out.
func retriable(req *http.Request) bool {
	return req.Method != http.MethodPost || !strings.HasSuffix(strings.TrimSuffix(req.URL.Path, "/"), "/v2/droplets")
}

// warnIfLow warns, once, when less than a tenth of the hourly request budget
// (RateLimit-Remaining of RateLimit-Limit) is left: the next 429s would
// stop the run.
func (t *apiTransport) warnIfLow(req *http.Request, h http.Header) {
	remaining, err1 := strconv.Atoi(h.Get("RateLimit-Remaining"))
	limit, err2 := strconv.Atoi(h.Get("RateLimit-Limit"))
	if err1 != nil || err2 != nil || limit <= 0 || remaining*10 >= limit || !t.warnedLow.CompareAndSwap(false, true) {
		return
	}
	attrs := []any{"remaining", remaining, "limit", limit}
	if reset, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64); err == nil && reset > 0 {
		attrs = append(attrs, "reset", time.Unix(reset, 0).Format("15:04:05"))
	}
	t.log.WarnContext(req.Context(), "DigitalOcean API rate limit nearly spent", attrs...)
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
