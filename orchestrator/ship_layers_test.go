package orchestrator_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

// layerTap is a fake engine that records what each archive loaded into it
// holds: the diff IDs of its layer files (the fake writes a layer's diff
// ID as its content).
type layerTap struct {
	*enginetest.Fake
	mu    sync.Mutex
	loads [][]string
}

func (e *layerTap) LoadImages(ctx context.Context, archive io.Reader) error {
	var buf bytes.Buffer
	err := e.Fake.LoadImages(ctx, io.TeeReader(archive, &buf))
	var layers []string
	tr := tar.NewReader(&buf)
	for hdr, rerr := tr.Next(); rerr == nil; hdr, rerr = tr.Next() {
		if path.Base(hdr.Name) == "layer.tar" {
			b, _ := io.ReadAll(tr)
			layers = append(layers, string(b))
		}
	}
	e.mu.Lock()
	e.loads = append(e.loads, layers)
	e.mu.Unlock()
	return err
}

// localWeb is the local engine with demo/web v2: the base layer and a new top.
func localWeb() *enginetest.Fake {
	local := enginetest.New()
	local.AddImage("demo/web", "sha256:w2")
	local.SetLayers("sha256:w2", "sha256:base", "sha256:top")
	return local
}

// hostWithV1 is a host with demo/web v1: the same base, an older top.
func hostWithV1() *layerTap {
	remote := &layerTap{Fake: enginetest.New()}
	remote.AddImage("demo/web", "sha256:w1")
	remote.SetLayers("sha256:w1", "sha256:base", "sha256:oldtop")
	return remote
}

func shipWeb(t *testing.T, from orchestrator.Engine, remote *layerTap) (orchestrator.Plan, []orchestrator.Event) {
	t.Helper()
	events := &orchestrator.Recorder{}
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Host: "web1", Engine: remote}, Project: "demo", Events: events}
	plan, err := o.PlanShip(context.Background(), from, []string{"demo/web"})
	if err == nil {
		err = o.Apply(context.Background(), plan)
	}
	if err != nil {
		t.Error(err) // not Fatal: some callers run on goroutines of their own
	}
	if remote.Image("demo/web") != "sha256:w2" {
		t.Errorf("the image did not arrive: %v", remote.Calls())
	}
	return plan, events.Events()
}

func TestShipSendsOnlyTheLayersTheTargetLacks(t *testing.T) {
	remote := hostWithV1()
	plan, events := shipWeb(t, localWeb(), remote)
	if !strings.Contains(plan.String(), "1 of 2 layers missing") {
		t.Errorf("plan says:\n%s", plan)
	}
	if !slices.EqualFunc(remote.loads, [][]string{{"sha256:top"}}, slices.Equal) {
		t.Errorf("loaded layers %v, want the new top alone", remote.loads)
	}
	done := events[len(events)-1]
	if done.Status != orchestrator.Done || !strings.HasPrefix(done.Detail, "sent ") || !strings.Contains(done.Detail, "(1 of 2 layers)") {
		t.Errorf("last event %+v", done)
	}
}

func TestShipSendsTheWholeArchiveWhenThePartOneFails(t *testing.T) {
	remote := hostWithV1()
	remote.RefusePartialLoads = true
	_, events := shipWeb(t, localWeb(), remote)
	if len(remote.loads) != 2 || !slices.Equal(remote.loads[1], []string{"sha256:base", "sha256:top"}) {
		t.Errorf("loaded layers %v, want the whole archive after the partial one", remote.loads)
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

// Several hosts that lack the same images get them from one save, each
// what it lacks.
func TestShipToSeveralHostsSharesOneSave(t *testing.T) {
	local := localWeb()
	saves := orchestrator.ShareSaves(local)
	defer saves.Close()
	empty := &layerTap{Fake: enginetest.New()}
	remotes := []*layerTap{hostWithV1(), hostWithV1(), empty}
	var wg sync.WaitGroup
	for _, remote := range remotes {
		wg.Go(func() { shipWeb(t, saves, remote) })
	}
	wg.Wait()
	var saved []string
	for _, c := range local.Calls() {
		if strings.HasPrefix(c, "save ") {
			saved = append(saved, c)
		}
	}
	if len(saved) != 1 {
		t.Errorf("the images were saved %d times for 3 hosts: %v", len(saved), saved)
	}
	for i, want := range [][][]string{{{"sha256:top"}}, {{"sha256:top"}}, {{"sha256:base", "sha256:top"}}} {
		if !slices.EqualFunc(remotes[i].loads, want, slices.Equal) {
			t.Errorf("host %d loaded layers %v, want %v", i, remotes[i].loads, want)
		}
	}
}
