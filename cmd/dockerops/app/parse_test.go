package app

import (
	"maps"
	"testing"
)

func TestParseCall(t *testing.T) {
	cases := []struct {
		word string
		task string
		arg  string
		keys map[string]string
	}{
		{"build:all", "build", "all", map[string]string{}},
		{"ps", "ps", "", map[string]string{}},
		{"run:web,instance=master", "run", "web", map[string]string{"instance": "master"}},
		{"run:web,instance=two,publish_ports=False", "run", "web", map[string]string{"instance": "two", "publish_ports": "False"}},
		{"clean:all,force", "clean", "all", map[string]string{"force": "true"}},
		{`ssh:demo,command="ls -l /a,/b"`, "ssh", "demo", map[string]string{"command": "ls -l /a,/b"}},
		{`ssh:demo,command='x=1,y=2'`, "ssh", "demo", map[string]string{"command": "x=1,y=2"}},
		{`run:web,hostname=a\,b`, "run", "web", map[string]string{"hostname": "a,b"}},
		{"run:web,seed_command=a=b", "run", "web", map[string]string{"seed_command": "a=b"}},
		{"clean:web*", "clean", "web*", map[string]string{}},
		{"ps,format=json", "ps", "", map[string]string{"format": "json"}},
		{"ps:all,hosts=all", "ps", "all", map[string]string{"hosts": "all"}},
	}
	for _, tc := range cases {
		c, err := ParseCall(tc.word)
		if err != nil {
			t.Errorf("ParseCall(%q): %v", tc.word, err)
			continue
		}
		if c.Task != tc.task || c.Arg != tc.arg || !maps.Equal(c.Keys, tc.keys) {
			t.Errorf("ParseCall(%q) = %q %q %v, want %q %q %v", tc.word, c.Task, c.Arg, c.Keys, tc.task, tc.arg, tc.keys)
		}
	}
}

func TestParseCallErrors(t *testing.T) {
	for _, word := range []string{":all", `ssh:demo,command="unterminated`, "run:web,instance=a,instance=b", "run:web,=x"} {
		if _, err := ParseCall(word); err == nil {
			t.Errorf("ParseCall(%q) accepted a malformed task", word)
		}
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"True": true, "true": true, "yes": true, "1": true, "False": false, "false": false, "no": false, "0": false} {
		got, err := ParseBool(in)
		if err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseBool("maybe"); err == nil {
		t.Error(`ParseBool("maybe") accepted a non-boolean`)
	}
}

func FuzzParseCall(f *testing.F) {
	for _, s := range []string{"run:web,instance=master", `ssh:a,command="x,y"`, "clean:all,force", `a:'b`, `x:\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, word string) {
		c, err := ParseCall(word)
		if err == nil && c.Task == "" {
			t.Errorf("ParseCall(%q) returned an empty task without error", word)
		}
	})
}
