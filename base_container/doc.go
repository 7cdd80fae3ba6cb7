// Package basecontainer holds the dockerops base image, dockerops-base: a
// Debian image with tini as PID 1, supervisord running sshd and the child
// images' programs, a sudo user named dockerops and a two-stage entrypoint.
// FS returns its build context, embedded in the dockerops binary.
package basecontainer
