package orchestrator

import (
	"context"
	"slices"
	"testing"
)

func TestShipSendsOnlyImagesThatDiffer(t *testing.T) {
	local, remote := newFake(), newFake()
	local.images = map[string]string{"demo/web": "sha256:w2", "demo/db": "sha256:d1"}
	remote.images = map[string]string{"demo/web": "sha256:w1", "demo/db": "sha256:d1"}
	o := &Orchestrator{Target: Target{Engine: remote}, Project: "demo"}
	if err := o.Ship(context.Background(), local, []string{"demo/web", "demo/db"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(remote.calls, "load demo/web") || slices.Contains(local.calls, "save demo/web demo/db") {
		t.Errorf("shipped %v / %v, want only demo/web", local.calls, remote.calls)
	}
	remote.calls = nil
	remote.images["demo/web"] = "sha256:w2"
	if err := o.Ship(context.Background(), local, []string{"demo/web", "demo/db"}); err != nil {
		t.Fatal(err)
	}
	if len(remote.writes()) != 0 {
		t.Errorf("images already there were sent again: %v", remote.writes())
	}
}

func TestShipNeedsLocalImage(t *testing.T) {
	o := &Orchestrator{Target: Target{Engine: newFake()}, Project: "demo"}
	if err := o.Ship(context.Background(), newFake(), []string{"demo/web"}); err == nil {
		t.Error("shipping an image that is not built locally succeeded")
	}
}
