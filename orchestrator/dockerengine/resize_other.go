//go:build !unix

package dockerengine

// watchResize sets the size once: there is no resize signal here.
func watchResize(resize func()) (stop func()) {
	resize()
	return func() {}
}
