package app

import (
	"maps"
	"slices"
	"testing"
)

func TestParseCall(t *testing.T) {
	cases := []struct {
		word string
		task string
		arg  string
		keys map[string]string
		pos  []string
	}{
		{"build:all", "build", "all", map[string]string{}, nil},
		{"ps", "ps", "", map[string]string{}, nil},
		{"run:web,instance=master", "run", "web", map[string]string{"instance": "master"}, nil},
		{"run:web,instance=two,publish_ports=False", "run", "web", map[string]string{"instance": "two", "publish_ports": "False"}, nil},
		{"clean:all,force", "clean", "all", map[string]string{}, []string{"force"}},
		{"run:demo,two", "run", "demo", map[string]string{}, []string{"two"}},
		{"run:demo,,front,conf=x", "run", "demo", map[string]string{"conf": "x"}, []string{"", "front"}},
		{"ps,onlyrunning", "ps", "", map[string]string{}, []string{"onlyrunning"}},
		{`ssh:demo,command="ls -l /a,/b"`, "ssh", "demo", map[string]string{"command": "ls -l /a,/b"}, nil},
		{`ssh:demo,command='x=1,y=2'`, "ssh", "demo", map[string]string{"command": "x=1,y=2"}, nil},
		{`run:web,hostname=a\,b`, "run", "web", map[string]string{"hostname": "a,b"}, nil},
		{"run:web,seed_command=a=b", "run", "web", map[string]string{"seed_command": "a=b"}, nil},
		{"clean:web*", "clean", "web*", map[string]string{}, nil},
		{"ps,format=json", "ps", "", map[string]string{"format": "json"}, nil},
		{"ps:all,hosts=all", "ps", "all", map[string]string{"hosts": "all"}, nil},
	}
	for _, tc := range cases {
		c, err := ParseCall(tc.word)
		if err != nil {
			t.Errorf("ParseCall(%q): %v", tc.word, err)
			continue
		}
		if c.Task != tc.task || c.Arg != tc.arg || !maps.Equal(c.Keys, tc.keys) || !slices.Equal(c.Positional, tc.pos) {
			t.Errorf("ParseCall(%q) = %q %q %v %q, want %q %q %v %q", tc.word, c.Task, c.Arg, c.Keys, c.Positional, tc.task, tc.arg, tc.keys, tc.pos)
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
