// Package digitalocean provisions the hosts of hosts.conf as DigitalOcean
// droplets that run Docker, with their DNS records, and describes them in an
// inventory (cloudmaker's inventory.json shape). Provisioning is a list of
// small steps, as Packer's DigitalOcean builder has it; it is idempotent, so
// a re-run after a failure finishes the job without duplicating anything,
// and a failure undoes nothing (Destroy does, when asked). The state lives in the account (droplet tags and DNS
// records), so the inventory can be rebuilt from the account alone.
package digitalocean
