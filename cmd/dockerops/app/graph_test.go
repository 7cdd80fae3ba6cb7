package app

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"image"
	_ "image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of testdata/graph")

// e2eFixture is testdata/e2e with its port placeholder filled in.
func e2eFixture(t *testing.T) string {
	return copyTree(t, "testdata/e2e", t.TempDir(), func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("@PORT@"), []byte("18080")) })
}

// The dot and mermaid text of the testdata projects, against fake engines
// that run some of their instances, is pinned by golden files in
// testdata/graph (go test -run TestGraphGolden -update rewrites them).
func TestGraphGolden(t *testing.T) {
	webOneRunning := engineState{"one running", map[string]string{"one": "running"}}
	cases := []struct {
		golden  string
		fixture func(*testing.T) string
		args    string
		state   engineState
		hosts   map[string]*enginetest.Fake
	}{
		{"fake.dot", nil, "graph:all,format=dot", webOneRunning, nil},
		{"fake.mermaid", nil, "graph:all,format=mermaid", webOneRunning, nil},
		{"fake-stopped.mermaid", nil, "graph,format=mermaid", engineState{"one stopped", map[string]string{"one": "exited"}}, nil},
		{"fake-hosts.dot", nil, "graph:all,format=dot,hosts=all", engineState{}, map[string]*enginetest.Fake{"web1": newFakeEngine(webOneRunning), "db1": enginetest.New()}},
		{"fake-hosts.mermaid", nil, "graph:all,format=mermaid,hosts=all", engineState{}, map[string]*enginetest.Fake{"web1": newFakeEngine(webOneRunning), "db1": enginetest.New()}},
		{"fake-web1.dot", nil, "graph:all,format=dot,host=web1", engineState{}, map[string]*enginetest.Fake{"web1": newFakeEngine(webOneRunning)}},
		{"fake-web-two.dot", nil, "graph:web,instance=two,format=dot", engineState{}, nil},
		{"e2e.dot", e2eFixture, "graph:all,format=dot", engineState{}, nil},
		{"e2e.mermaid", e2eFixture, "graph:all,format=mermaid", engineState{}, nil},
		{"swarm-hosts.dot", func(t *testing.T) string { return copyFixture(t, "testdata/swarm") }, "graph:all,format=dot,hosts=all", engineState{}, nil},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			r := &fakeRun{state: c.state, hosts: c.hosts}
			if c.fixture != nil {
				r.dir = c.fixture(t)
			}
			res := r.run(t, c.args)
			if res.code != exitOK {
				t.Fatalf("%s: exit %d\n%s", c.args, res.code, res.stderr)
			}
			checkGolden(t, filepath.Join("testdata", "graph", c.golden), res.stdout)
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (-update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Drawn twice, the same project gives the same text, whatever order the
// engine lists its containers in.
func TestGraphTextIsStable(t *testing.T) {
	state := engineState{"two running", map[string]string{"one": "running", "two": "exited"}}
	first := (&fakeRun{state: state}).run(t, "graph:all,format=dot,hosts=all")
	for range 5 {
		if again := (&fakeRun{state: state}).run(t, "graph:all,format=dot,hosts=all"); again.stdout != first.stdout {
			t.Fatalf("two runs drew different text:\n%s\n---\n%s", first.stdout, again.stdout)
		}
	}
}

// With no engine answering, graph still draws the project, uncoloured, says
// so in one line on stderr and exits 0.
func TestGraphWithoutEngine(t *testing.T) {
	dir := copyFixture(t, "testdata/fake")
	var out, errb bytes.Buffer
	dial := func(context.Context, string) (orchestrator.Engine, error) {
		return nil, errors.New("Cannot connect to the Docker daemon at unix:///var/run/docker.sock")
	}
	code := Run(context.Background(), []string{"graph:all,format=dot"}, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) (string, bool) {
			return map[string]string{"PROJECT_DIR": dir, "PROJECT_NAME": fakeProjectName}[k], k == "PROJECT_DIR" || k == "PROJECT_NAME"
		},
		Engine: dial})
	if code != exitOK {
		t.Fatalf("exit %d, want 0\n%s", code, errb.String())
	}
	if n := strings.Count(strings.TrimSpace(errb.String()), "\n"); n != 0 || !strings.Contains(errb.String(), "without live states") {
		t.Errorf("stderr should be one note about the missing states, got:\n%s", errb.String())
	}
	checkGolden(t, filepath.Join("testdata", "graph", "fake-nostate.dot"), out.String())
}

// Bad input is one clear message with a non-zero exit.
func TestGraphBadInput(t *testing.T) {
	for _, c := range []struct {
		args string
		code int
		want string
	}{
		{"graph:all,format=jpg", exitUsage, `format: "jpg" is not svg, png, dot or mermaid`},
		{"graph:nosuch,format=dot", exitFailure, `no container "nosuch"`},
		{"graph:all,format=dot,out=x.dot", exitUsage, "out= is for format=svg or png"},
		{"graph:all,format=dot,hosts=some", exitUsage, "only hosts=all"},
		{"graph:all,format=dot,host=nosuch", exitFailure, "nosuch"},
		{"graph:all,format=svg", exitFailure, "dockerops-graph is not installed"},
	} {
		res := (&fakeRun{}).run(t, c.args)
		if res.code != c.code || !strings.Contains(res.stderr, c.want) || strings.Count(strings.TrimSpace(res.stderr), "\n") > 1 {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant exit %d and one line saying %q", c.args, res.code, res.stderr, c.code, c.want)
		}
	}
}

// buildGraphRenderer builds cmd/dockerops-graph into a fresh folder and
// returns the folder, to put on the PATH dockerops sees.
func buildGraphRenderer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, graphRenderer), "../../dockerops-graph")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", graphRenderer, err, out)
	}
	return dir
}

