package orchestrator_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/enginetest"
)

func TestShipSendsOnlyImagesThatDiffer(t *testing.T) {
	local, remote := enginetest.New(), enginetest.New()
	local.AddImage("demo/web", "sha256:w2")
	local.AddImage("demo/db", "sha256:d1")
	remote.AddImage("demo/web", "sha256:w1")
	remote.AddImage("demo/db", "sha256:d1")
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: remote}, Project: "demo"}
	if err := o.Ship(context.Background(), local, []string{"demo/web", "demo/db"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(remote.Calls(), "load demo/web") || slices.Contains(local.Calls(), "save demo/web demo/db") {
		t.Errorf("shipped %v / %v, want only demo/web", local.Calls(), remote.Calls())
	}
	remote.ResetCalls()
	remote.AddImage("demo/web", "sha256:w2")
	if err := o.Ship(context.Background(), local, []string{"demo/web", "demo/db"}); err != nil {
		t.Fatal(err)
	}
	if w := writes(remote); len(w) != 0 {
		t.Errorf("images already there were sent again: %v", w)
	}
}

func TestShipNeedsLocalImage(t *testing.T) {
	o := &orchestrator.Orchestrator{Target: orchestrator.Target{Engine: enginetest.New()}, Project: "demo"}
	if err := o.Ship(context.Background(), enginetest.New(), []string{"demo/web"}); err == nil {
		t.Error("shipping an image that is not built locally succeeded")
	}
}
