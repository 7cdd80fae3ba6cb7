// Package imagearchive rewrites `docker save` archives so that a target
// engine is sent only the layers it lacks: the archive is spooled to a
// temporary file (its manifest comes last, after the layers), then written
// again without the layer files of the layers the target already has.
package imagearchive
