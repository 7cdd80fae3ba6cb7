package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCleanWithATerminalTakesTheAnswer(t *testing.T) {
	for _, answer := range []string{"n", "y"} {
		master, tty := openPTY(t)
		r := &fakeRun{state: engineStates[2], stdin: tty}
		if _, err := master.WriteString(answer + "\n"); err != nil {
			t.Fatal(err)
		}
		res := r.run(t, "clean:web")
		_, left := r.engine.Container("demo-web-one")
		switch {
		case !strings.Contains(res.stderr, "Remove 1 container(s) on the local engine: demo-web-one? [y/N]"):
			t.Errorf("answer %s: the question is not on stderr:\n%s", answer, res.stderr)
		case answer == "n" && (res.code != exitFailure || !left || !strings.Contains(res.stderr, "cancelled, nothing removed")):
			t.Errorf("answer n: exit %d, container left %v, stderr:\n%s", res.code, left, res.stderr)
		case answer == "y" && (res.code != exitOK || left):
			t.Errorf("answer y: exit %d, container left %v, stderr:\n%s", res.code, left, res.stderr)
		}
	}
}

// TestPurgeNamesTheDataItDeletes: with purge=True the one question names the
// machine and the instance's persistent data folders; no means nothing is
// removed.
func TestPurgeNamesTheDataItDeletes(t *testing.T) {
	master, tty := openPTY(t)
	r := &fakeRun{state: engineStates[2], stdin: tty}
	res := r.run(t, "info")
	_, dataDir, ok := strings.Cut(res.stdout, "data dir:")
	if !ok {
		t.Fatalf("info shows no data dir:\n%s", res.stdout)
	}
	data := filepath.Join(strings.TrimSpace(strings.SplitN(dataDir, "\n", 2)[0]), "web_one")
	writeFile(t, filepath.Join(data, "db.sqlite"), "precious")

	if _, err := master.WriteString("n\n"); err != nil {
		t.Fatal(err)
	}
	res = r.run(t, "clean:web,purge=True")
	if !strings.Contains(res.stderr, "on the local engine: demo-web-one, and DELETE their persistent data there: "+data+"? This cannot be undone.") {
		t.Errorf("the purge question does not name %s:\n%s", data, res.stderr)
	}
	if res.code != exitFailure {
		t.Errorf("purge declined: exit %d, want 1", res.code)
	}
	if _, err := os.Stat(filepath.Join(data, "db.sqlite")); err != nil {
		t.Errorf("purge declined, yet the data is gone: %v", err)
	}
	if _, ok := r.engine.Container("demo-web-one"); !ok {
		t.Error("purge declined, yet the container was removed")
	}
}
