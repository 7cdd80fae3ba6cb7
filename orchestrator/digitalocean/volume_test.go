package digitalocean

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/dockerops/dockerops/orchestrator/digitalocean/fakedo"
)

const volumeHosts = `{
"db": {"region": "fra1", "volume": 10},
"web": {"region": "fra1"}
}`

// volumeSim answers the hosts' SSH commands, the mount script included: it
// reports a format the first time it sees a volume's device.
type volumeSim struct {
	simHosts
	formatted map[string]bool // device -> has a file system
	mounts    []string        // "host device dir", one per mount command
}

func newVolumeSim() *volumeSim {
	return &volumeSim{
		simHosts:  simHosts{hosts: map[string]*simHost{"db": {cloudInit: "done", docker: true}, "web": {cloudInit: "done", docker: true}}},
		formatted: map[string]bool{},
	}
}

func (s *volumeSim) run(ctx context.Context, host, ip, command string) (string, int, error) {
	args, ok := strings.CutPrefix(command, "set -- ")
	if !ok {
		return s.simHosts.run(ctx, host, ip, command)
	}
	f := strings.Fields(strings.SplitN(args, "\n", 2)[0])
	dev, dir := strings.Trim(f[0], "'"), strings.Trim(f[2], "'")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mounts = append(s.mounts, host+" "+dev+" "+dir)
	out := "mounted at " + dir
	if !s.formatted[dev] {
		s.formatted[dev] = true
		out = "formatted (ext4), " + out
	}
	return out + "\n", 0, nil
}

func posts(f *fakedo.Server) map[string]int {
	out := map[string]int{}
	for call, n := range f.AllCalls() {
		if !strings.HasPrefix(call, "GET ") {
			out[call] = n
		}
	}
	return out
}

// A host with "volume" gets a volume named after project and host in its
// droplet's region, attached and mounted at its data root; the second
// provision changes nothing; destroy detaches and keeps it, and the next
// provision attaches the same volume to the new droplet; purge deletes it.
func TestProvisionVolumeLifecycle(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{ActionPolls: 1, LockAfter: 2})
	ctx := context.Background()
	sim := newVolumeSim()
	var progress bytes.Buffer
	req := request(t, hosts(t, volumeHosts))
	req.Run, req.Progress = sim.run, &progress

	inv, err := Provision(ctx, c, req)
	if err != nil {
		t.Fatalf("provision: %v\n%s", err, progress.String())
	}
	vols := f.Volumes()
	if len(vols) != 1 {
		t.Fatalf("%d volumes after provision, want 1 (db only): %+v", len(vols), vols)
	}
	v := vols[0]
	db := dropletNamed(t, f, "demo-db")
	if v.Name != "demo-db" || v.SizeGigaBytes != 10 || v.Region.Slug != "fra1" || !slices.Equal(v.DropletIDs, []int{db.ID}) {
		t.Errorf("volume %s %d GB in %s attached to %v, want demo-db 10 GB in fra1 attached to %d", v.Name, v.SizeGigaBytes, v.Region.Slug, v.DropletIDs, db.ID)
	}
	if !slices.Contains(v.Tags, ProjectTag("demo")) || !slices.Contains(v.Tags, "dockerops-host:db") {
		t.Errorf("volume tags %v lack the project and host tags", v.Tags)
	}
	if want := []string{"db /dev/disk/by-id/scsi-0DO_Volume_demo-db /var/lib/dockerops/demo"}; !slices.Equal(sim.mounts, want) {
		t.Errorf("mount commands %q, want %q", sim.mounts, want)
	}
	if got := inv["db"].Volume; got == nil || *got != (InventoryVolume{Name: "demo-db", SizeGB: 10, Attached: true}) {
		t.Errorf("inventory of db shows volume %+v", got)
	}
	if inv["web"].Volume != nil {
		t.Errorf("web has no volume but the inventory shows %+v", inv["web"].Volume)
	}
	if !strings.Contains(progress.String(), "db: volume demo-db formatted (ext4), mounted at /var/lib/dockerops/demo") {
		t.Errorf("progress does not say the volume was formatted and mounted:\n%s", progress.String())
	}

	before := posts(f)
	if _, err := Provision(ctx, c, req); err != nil {
		t.Fatalf("second provision: %v", err)
	}
	if after := posts(f); !equalCounts(before, after) {
		t.Errorf("the second provision wrote to the API: before %v, after %v", before, after)
	}
	if len(sim.mounts) != 2 {
		t.Errorf("the second provision did not check the mount: %q", sim.mounts)
	}
	rebuilt, err := RebuildInventory(ctx, c, "demo")
	if err != nil || rebuilt["db"].Volume == nil || !rebuilt["db"].Volume.Attached {
		t.Errorf("rebuilt inventory of db shows volume %+v (%v)", rebuilt["db"].Volume, err)
	}

	progress.Reset()
	if _, err := Destroy(ctx, c, "demo", []string{"db"}, WithProgress(&progress), WithPollInterval(time.Millisecond), WithTimeout(5*time.Second)); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	vols = f.Volumes()
	if len(vols) != 1 || len(vols[0].DropletIDs) != 0 {
		t.Fatalf("after destroy:db the volumes are %+v, want demo-db kept and detached", vols)
	}
	if !strings.Contains(progress.String(), "db: volume demo-db (10 GB) is detached and kept") {
		t.Errorf("destroy does not say the volume is kept:\n%s", progress.String())
	}

	if _, err := Provision(ctx, c, req); err != nil {
		t.Fatalf("provision after destroy: %v", err)
	}
	db2 := dropletNamed(t, f, "demo-db")
	vols = f.Volumes()
	if f.Calls("POST", "/v2/volumes") != 1 || len(vols) != 1 || vols[0].ID != v.ID || !slices.Equal(vols[0].DropletIDs, []int{db2.ID}) || db2.ID == db.ID {
		t.Errorf("after destroy and provision: %d volume creates, volumes %+v; want volume %s attached to the new droplet %d", f.Calls("POST", "/v2/volumes"), vols, v.ID, db2.ID)
	}

	progress.Reset()
	if _, err := Destroy(ctx, c, "demo", nil, WithProgress(&progress), WithPollInterval(time.Millisecond), WithTimeout(5*time.Second), WithPurgeVolumes()); err != nil {
		t.Fatalf("destroy with purge: %v", err)
	}
	if vols := f.Volumes(); len(vols) != 0 {
		t.Errorf("volumes after a purge: %+v", vols)
	}
	if !strings.Contains(progress.String(), "db: deleted volume demo-db (10 GB) and its data") {
		t.Errorf("destroy does not say the volume was deleted:\n%s", progress.String())
	}
}

