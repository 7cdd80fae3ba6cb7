package digitalocean

import (
	"errors"
	"fmt"
	"strings"
)

// The variables dockerops reads, from the environment first, then host.conf.
const (
	EnvAccessToken = "DIGITALOCEAN_ACCESS_TOKEN"
	EnvToken       = "DIGITALOCEAN_TOKEN"
	EnvAPIURL      = "DIGITALOCEAN_API_URL"
)

// ErrNoToken is returned (wrapped) by Token when no variable holds a token.
var ErrNoToken = errors.New("no DigitalOcean API token")

// Token returns the API token from DIGITALOCEAN_ACCESS_TOKEN or
// DIGITALOCEAN_TOKEN, looked up in the environment (getenv, e.g. os.LookupEnv)
// and then in host.conf. Empty values count as unset. The token itself never
// appears in an error.
func Token(getenv func(string) (string, bool), hostConf map[string]string) (string, error) {
	if v := lookup(getenv, hostConf, EnvAccessToken, EnvToken); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("%w: set %s in the environment or in host.conf (create a token at https://cloud.digitalocean.com/account/api/tokens)",
		ErrNoToken, EnvAccessToken)
}

// APIURL returns DIGITALOCEAN_API_URL (environment, then host.conf), or ""
// for DigitalOcean's own API.
func APIURL(getenv func(string) (string, bool), hostConf map[string]string) string {
	return lookup(getenv, hostConf, EnvAPIURL)
}

// lookup returns the first non-empty value of keys: every key in the
// environment first, then every key in host.conf.
func lookup(getenv func(string) (string, bool), hostConf map[string]string, keys ...string) string {
	clean := func(v string) string { return strings.Trim(strings.TrimSpace(v), `'"`) }
	if getenv != nil {
		for _, k := range keys {
			if v, ok := getenv(k); ok && clean(v) != "" {
				return clean(v)
			}
		}
	}
	for _, k := range keys {
		if v := clean(hostConf[k]); v != "" {
			return v
		}
	}
	return ""
}
