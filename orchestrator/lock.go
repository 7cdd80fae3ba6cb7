package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Labels of the deploy lock container. It carries no dockerops.project
// label, so, like a helper, it never shows in ps and clean never removes it.
const (
	LabelLock        = "dockerops.lock" // value: the project
	LabelLockUser    = "dockerops.lock.user"
	LabelLockMachine = "dockerops.lock.machine"
	LabelLockTask    = "dockerops.lock.task"
	LabelLockPID     = "dockerops.lock.pid"
	LabelLockSince   = "dockerops.lock.since" // RFC 3339, UTC
)

// DefaultLockTimeout is how old a lock whose holder still seems alive may
// get before it is broken: a holder that hangs, or whose connection to the
// engine is cut without the engine noticing, would otherwise hold it until
// the engine's TCP keepalive gives up (hours).
const DefaultLockTimeout = time.Hour

// startGrace is how long a lock container may stay created but not started:
// its holder is between the create and the start.
const startGrace = time.Minute

// ErrLockTaken is wrapped by Locker.HoldLock when a container of the lock's
// name exists already (the engine refused the create).
var ErrLockTaken = errors.New("the lock container exists")

// Locker is what an engine needs to hold a deploy lock: a container whose
// name is unique on the engine, so creating it is the atomic test-and-set,
// and that runs only while its holder is connected.
type Locker interface {
	// HoldLock creates the container spec names (its Entrypoint reads
	// standard input until it ends), attaches to its standard input and
	// starts it. It runs until the returned Closer closes that connection,
	// or this process dies and the engine closes it: the container then
	// exits on its own. A container of that name already there fails with
	// an error wrapping ErrLockTaken.
	HoldLock(ctx context.Context, spec ContainerSpec) (id string, hold io.Closer, err error)
	// LockContainer returns the container called name; ok is false when
	// there is none.
	LockContainer(ctx context.Context, name string) (c Observed, ok bool, err error)
	// ReleaseLock removes the lock container id HoldLock made.
	ReleaseLock(ctx context.Context, id string) error
}

// LockHolder says who holds, or asks for, a lock.
type LockHolder struct {
	User, Machine string
	Task          string // e.g. "run:all,host=web1"
	PID           int
	Since         time.Time
}

func (h LockHolder) String() string {
	s := h.User + "@" + h.Machine
	if h.PID != 0 {
		s += " (pid " + strconv.Itoa(h.PID) + ")"
	}
	if h.Task != "" {
		s += ", task " + h.Task
	}
	if !h.Since.IsZero() {
		s += ", since " + h.Since.Local().Format(time.RFC3339)
	}
	return s
}

func (h LockHolder) labels(project string) map[string]string {
	return map[string]string{
		LabelLock: project, LabelLockUser: h.User, LabelLockMachine: h.Machine, LabelLockTask: h.Task,
		LabelLockPID: strconv.Itoa(h.PID), LabelLockSince: h.Since.UTC().Format(time.RFC3339),
	}
}

func holderOf(labels map[string]string) LockHolder {
	h := LockHolder{User: labels[LabelLockUser], Machine: labels[LabelLockMachine], Task: labels[LabelLockTask]}
	h.PID, _ = strconv.Atoi(labels[LabelLockPID])
	h.Since, _ = time.Parse(time.RFC3339, labels[LabelLockSince])
	return h
}

// LockRequest is a lock asked of one target.
type LockRequest struct {
	Project string
	// What names the target in messages; "" is the target's Describe.
	What   string
	Holder LockHolder // who asks; Since is set when the lock is taken
	// Wait is how long to wait for a held lock (lock_wait); 0 fails at once.
	Wait time.Duration
	// Timeout is the age past which a lock is broken although its holder
	// seems alive; 0 is DefaultLockTimeout.
	Timeout time.Duration
	// Images are the images, in order of preference, the lock container
	// may be made of; the first the engine has is used.
	Images []string
	// Say receives what the lock does that the user should know: waiting,
	// breaking a dead holder's lock. nil = discard.
	Say func(string)
}

// LockName is the name of a project's lock container on an engine.
func LockName(project string) string { return "dockerops-lock-" + project }

// LockedError is a lock another process holds.
type LockedError struct {
	Target string // "the local engine", "host web1"
	Holder LockHolder
	Waited time.Duration
}

func (e *LockedError) Error() string {
	msg := fmt.Sprintf("%s is being changed by %s", e.Target, e.Holder)
	if !e.Holder.Since.IsZero() {
		msg += fmt.Sprintf(" (%s ago)", time.Since(e.Holder.Since).Round(time.Second))
	}
	if e.Waited > 0 {
		return msg + fmt.Sprintf("; still locked after waiting %s (lock_wait)", e.Waited.Round(time.Second))
	}
	return msg + "; try again when it is done, or wait for it with lock_wait=SECONDS"
}

// Lock is a deploy lock this process holds on one target.
type Lock struct {
	target string
	locker Locker
	id     string
	hold   io.Closer
}

// Release removes the lock container, even when ctx is cancelled (Ctrl-C).
// A nil Lock releases nothing.
func (l *Lock) Release(ctx context.Context) error {
	if l == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := l.locker.ReleaseLock(ctx, l.id)
	l.hold.Close()
	if err != nil {
		return fmt.Errorf("release the deploy lock of %s: %w", l.target, err)
	}
	return nil
}

// ErrNoLockImage is returned (wrapped) by TakeLock when the target has none
// of the images the lock container could be made of.
var ErrNoLockImage = errors.New("no image to make the lock container of")

