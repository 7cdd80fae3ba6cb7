// Package enginetest provides Fake, an in-memory orchestrator.Engine for
// tests, as net/http/httptest provides servers: it keeps containers, images
// and networks as a Docker engine would, records every call, and can be told
// to fail a call or what an Exec, Attach or Logs call writes. Swarm is the
// one fake of a Swarm manager (orchestrator.Services) over Fake nodes; its
// Manager is a manager node's whole engine, as the CLI tests dial it.
package enginetest
