package digitalocean

import (
	"slices"
	"testing"
)

func TestHostsSSHFromAndReservedIP(t *testing.T) {
	hs, err := ParseHosts("hosts.yaml", []byte("web:\n  region: fra1\n  reserved_ip: true\n  ssh_from: [198.51.100.7, 203.0.113.0/24, '2001:db8::/32']\ndb:\n  region: fra1\n"))
	if err != nil {
		t.Fatal(err)
	}
	web, _ := hs.Lookup("web")
	db, _ := hs.Lookup("db")
	if !web.ReservedIP || db.ReservedIP {
		t.Errorf("reserved_ip: web %v, db %v", web.ReservedIP, db.ReservedIP)
	}
	if want := []string{"198.51.100.7", "203.0.113.0/24", "2001:db8::/32"}; !slices.Equal(web.SSHSources(), want) {
		t.Errorf("web SSH sources %v, want %v", web.SSHSources(), want)
	}
	if !slices.Equal(db.SSHSources(), []string{"0.0.0.0/0", "::/0"}) {
		t.Errorf("db without ssh_from: SSH sources %v, want everyone", db.SSHSources())
	}
}