// TakeLock takes project's deploy lock on the target: the lock container
// LockName(project) on its engine. A lock held by another process is waited
// for up to req.Wait, polling with a growing pause, then fails with a
// *LockedError naming the holder. A lock whose container stopped (its
// holder died, so the engine closed its standard input) or that is older
// than req.Timeout is broken, saying so. An engine that cannot hold locks
// returns a nil Lock and no error.
func TakeLock(ctx context.Context, t Target, req LockRequest) (*Lock, error) {
	locker, ok := t.Engine.(Locker)
	if !ok {
		return nil, nil
	}
	w := newLockWait(t, req)
	image, err := lockImage(ctx, t.Engine, req.Images)
	if err != nil {
		return nil, fmt.Errorf("deploy lock on %s: %w", w.what, err)
	}
	name := LockName(req.Project)
	for {
		me := req.Holder
		me.Since = time.Now()
		id, hold, err := locker.HoldLock(ctx, ContainerSpec{Name: name, Image: image, Labels: me.labels(req.Project),
			Entrypoint: []string{"cat"}, Cmd: []string{}, OpenStdin: true})
		if err == nil {
			return &Lock{target: w.what, locker: locker, id: id, hold: hold}, nil
		}
		if !errors.Is(err, ErrLockTaken) {
			return nil, fmt.Errorf("deploy lock on %s: %w", w.what, err)
		}
		c, found, err := locker.LockContainer(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("deploy lock on %s: %w", w.what, err)
		}
		if found {
			holder := holderOf(c.Labels)
			if why := broken(c, holder, w.timeout); why != "" {
				w.say(fmt.Sprintf("deploy lock on %s of %s %s; breaking it", w.what, holder, why))
				// By ID: if another process broke it first and took it
				// anew, its lock has another ID and stays.
				if err := t.Engine.Remove(ctx, c.ID); err != nil {
					return nil, fmt.Errorf("deploy lock on %s: break it: %w", w.what, err)
				}
				continue
			}
			if err := w.held(holder); err != nil {
				return nil, err
			}
		}
		if err := w.pause(ctx); err != nil {
			return nil, err
		}
	}
}

// WaitUnlocked waits, as TakeLock would, while another process holds
// project's deploy lock on the target, without taking it: a task that
// found nothing to change calls it rather than say "up to date" of a
// target another process is changing, and so costs no lock container. A
// lock whose holder died counts as free (the next TakeLock breaks it).
func WaitUnlocked(ctx context.Context, t Target, req LockRequest) error {
	locker, ok := t.Engine.(Locker)
	if !ok {
		return nil
	}
	w := newLockWait(t, req)
	for {
		c, found, err := locker.LockContainer(ctx, LockName(req.Project))
		if err != nil {
			return fmt.Errorf("deploy lock on %s: %w", w.what, err)
		}
		holder := holderOf(c.Labels)
		if !found || broken(c, holder, w.timeout) != "" {
			return nil
		}
		if err := w.held(holder); err != nil {
			return err
		}
		if err := w.pause(ctx); err != nil {
			return err
		}
	}
}

// lockWait is the waiting for a held lock that TakeLock and WaitUnlocked
// share: up to req.Wait, saying so once, with a growing pause.
type lockWait struct {
	what     string
	wait     time.Duration
	timeout  time.Duration
	say      func(string)
	deadline time.Time
	next     time.Duration // the next pause
	waiting  bool
}

func newLockWait(t Target, req LockRequest) *lockWait {
	w := &lockWait{what: req.What, wait: req.Wait, timeout: req.Timeout, say: req.Say,
		deadline: time.Now().Add(req.Wait), next: 100 * time.Millisecond}
	if w.what == "" {
		w.what = t.Describe()
	}
	if w.timeout <= 0 {
		w.timeout = DefaultLockTimeout
	}
	if w.say == nil {
		w.say = func(string) {}
	}
	return w
}

// held is told the lock is held by holder: past the deadline it returns
// the *LockedError; before, it says once that it waits.
func (w *lockWait) held(holder LockHolder) error {
	left := time.Until(w.deadline)
	if left <= 0 {
		e := &LockedError{Target: w.what, Holder: holder}
		if w.waiting {
			e.Waited = w.wait
		}
		return e
	}
	if !w.waiting {
		w.waiting = true
		w.say(fmt.Sprintf("waiting for the deploy lock on %s, held by %s (lock_wait=%s)", w.what, holder, strconv.FormatFloat(w.wait.Seconds(), 'f', -1, 64)))
	}
	w.next = min(w.next, left)
	return nil
}

// pause sleeps until the next look, or until ctx ends.
func (w *lockWait) pause(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(w.next):
	}
	w.next = min(2*w.next, 2*time.Second)
	return nil
}

// broken says why a lock container no longer holds its lock, "" when it
// does.
func broken(c Observed, h LockHolder, timeout time.Duration) string {
	age := time.Since(h.Since)
	switch {
	case c.State == "exited" || c.State == "dead":
		return "was left by a process that died"
	case c.State == "created" && (h.Since.IsZero() || age > startGrace):
		return "was left by a process that died before it started it"
	case !h.Since.IsZero() && age > timeout:
		return fmt.Sprintf("is older than the lock timeout (%s)", timeout)
	}
	return ""
}

// lockImage is the first of images the engine has.
func lockImage(ctx context.Context, e Engine, images []string) (string, error) {
	for _, ref := range images {
		id, err := e.ImageID(ctx, ref)
		if err != nil {
			return "", err
		}
		if id != "" {
			return ref, nil
		}
	}
	return "", fmt.Errorf("%w (looked for %v)", ErrNoLockImage, images)
}
