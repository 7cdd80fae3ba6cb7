//go:build unix

package dockerengine

import (
	"os"
	"os/signal"
	"syscall"
)

// watchResize calls resize now and whenever the terminal changes size,
// until stop is called.
func watchResize(resize func()) (stop func()) {
	resize()
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				resize()
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
