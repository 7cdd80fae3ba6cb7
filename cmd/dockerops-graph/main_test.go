package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"image"
	_ "image/png"
	"io"
	"strings"
	"testing"
)

const twoNodes = `digraph g { a [label="demo-web-one", shape=box, style="rounded,filled", fillcolor="#b7e4b0"]; a -> b [label="DB"]; }`

func TestSVGIsXMLNamingTheNodes(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"svg"}, strings.NewReader(twoNodes), &out); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(out.Bytes()))
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if err != io.EOF {
				t.Fatalf("not XML: %v", err)
			}
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
		}
	}
	for _, want := range []string{"demo-web-one", "DB"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the SVG does not say %q", want)
		}
	}
}

// The PNG has the edge's line, not only its arrowhead: between the two
// boxes (laid out top to bottom) a column of dark pixels.
func TestPNGDrawsEdges(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"png"}, strings.NewReader(`digraph { node [shape=box]; a -> b [minlen=3]; }`), &out); err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	longest := 0
	for x := b.Min.X; x < b.Max.X; x++ {
		run := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r>>8 < 128 {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	// the edge is at least 3 ranks (over 100 px) long; a box side is ~36
	if longest < 80 {
		t.Errorf("the longest vertical dark line is %d px: the edge is not drawn", longest)
	}
}

func TestBadInput(t *testing.T) {
	for _, args := range [][]string{nil, {"jpg"}, {"svg", "png"}} {
		if err := run(context.Background(), args, strings.NewReader(twoNodes), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("%v: error %v, want the usage", args, err)
		}
	}
	if err := run(context.Background(), []string{"svg"}, strings.NewReader("digraph { a -> "), &bytes.Buffer{}); err == nil {
		t.Error("a broken DOT graph rendered without an error")
	}
}
