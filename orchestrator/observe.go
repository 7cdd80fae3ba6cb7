package orchestrator

import (
	"context"
	"fmt"
	"strings"

	"github.com/dockerops/dockerops/project"
)

// LockObserver is an engine that finds, in the one call listing a
// project's containers, the project's deploy lock container too: a plan
// that changes nothing then needs no second call to know whether another
// process is changing the target (WaitUnlockedAfter).
type LockObserver interface {
	ContainersAndLock(ctx context.Context, project string) (containers []Observed, lock *Observed, err error)
}

// observed is what a plan saw of its target in its one list call.
type observed struct {
	containers []Observed
	lock       *Observed // the deploy lock container, nil when there is none
	lockKnown  bool      // the list looked for it
}

// observe lists the project's containers, with its lock container where
// the engine finds both at once.
func (o *Orchestrator) observe(ctx context.Context) (observed, error) {
	lo, ok := o.Engine.(LockObserver)
	if !ok {
		all, err := o.Engine.Containers(ctx, o.Project)
		return observed{containers: all}, err
	}
	all, lock, err := lo.ContainersAndLock(ctx, o.Project)
	return observed{containers: all, lock: lock, lockKnown: true}, err
}

// WaitUnlockedAfter is WaitUnlocked for a task that found nothing to
// change with plan (nil: it did not plan on t): when the plan's list showed
// no live lock container, there is nothing to wait for and no need to look
// again.
func WaitUnlockedAfter(ctx context.Context, t Target, req LockRequest, plan *Plan) error {
	if plan != nil && plan.seen.lockKnown && plan.Host == t.Host {
		l := plan.seen.lock
		if l == nil || broken(*l, holderOf(l.Labels), newLockWait(t, req).timeout) != "" {
			return nil
		}
	}
	return WaitUnlocked(ctx, t, req)
}

// imageIDs finds the ID of each instance's image. The engine's container
// list already answers for an image a container of the project was made
// from: it shows the reference the container was created with while that
// still names the container's image, and the image ID once it names
// another (rebuilt) or none. Only the other images are looked up, so a
// plan that changes nothing asks for none; an image no container vouches
// for is looked up, and one the engine lacks stops the plan.
//
// Where the engine says so in the same lookup (ImageInspector), noCheck
// holds the images looked up that have no HEALTHCHECK.
func (o *Orchestrator) imageIDs(ctx context.Context, instances []project.Instance, byName map[string]*Observed) (ids map[string]string, noCheck map[string]bool, err error) {
	ids, noCheck = map[string]string{}, map[string]bool{}
	inspector, _ := o.Engine.(ImageInspector)
	for _, in := range instances {
		if ob := byName[in.Name]; ob != nil && ob.Image == in.Image && ob.ImageID != "" {
			ids[in.Image] = ob.ImageID
		}
	}
	var missing []string
	for _, in := range instances {
		if _, done := ids[in.Image]; done {
			continue
		}
		var id string
		if inspector != nil {
			var check bool
			id, check, err = inspector.ImageInfo(ctx, in.Image)
			noCheck[in.Image] = id != "" && !check
		} else {
			id, err = o.Engine.ImageID(ctx, in.Image)
		}
		if err != nil {
			return nil, nil, err
		}
		ids[in.Image] = id
		if id == "" {
			missing = append(missing, in.Container)
		}
	}
	if len(missing) > 0 {
		return nil, nil, &MissingImagesError{Target: o.Describe(), Containers: missing}
	}
	return ids, noCheck, nil
}

// ImageInspector is an engine that tells, in the one lookup of an image,
// whether it has a HEALTHCHECK.
type ImageInspector interface {
	// ImageInfo is ImageID, and whether the image has a HEALTHCHECK.
	ImageInfo(ctx context.Context, ref string) (id string, healthcheck bool, err error)
}

// MissingImagesError is a plan's instances whose images the target lacks.
type MissingImagesError struct {
	Target     string
	Containers []string // run.conf containers, one per missing image
}

func (e *MissingImagesError) Error() string {
	return fmt.Sprintf("image not built on %s: %s; run `dockerops build:%s` first",
		e.Target, strings.Join(e.Containers, ", "), buildArg(e.Containers))
}

// earlyHostname asks m its hostname now, in the background, for a plan
// to read once it needs it: a remote host's answers arrive while the
// container list is on its way, so planning waits for one round trip, not
// two.
func earlyHostname(ctx context.Context, m Machine) Machine {
	e := &earlyMachine{Machine: m, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		e.hostname, e.err = m.Hostname(ctx)
	}()
	return e
}

type earlyMachine struct {
	Machine
	done     chan struct{}
	hostname string
	err      error
}

func (e *earlyMachine) Hostname(ctx context.Context) (string, error) {
	select {
	case <-e.done:
		return e.hostname, e.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