// graph's default is an SVG file in the project folder, its path on
// stdout; it is XML and names every instance. format=png writes a PNG image
// of some size where out= says.
func TestGraphSVGAndPNG(t *testing.T) {
	bin := buildGraphRenderer(t)
	r := &fakeRun{env: map[string]string{"PATH": bin}, state: engineState{"one running", map[string]string{"one": "running"}}}
	res := r.run(t, "graph")
	svgPath := filepath.Join(r.dir, fakeProjectName+".svg")
	if res.code != exitOK || strings.TrimSpace(res.stdout) != svgPath {
		t.Fatalf("graph: exit %d, stdout %q, want %s\n%s", res.code, res.stdout, svgPath, res.stderr)
	}
	f, err := os.Open(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	texts := svgTexts(t, f)
	for _, name := range []string{"demo-db-one", "demo-web-one", "demo-web-two", "group front", "running"} {
		if !strings.Contains(texts, name) {
			t.Errorf("the SVG's text does not say %q:\n%s", name, texts)
		}
	}

	pngPath := filepath.Join(t.TempDir(), "picture.png")
	if res := r.run(t, "graph:all,format=png,out="+pngPath); res.code != exitOK || strings.TrimSpace(res.stdout) != pngPath {
		t.Fatalf("format=png: exit %d, stdout %q\n%s", res.code, res.stdout, res.stderr)
	}
	pf, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	img, kind, err := image.Decode(pf)
	if err != nil {
		t.Fatalf("%s is not an image: %v", pngPath, err)
	}
	b := img.Bounds()
	if kind != "png" || b.Dx() < 200 || b.Dy() < 100 {
		t.Errorf("%s is a %s of %dx%d, want a png of at least 200x100", pngPath, kind, b.Dx(), b.Dy())
	}
	// the running instance's box is filled green (#b7e4b0)
	green := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r>>8 == 0xb7 && g>>8 == 0xe4 && bl>>8 == 0xb0 {
				green++
			}
		}
	}
	if green < 500 {
		t.Errorf("%s has %d pixels of the running colour, want a filled box of them", pngPath, green)
	}
}

// svgTexts parses an SVG document and returns the text of its <text>
// elements, a line each; a document that is not XML fails the test.
func svgTexts(t *testing.T, r io.Reader) string {
	t.Helper()
	d := xml.NewDecoder(r)
	var b strings.Builder
	inText, sawSVG := false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			sawSVG = sawSVG || tok.Name.Local == "svg"
			inText = tok.Name.Local == "text"
		case xml.EndElement:
			if tok.Name.Local == "text" {
				inText = false
				b.WriteString("\n")
			}
		case xml.CharData:
			if inText {
				b.Write(tok)
			}
		}
	}
	if !sawSVG {
		t.Fatal("the document has no <svg> element")
	}
	return b.String()
}

// demoGraph is the README's picture of the repository's own project, made by
// `PROJECT_NAME=myproject dockerops graph,out=cmd/dockerops-graph/demo.svg`.
const demoGraph = "../../dockerops-graph/demo.svg"

// The README's picture still shows the demo project as it is: every
// instance apps_containers/ resolves to has its box, every link its label.
func TestDemoGraphShowsTheDemoProject(t *testing.T) {
	var out, errb bytes.Buffer
	env := map[string]string{"PROJECT_DIR": "../../..", "PROJECT_NAME": "myproject"}
	code := Run(context.Background(), []string{"config:all,format=json"}, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if code != exitOK {
		t.Fatalf("config of the repository's project: exit %d\n%s", code, errb.String())
	}
	var plan struct {
		Instances []struct {
			Name  string `json:"name"`
			Links []struct {
				Name string `json:"name"`
			} `json:"links"`
		} `json:"instances"`
	}
	if err := json.Unmarshal(out.Bytes(), &plan); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(demoGraph)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	texts := svgTexts(t, f)
	for _, in := range plan.Instances {
		if !strings.Contains(texts, in.Name+"\n") {
			t.Errorf("%s does not show instance %s; redraw it with the command in the README", demoGraph, in.Name)
		}
		for _, l := range in.Links {
			if !strings.Contains(texts, l.Name) {
				t.Errorf("%s does not show %s's link %s; redraw it with the command in the README", demoGraph, in.Name, l.Name)
			}
		}
	}
}

// A running instance whose health check fails is drawn unhealthy.
func TestGraphShowsUnhealthy(t *testing.T) {
	f := newFakeEngine(engineState{"one running", map[string]string{"one": "running"}})
	f.AddContainer(orchestrator.Observed{Name: fakeProjectName + "-db-one", State: "running", Health: "unhealthy",
		Labels: map[string]string{orchestrator.LabelProject: fakeProjectName, orchestrator.LabelContainer: "db", orchestrator.LabelInstance: "one"}})
	res := (&fakeRun{engine: f}).run(t, "graph:all,format=mermaid")
	if res.code != exitOK || !strings.Contains(res.stdout, "class demo_db_one unhealthy") || !strings.Contains(res.stdout, "class demo_web_one running") {
		t.Errorf("exit %d; want db one unhealthy and web one running:\n%s%s", res.code, res.stdout, res.stderr)
	}
}
