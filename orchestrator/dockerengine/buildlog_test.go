package dockerengine

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestReadBuildLog replays build message streams recorded from an engine
// (testdata/buildlog/*.jsonl) and pins what the user sees: the progress log
// and the result, or the error naming the failing step with its output.
func TestReadBuildLog(t *testing.T) {
	inputs, err := filepath.Glob("testdata/buildlog/*.jsonl")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no build log fixtures: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".jsonl")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var progress strings.Builder
			id, err := readBuildLog(f, &progress)
			got := fmt.Sprintf("== progress ==\n%s\n== result ==\nimage: %s\nerror: %v\n", progress.String(), id, err)
			golden := strings.TrimSuffix(in, ".jsonl") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

func TestBuildErrorNamesStepAndOutput(t *testing.T) {
	f, err := os.Open("testdata/buildlog/failed-run.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = readBuildLog(f, nil)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("error %v is not a *BuildError", err)
	}
	if !strings.HasPrefix(be.Step, "RUN echo first line") {
		t.Errorf("step = %q, want the failing RUN", be.Step)
	}
	// Output of the failing step only, without the builder's bookkeeping
	// or the colour codes around stderr.
	want := []string{"second line", "first line"}
	if strings.Join(be.Output, "|") != strings.Join(want, "|") {
		t.Errorf("output = %q, want %q", be.Output, want)
	}
}

func TestBuildLogKeepsLastLines(t *testing.T) {
	var stream strings.Builder
	stream.WriteString(`{"stream":"Step 1/2 : RUN seq 100"}` + "\n" + `{"stream":"\n"}` + "\n")
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&stream, `{"stream":"line %d\n"}`+"\n", i)
	}
	stream.WriteString(`{"errorDetail":{"message":"boom"}}` + "\n")
	_, err := readBuildLog(strings.NewReader(stream.String()), nil)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("error %v is not a *BuildError", err)
	}
	if len(be.Output) != tailLines || be.Output[0] != "line 61" || be.Output[tailLines-1] != "line 100" {
		t.Errorf("kept %d lines, %q..%q; want the last %d", len(be.Output), be.Output[0], be.Output[len(be.Output)-1], tailLines)
	}
}
