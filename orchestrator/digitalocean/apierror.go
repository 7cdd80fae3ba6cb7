package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/digitalocean/godo"
)

// apiError is an API failure said in one line for a user; it wraps godo's
// error so callers can still inspect the response.
type apiError struct {
	msg string
	err error
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Unwrap() error { return e.err }

// StatusCode returns the HTTP status of a DigitalOcean API error in err's
// chain, or 0.
func StatusCode(err error) int {
	var er *godo.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

// explain turns an API error into one clear line; doing says what was being
// done, naming the host or droplet ("host \"web\": create droplet demo-web").
func explain(err error, doing string) error {
	if err == nil {
		return nil
	}
	var ae *apiError
	if errors.As(err, &ae) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", doing, err)
	}
	var er *godo.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return &apiError{msg: fmt.Sprintf("%s: cannot reach the DigitalOcean API: %v", doing, ue.Err), err: err}
		}
		return &apiError{msg: fmt.Sprintf("%s: %v", doing, err), err: err}
	}
	code := er.Response.StatusCode
	var msg string
	switch code {
	case http.StatusUnauthorized:
		msg = "DigitalOcean rejected the token (401 unauthorized): check " + EnvAccessToken
	case http.StatusForbidden:
		msg = fmt.Sprintf("%s: DigitalOcean refused (403 forbidden): the token needs read and write scope: %s", doing, er.Message)
	case http.StatusTooManyRequests:
		msg = fmt.Sprintf("%s: DigitalOcean rate limit exceeded (429 too_many_requests)%s", doing, resetHint(er.Response.Header))
	default:
		msg = fmt.Sprintf("%s: DigitalOcean answered %d %s: %s", doing, code, errorID(code), er.Message)
	}
	// DigitalOcean support asks for the request id of a failed call.
	if er.RequestID != "" {
		msg += " (request id " + er.RequestID + ")"
	}
	return &apiError{msg: msg, err: err}
}

func resetHint(h http.Header) string {
	if reset, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64); err == nil && reset > 0 {
		return "; try again after " + time.Unix(reset, 0).Format("15:04:05")
	}
	return "; try again later"
}

// errorID is the "id" the API puts in its error bodies (godo drops it).
func errorID(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusUnprocessableEntity:
		return "unprocessable_entity"
	case http.StatusTooManyRequests:
		return "too_many_requests"
	}
	if code >= 500 {
		return "server_error"
	}
	return http.StatusText(code)
}
