// Package fakedo is a stateful fake of the DigitalOcean API v2 on an
// httptest server, for tests that drive the real godo client: droplets with
// their lifecycle (new, then active with addresses), droplet actions, SSH
// keys, domains and records, snapshots and images, with pagination, rate-limit
// headers and the API's error bodies. Hooks let a test back each droplet with
// something real (say, a local Docker-in-Docker container), and every request
// is counted by method and path so a test can assert what was (not) done.
package fakedo
