package app

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

// runOnTTY runs a command line with a terminal as its standard input.
func (c *cloudAPI) runOnTTY(tty *os.File, args ...string) (int, string) {
	var out bytes.Buffer
	var errb lockedBuffer
	getenv := func(k string) (string, bool) {
		if v, ok := c.env[k]; ok {
			return v, v != ""
		}
		return os.LookupEnv(k)
	}
	code := Run(context.Background(), args, Env{Stdin: tty, Stdout: &out, Stderr: &errb, Getenv: getenv})
	return code, errb.String()
}

// destroy keeps a host's volume, which inventory tells of; destroy with
// purge=True asks its one question naming the volume and its size, keeps
// it on no and deletes it on yes.
func TestCloudDestroyPurgeAsksNamingTheVolume(t *testing.T) {
	c := newCloudAPI(t, fakedo.Config{ActivateAfter: 1})
	c.editHosts(`"db1": {"region": "fra1"`, `"db1": {"region": "fra1", "volume": 20`)
	c.must("provision,wait=False")
	name := c.name + "-db1"
	if v := c.fake.Volumes(); len(v) != 1 || v[0].Name != name || len(v[0].DropletIDs) != 1 {
		t.Fatalf("volumes after provision: %+v, want %s attached", v, name)
	}
	if inv := c.must("inventory"); !strings.Contains(inv, `"name": "`+name+`"`) || !strings.Contains(inv, `"attached": true`) {
		t.Errorf("inventory does not show the attached volume:\n%s", inv)
	}
	c.must("destroy:db1,force=True")
	if code, _, stderr := c.run("inventory"); code != 0 || !strings.Contains(stderr, "db1: volume "+name+" (20 GB, fra1) is kept") {
		t.Errorf("inventory after destroy:db1: exit %d; it does not tell of the kept volume:\n%s", code, stderr)
	}

	for _, answer := range []string{"n", "y"} {
		if answer == "y" {
			c.must("provision:db1,wait=False")
		}
		master, tty := openPTY(t)
		if _, err := master.WriteString(answer + "\n"); err != nil {
			t.Fatal(err)
		}
		code, stderr := c.runOnTTY(tty, "destroy:db1,purge=True")
		if want := "DELETE for good volume " + name + " (20 GB, host db1) and all the data on it (this cannot be undone)? [y/N]"; !strings.Contains(stderr, want) {
			t.Errorf("the purge question does not name the volume and its size (want %q):\n%s", want, stderr)
		}
		left := len(c.fake.Volumes())
		switch {
		case answer == "n" && (code == 0 || left != 1):
			t.Errorf("purge declined: exit %d, %d volumes left, want the volume kept\n%s", code, left, stderr)
		case answer == "y" && (code != 0 || left != 0):
			t.Errorf("purge confirmed: exit %d, %d volumes left, want none\n%s", code, left, stderr)
		}
	}
}
