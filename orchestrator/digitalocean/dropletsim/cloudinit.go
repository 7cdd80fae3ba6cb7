package dropletsim

import (
	"context"
	"fmt"
	"strings"
)

// FailInstall makes the droplet look like one whose cloud-init install of
// Docker failed: cloud-init reports "status: error", its output log ends
// with logLines, and dockerd is stopped. `systemctl enable --now docker` on
// the droplet starts it again; SetCloudInit("done") clears the status.
func (d *Droplet) FailInstall(ctx context.Context, logLines ...string) error {
	if err := d.SetCloudInit(ctx, "error"); err != nil {
		return err
	}
	script := `cat >> /var/log/cloud-init-output.log
for i in $(seq 50); do pidof dockerd >/dev/null || exit 0; kill $(pidof dockerd) 2>/dev/null || true; sleep 0.2; done
echo "dockerd does not stop" >&2; exit 1`
	if _, err := d.Exec(ctx, strings.NewReader(strings.Join(logLines, "\n")+"\n"), "sh", "-c", script); err != nil {
		return fmt.Errorf("fail the install on %s: %w", d.Name, err)
	}
	return nil
}

// SetCloudInit sets what cloud-init status reports on the droplet: done,
// error or running (cloud-init status --wait waits while it is running).
func (d *Droplet) SetCloudInit(ctx context.Context, status string) error {
	switch status {
	case "done", "error", "running":
	default:
		return fmt.Errorf("cloud-init status %q: want done, error or running", status)
	}
	if _, err := d.Exec(ctx, strings.NewReader(status+"\n"), "sh", "-c", "cat > /var/lib/cloud-sim/status"); err != nil {
		return fmt.Errorf("set cloud-init status on %s: %w", d.Name, err)
	}
	return nil
}