// A volume of the host's name that provision cannot use stops it before any
// droplet is made: one in another region (volumes do not move, and a new
// empty one would hide the data), or one dockerops did not tag as the host's.
func TestProvisionVolumeRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		create godo.VolumeCreateRequest
		want   string
	}{
		{"other region", godo.VolumeCreateRequest{Name: "demo-db", Region: "ams3", SizeGigaBytes: 10, Tags: []string{ProjectTag("demo"), "dockerops-host:db"}},
			`host "db": its volume demo-db is in ams3, its droplet in fra1: a volume cannot move to another region`},
		{"not ours", godo.VolumeCreateRequest{Name: "demo-db", Region: "fra1", SizeGigaBytes: 10, Tags: []string{"mine"}},
			`host "db": volume demo-db in fra1 is not dockerops's volume of this host (its tags: mine)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, _ := newFake(t, fakedo.Config{})
			if _, _, err := c.Storage.CreateVolume(context.Background(), &tc.create); err != nil {
				t.Fatal(err)
			}
			req := request(t, hosts(t, volumeHosts))
			req.Run = newVolumeSim().run
			_, err := Provision(context.Background(), c, req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("provision: %v, want %q", err, tc.want)
			}
			if n := f.Calls("POST", "/v2/droplets"); n != 0 {
				t.Errorf("%d droplets created before the refusal", n)
			}
		})
	}
}

func TestVolumeName(t *testing.T) {
	long := strings.Repeat("p", 40)
	for _, tc := range []struct{ project, host, want string }{
		{"demo", "db", "demo-db"},
		{"my_app", "db_main", "my-app-db-main"},
		{"2048", "web", "vol-2048-web"},
	} {
		if got := VolumeName(tc.project, tc.host); got != tc.want {
			t.Errorf("VolumeName(%q, %q) = %q, want %q", tc.project, tc.host, got, tc.want)
		}
	}
	a, b := VolumeName(long, strings.Repeat("h", 30)), VolumeName(long, strings.Repeat("h", 31))
	if len(a) > 64 || len(b) > 64 || a == b || !strings.HasPrefix(a, long+"-hhh") {
		t.Errorf("long names %q and %q: want at most 64 characters, different, starting with the droplet name", a, b)
	}
	if l := volumeLabel("demo-db"); len(l) > 16 || l != volumeLabel("demo-db") || l == volumeLabel("demo-web") {
		t.Errorf("label %q: want at most 16 characters, one per volume", l)
	}
}

func dropletNamed(t *testing.T, f *fakedo.Server, name string) godo.Droplet {
	t.Helper()
	for _, d := range f.Droplets() {
		if d.Name == name && d.Status != "archive" {
			return d
		}
	}
	t.Fatalf("no droplet %s", name)
	return godo.Droplet{}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A purge after the droplet is gone still deletes the volume kept before.
func TestDestroyPurgesAKeptVolume(t *testing.T) {
	f, c, _ := newFake(t, fakedo.Config{})
	ctx := context.Background()
	req := request(t, hosts(t, volumeHosts))
	req.Run = newVolumeSim().run
	if _, err := Provision(ctx, c, req); err != nil {
		t.Fatal(err)
	}
	opts := []Option{WithPollInterval(time.Millisecond), WithTimeout(5 * time.Second)}
	if _, err := Destroy(ctx, c, "demo", []string{"db"}, opts...); err != nil || len(f.Volumes()) != 1 {
		t.Fatalf("destroy:db: %v; volumes %+v, want demo-db kept", err, f.Volumes())
	}
	if _, err := Destroy(ctx, c, "demo", []string{"db"}, append(opts, WithPurgeVolumes())...); err != nil || len(f.Volumes()) != 0 {
		t.Errorf("destroy:db with purge and no droplet: %v; volumes %+v, want none", err, f.Volumes())
	}
}
