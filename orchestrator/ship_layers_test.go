package orchestrator_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// archiveEngine is a fake engine whose saves and loads are `docker save`
// archives: it saves one image of two layers, a/ (diff sha256:base) and b/
// (sha256:top), and records the files of each archive loaded into it.
type archiveEngine struct {
	*enginetest.Fake
	// refusePartial makes a load without every layer file fail, as an
	// engine that does not look the others up in its store would.
	refusePartial bool
	loads         [][]string
	saved         int
}

func (e *archiveEngine) SaveImages(context.Context, []string) (io.ReadCloser, error) {
	e.saved++
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"a/layer.tar", "base layer"}, {"b/layer.tar", "top layer"},
		{"web.json", `{"rootfs":{"type":"layers","diff_ids":["sha256:base","sha256:top"]}}`},
		{"manifest.json", `[{"Config":"web.json","RepoTags":["demo/web:latest"],"Layers":["a/layer.tar","b/layer.tar"]}]`},
	} {
		_ = tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body))})
		_, _ = io.WriteString(tw, f.body)
	}
	_ = tw.Close()
	return io.NopCloser(&buf), nil
}

func (e *archiveEngine) LoadImages(_ context.Context, archive io.Reader) error {
	var names []string
	tr := tar.NewReader(archive)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		names = append(names, hdr.Name)
	}
	e.loads = append(e.loads, names)
	if e.refusePartial && !slices.Contains(names, "a/layer.tar") {
		return errors.New("open a/layer.tar: no such file or directory")
	}
	e.AddImage("demo/web", "sha256:w2")
	return nil
}

func shipOneLayer(t *testing.T, refusePartial bool) (*archiveEngine, orchestrator.Plan, []orchestrator.Event) {
	t.Helper()
	local := &archiveEngine{Fake: enginetest.New()}
	local.AddImage("demo/web", "sha256:w2")
	local.SetLayers("sha256:w2", "sha256:base", "sha256:top")
	remote := &archiveEngine{Fake: enginetest.New(), refusePartial: refusePartial}
	remote.AddImage("demo/web", "sha256:w1")
	remote.SetLayers("sha256:w1", "sha256:base", "sha256:oldtop")
	events := &orchestrator.Recorder{}
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Host: "web1", Engine: remote}, Project: "demo", Events: events}
	plan, err := o.PlanShip(context.Background(), local, []string{"demo/web"})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if remote.Image("demo/web") != "sha256:w2" {
		t.Errorf("the image did not arrive: %v", remote.Calls())
	}
	return remote, plan, events.Events()
}

func TestShipSendsOnlyTheLayersTheTargetLacks(t *testing.T) {
	remote, plan, events := shipOneLayer(t, false)
	if !strings.Contains(plan.String(), "1 of 2 layers missing") {
		t.Errorf("plan says:\n%s", plan)
	}
	if len(remote.loads) != 1 || slices.Contains(remote.loads[0], "a/layer.tar") || !slices.Contains(remote.loads[0], "b/layer.tar") {
		t.Errorf("loaded %v, want b/layer.tar without a/layer.tar the target has", remote.loads)
	}
	done := events[len(events)-1]
	if done.Status != orchestrator.Done || !strings.HasPrefix(done.Detail, "sent ") || !strings.Contains(done.Detail, "(1 of 2 layers)") {
		t.Errorf("last event %+v", done)
	}
}

func TestShipSendsTheWholeArchiveWhenThePartOneFails(t *testing.T) {
	remote, _, events := shipOneLayer(t, true)
	if len(remote.loads) != 2 || !slices.Contains(remote.loads[1], "a/layer.tar") {
		t.Errorf("loaded %v, want the whole archive after the partial one", remote.loads)
	}
	var warnings []string
	for _, e := range events {
		if e.Status == orchestrator.Warning {
			warnings = append(warnings, e.Detail)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "sending the whole archive") {
		t.Errorf("warnings %q, want one saying the whole archive follows", warnings)
	}
	if done := events[len(events)-1]; done.Status != orchestrator.Done || !strings.Contains(done.Detail, "(2 of 2 layers)") {
		t.Errorf("last event %+v", done)
	}
}

// Several hosts that lack the same images get them from one save.
func TestShipToSeveralHostsSharesOneSave(t *testing.T) {
	local := &archiveEngine{Fake: enginetest.New()}
	local.AddImage("demo/web", "sha256:w2")
	local.SetLayers("sha256:w2", "sha256:base", "sha256:top")
	saves := orchestrator.ShareSaves(local)
	defer saves.Close()
	var remotes []*archiveEngine
	var wg sync.WaitGroup
	for range 3 {
		remote := &archiveEngine{Fake: enginetest.New()}
		remote.AddImage("demo/old", "sha256:w1")
		remote.SetLayers("sha256:w1", "sha256:base")
		remotes = append(remotes, remote)
		o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: remote}, Project: "demo"}
		wg.Go(func() {
			if err := o.Ship(context.Background(), saves, []string{"demo/web"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if local.saved != 1 {
		t.Errorf("the images were saved %d times for 3 hosts", local.saved)
	}
	for i, r := range remotes {
		if len(r.loads) != 1 || slices.Contains(r.loads[0], "a/layer.tar") || !slices.Contains(r.loads[0], "b/layer.tar") {
			t.Errorf("host %d loaded %v", i, r.loads)
		}
	}
}
