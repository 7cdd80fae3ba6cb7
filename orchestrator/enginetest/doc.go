// Package enginetest provides Fake, an in-memory orchestrator.Engine for
// tests, as net/http/httptest provides servers: it keeps containers, images
// and networks as a Docker engine would, records every call, and can be told
// to fail a call or what an Exec, Attach or Logs call writes.
package enginetest
