package conffile

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorText(t *testing.T) {
	for _, c := range []struct {
		err  *Error
		want string
	}{
		{&Error{File: "run.conf", Line: 3, Msg: "bad"}, "run.conf:3: bad"},
		{&Error{File: "run.conf", Msg: "cannot read"}, "run.conf: cannot read"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func TestJoinSortsByFileAndLine(t *testing.T) {
	other := errors.New("not a file problem")
	err := Join(Errorf("b.conf", 1, "b1"), other, errors.Join(Errorf("a.conf", 9, "a9"), Errorf("a.conf", 2, "a2")), nil)
	want := "a.conf:2: a2\na.conf:9: a9\nb.conf:1: b1\nnot a file problem"
	if err == nil || err.Error() != want {
		t.Errorf("Join = %q, want %q", err, want)
	}
	if Join(nil, nil) != nil {
		t.Error("Join of nothing is not nil")
	}
}

func TestEmptyFilesHaveNoRoot(t *testing.T) {
	for file, text := range map[string]string{
		"a.conf": "# only a comment\n\n", "b.conf": "", "c.yaml": "", "d.yaml": "---\n", "e.yml": "# c\n",
	} {
		doc, err := Parse(file, []byte(text))
		if err != nil || doc.Root != nil {
			t.Errorf("%s: Parse = %+v, %v; want no root, no error", file, doc, err)
		}
	}
}

func TestDepthLimitIsOneForJSONAndYAML(t *testing.T) {
	nested := func(k int) string { return strings.Repeat("[", k) + strings.Repeat("]", k) }
	for _, file := range []string{"x.conf", "x.yaml"} {
		if _, err := Parse(file, []byte(nested(MaxDepth+1))); err != nil {
			t.Errorf("%s: %d levels rejected: %v", file, MaxDepth+1, err)
		}
		_, err := Parse(file, []byte("\n"+nested(MaxDepth+2)))
		var e *Error
		if !errors.As(err, &e) || e.Line != 2 || e.File != file || !strings.HasPrefix(e.Msg, "nested too deeply") {
			t.Errorf("%s: %d levels: got %v, want %s:2: nested too deeply", file, MaxDepth+2, err, file)
		}
	}
}

func TestAliasInsideItsValue(t *testing.T) {
	_, err := Parse("x.yaml", []byte("a: &a\n  b: [*a]\n"))
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || !strings.Contains(e.Msg, "alias *a is inside the value it names") {
		t.Errorf("got %v, want x.yaml:2: alias *a is inside ...", err)
	}
}

func TestFieldsMergePrecedenceAndErrors(t *testing.T) {
	doc, err := Parse("x.yaml", []byte(`a: &a {k: a, only_a: 1}
b: &b {<<: *a, k: b, only_b: 1}
c: &c {k: c, only_c: 1}
x:
  <<: [*b, *c]
  own: 1
  <<: 7
`))
	if err != nil {
		t.Fatal(err)
	}
	top, _ := Fields("x.yaml", doc.Root)
	fs, errs := Fields("x.yaml", top[3].Val)
	var got []string
	for _, f := range fs {
		got = append(got, f.Key+"="+Deref(f.Val).Value)
	}
	// Own keys first, then the first merged mapping's (its own merges
	// included), then the next one's keys not seen yet.
	if want := "own=1 k=b only_b=1 only_a=1 only_c=1"; strings.Join(got, " ") != want {
		t.Errorf("fields %q, want %q", strings.Join(got, " "), want)
	}
	if len(errs) != 1 || errs[0].Error() != "x.yaml:7: a merge key (<<) needs a mapping, not a number" {
		t.Errorf("errors %v, want the merge of 7 at line 7", errs)
	}
}

func TestJSONSpans(t *testing.T) {
	data := []byte("# c\n{\"A\": \"x\", \"B\": [1, 2]}")
	doc, err := Parse("host.conf", data)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{`"A"`, `"x"`, `"B"`, `[1, 2]`} {
		start, end, ok := doc.Span(doc.Root.Content[i])
		if !ok || string(data[start:end]) != want {
			t.Errorf("span %d = %q, want %q", i, data[start:end], want)
		}
	}
	if doc.Root.Line != 2 || doc.Root.Content[3].Content[1].Line != 2 {
		t.Errorf("lines: root %d, want 2", doc.Root.Line)
	}
}

// TestCommentsAnywhereOutsideStrings: a '#' outside a string starts a
// comment to the end of its line; inside a string it is text, escaped
// quotes included.
func TestCommentsAnywhereOutsideStrings(t *testing.T) {
	data := "[ # the list\n" +
		"  {\"a\": \"x#y\", # trailing\n" +
		"   \"b\": \"say \\\"#1\\\" # still text\"}, # done\n" +
		"  # whole line\n" +
		"  \"c\\\\\" # after an escaped backslash\n" +
		"]# end"
	doc, err := Parse("run.conf", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	obj := doc.Root.Content[0]
	if got := obj.Content[1].Value; got != "x#y" {
		t.Errorf("a = %q, want x#y", got)
	}
	if got := obj.Content[3].Value; got != `say "#1" # still text` {
		t.Errorf("b = %q", got)
	}
	if got := doc.Root.Content[1]; got.Value != `c\` || got.Line != 5 {
		t.Errorf("c = %q at line %d, want c\\ at line 5", got.Value, got.Line)
	}
	if got := string(StripComments([]byte("{} # x\r\n{}"))); got != "{}    \r\n{}" {
		t.Errorf("StripComments kept %q", got)
	}
}
