package digitalocean

import (
	"io"
	"time"
)

// Option tunes Destroy and Snapshot.
type Option func(*options)

type options struct {
	progress     io.Writer
	pollInterval time.Duration
	timeout      time.Duration
	shutdown     time.Duration
	release      map[string]string // host -> reserved IP to release (WithReleaseReservedIPs)
	purgeVolumes bool
}

// WithProgress sends one line per event to w (stderr).
func WithProgress(w io.Writer) Option { return func(o *options) { o.progress = w } }

// WithPollInterval sets the pause between two looks at an action that has
// not completed (default DefaultPollInterval).
func WithPollInterval(d time.Duration) Option { return func(o *options) { o.pollInterval = d } }

// WithTimeout bounds the wait for each action (default 30 minutes: a
// snapshot of a large disk is slow).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithShutdownTimeout bounds the wait for a droplet to shut down cleanly
// before Snapshot cuts its power (default 2 minutes).
func WithShutdownTimeout(d time.Duration) Option { return func(o *options) { o.shutdown = d } }

func applyOptions(opts []Option) options {
	o := options{progress: io.Discard, pollInterval: DefaultPollInterval, timeout: 30 * time.Minute, shutdown: 2 * time.Minute}
	for _, opt := range opts {
		opt(&o)
	}
	if o.progress == nil {
		o.progress = io.Discard
	}
	if o.pollInterval <= 0 {
		o.pollInterval = DefaultPollInterval
	}
	if o.timeout <= 0 {
		o.timeout = 30 * time.Minute
	}
	if o.shutdown <= 0 {
		o.shutdown = 2 * time.Minute
	}
	return o
}
