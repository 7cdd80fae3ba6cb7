package digitalocean

import (
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

func TestToken(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      map[string]string
		hostConf map[string]string
		want     string
	}{
		{"access token from env", map[string]string{EnvAccessToken: "a"}, nil, "a"},
		{"DIGITALOCEAN_TOKEN from env", map[string]string{EnvToken: "b"}, nil, "b"},
		{"access token wins over token", map[string]string{EnvAccessToken: "a", EnvToken: "b"}, nil, "a"},
		{"env wins over host.conf", map[string]string{EnvToken: "env"}, map[string]string{EnvAccessToken: "conf"}, "env"},
		{"host.conf when env is empty", map[string]string{EnvAccessToken: " "}, map[string]string{EnvToken: "conf"}, "conf"},
		{"quotes and spaces trimmed", nil, map[string]string{EnvAccessToken: ` "tok" `}, "tok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Token(env(tc.env), tc.hostConf)
			if err != nil || got != tc.want {
				t.Errorf("Token = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestNoToken(t *testing.T) {
	_, err := Token(env(nil), map[string]string{"HOST_FQDN": "x"})
	if !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "set DIGITALOCEAN_ACCESS_TOKEN") {
		t.Errorf("error %v, want ErrNoToken saying which variable to set", err)
	}
	if _, err := ClientFromEnv(env(nil), nil, nil); !errors.Is(err, ErrNoToken) {
		t.Errorf("ClientFromEnv without a token: %v", err)
	}
}

func TestAPIURL(t *testing.T) {
	for _, tc := range []struct {
		url, want, err string
	}{
		{"https://api.example.net/do", "https://api.example.net/do/", ""},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/", ""},
		{"http://localhost:8080/", "http://localhost:8080/", ""},
		{"http://api.example.net/", "", "refusing to send the token over plain http"},
		{"ftp://x/", "", "is not an http(s) URL"},
		{"not a url", "", "is not an http(s) URL"},
	} {
		got, err := checkAPIURL(tc.url)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.url, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.url, got, err, tc.want)
		}
	}
	c, err := ClientFromEnv(env(map[string]string{EnvAccessToken: "t", EnvAPIURL: "http://127.0.0.1:1"}), nil, nil)
	if err != nil || c.BaseURL.String() != "http://127.0.0.1:1/" {
		t.Errorf("client base URL %v, %v", c, err)
	}
}

func TestRetryDelay(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{"Retry-After", map[string]string{"Retry-After": "7", "RateLimit-Reset": "1700000030"}, 7 * time.Second, true},
		{"RateLimit-Reset", map[string]string{"RateLimit-Reset": "1700000012"}, 12 * time.Second, true},
		{"reset passed", map[string]string{"RateLimit-Reset": "1699999990"}, time.Second, true},
		{"nothing said", nil, time.Second, true},
		{"hourly budget spent", map[string]string{"RateLimit-Reset": "1700003000"}, 3000 * time.Second, false},
	} {
		h := http.Header{}
		for k, v := range tc.header {
			h.Set(k, v)
		}
		got, ok := retryDelay(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestUserDataGolden(t *testing.T) {
	golden(t, "userdata.golden", []byte(UserData(false)))
	if UserData(true) != "" {
		t.Error("a snapshot got user data")
	}
	// The droplet runs it with /bin/sh (dash on Debian): it must parse there.
	check := exec.Command("sh", "-n")
	check.Stdin = strings.NewReader(UserData(false))
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("the user data is not valid sh: %v\n%s", err, out)
	}
}
