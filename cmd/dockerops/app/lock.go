package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/digitalocean"
	"github.com/dockerops/dockerops/orchestrator/dockerengine"
)

var keyLockWait = Key{"lock_wait", kindNumber, "how long to wait for the deploy lock when another process is changing the target (default 0: fail at once, naming who holds it)"}

// dropletDial bounds the connection to each droplet provision and destroy
// lock: a droplet that does not answer is not locked, and should not hold
// the task up.
const dropletDial = 20 * time.Second

// lockScope lists the engines a task is about to change, each to be locked
// for the task's duration; none when the task will change nothing (a dry
// run). It runs before the task: the errors it returns are the task's own.
type lockScope func(ctx context.Context, s *session, a Args) ([]lockTarget, error)

// lockTarget is one engine to lock: the local one (host ""), a host's, or
// the one that stands for the swarm.
type lockTarget struct {
	host   string
	what   string // for messages; "" = the target's own description
	engine orchestrator.Engine
	owned  bool   // dialled for the lock alone: closed with it
	ip     string // a droplet's public address, to know it was destroyed
}

// lockEngine is the scope of run, clean, start and stop: the
// engine host= names, the local one without it, or the swarm's lock engine
// with hosts=all.
func lockEngine(ctx context.Context, s *session, a Args) ([]lockTarget, error) {
	if a.flag("dry_run") {
		return nil, nil
	}
	host := a.strOr("host", "")
	what := ""
	if all, err := a.allHosts(""); err != nil {
		return nil, nil // the task says what is wrong with its keys
	} else if all {
		if host, err = s.swarmLockHost(); err != nil {
			return nil, err
		}
		what = "the swarm (its lock is on host " + host + ")"
	}
	e, err := s.dockerEngine(ctx, host)
	if err != nil {
		return nil, err
	}
	return []lockTarget{{host: host, what: what, engine: e}}, nil
}

// lockSwarm is rollback's scope: the swarm's lock engine with hosts=all,
// without which rollback refuses to run.
func lockSwarm(ctx context.Context, s *session, a Args) ([]lockTarget, error) {
	if all, err := a.allHosts(""); err != nil || !all {
		return nil, nil
	}
	return lockEngine(ctx, s, a)
}

// swarmLockHost is the host whose engine holds the swarm's lock: the first
// manager in hosts.conf order, so every machine picks the same one whatever
// manager answers first.
func (s *session) swarmLockHost() (string, error) {
	_, hosts, err := s.projectHosts()
	if err != nil {
		return "", err
	}
	for _, h := range hosts.All() {
		if h.Manager {
			return h.Name, nil
		}
	}
	return "", fmt.Errorf("%s has no manager host", hosts.File)
}

// lockDroplets is the scope of provision and destroy: the engine of every
// droplet the project has in the account (not inventory.json, which
// another machine may lack), in hosts.conf order. A host without a droplet
// has no engine to lock yet; one that does not answer is said and skipped.
// provision,wait=False reaches no engine, so it locks none.
func lockDroplets(ctx context.Context, s *session, a Args) ([]lockTarget, error) {
	if b := a.boolPtr("wait"); b != nil && !*b {
		return nil, nil
	}
	p, hosts, client, err := s.cloud("")
	if err != nil {
		return nil, err
	}
	inv, err := digitalocean.RebuildInventory(ctx, client, p.Name)
	if err != nil {
		return nil, err
	}
	key, err := s.projectKey(p)
	if err != nil {
		return nil, err
	}
	all := hosts.All()
	found := make([]lockTarget, len(all))
	var wg sync.WaitGroup
	for i, h := range all {
		entry, ok := inv[h.Name]
		if !ok || entry.Public.IPv4 == "" {
			continue
		}
		wg.Go(func() {
			dctx, cancel := context.WithTimeout(ctx, dropletDial)
			defer cancel()
			e, err := dockerengine.New(dctx, s.dropletSSH(p, key.Signer, entry.Public.IPv4))
			if err == nil {
				if _, err = e.Ping(dctx); err != nil {
					e.Close()
				}
			}
			if err != nil {
				found[i] = lockTarget{host: h.Name, what: "unreachable: " + err.Error()}
				return
			}
			found[i] = lockTarget{host: h.Name, engine: e, owned: true, ip: entry.Public.IPv4}
		})
	}
	wg.Wait()
	var out []lockTarget
	for _, t := range found {
		if t.host != "" {
			out = append(out, t)
		}
	}
	return out, ctx.Err()
}

// locks holds the deploy locks of one task.
type locks struct {
	s     *session
	held  []heldLock
	owned []orchestrator.Engine // dialled for the lock alone, closed with it
}

type heldLock struct {
	*orchestrator.Lock
	ip string // of the droplet it is on, "" when it is no droplet's
}

// release frees the locks, last taken first, even after Ctrl-C. A lock on
// a droplet the task destroyed went with it: dialling its address again
// would reach whatever machine has it now. A lock that cannot be removed
// is said: its container stops when this process ends, and the next task
// breaks it.
func (l *locks) release(ctx context.Context) {
	if l == nil {
		return
	}
	for i := len(l.held) - 1; i >= 0; i-- {
		if h := l.held[i]; h.ip == "" || !l.s.destroyed(h.ip) {
			if err := h.Release(ctx); err != nil {
				fmt.Fprintf(l.s.env.Stderr, "dockerops: warning: %v\n", err)
			}
		}
	}
	for _, e := range l.owned {
		closeEngine(e)
	}
}

// takeLocks takes the deploy locks of the targets task t with args a is
// about to change, waiting for each up to lock_wait.
func (s *session) takeLocks(ctx context.Context, t *Task, a Args) (*locks, error) {
	if t.Lock == nil {
		return &locks{s: s}, nil
	}
	targets, l, err := s.lockTargets(ctx, t, a)
	if err != nil {
		return nil, err
	}
	req, done, err := s.lockRequest(t, a)
	if err != nil {
		l.release(ctx)
		return nil, err
	}
	defer done()
	for _, tg := range targets {
		if tg.engine == nil {
			req.Say(fmt.Sprintf("host %s does not answer, its deploy lock is not taken (%s)", tg.host, strings.TrimPrefix(tg.what, "unreachable: ")))
			continue
		}
		req.What = tg.what
		lock, err := orchestrator.TakeLock(ctx, orchestrator.Target{Host: tg.host, Engine: tg.engine}, req)
		if errors.Is(err, orchestrator.ErrNoLockImage) {
			req.Say(fmt.Sprintf("%v; going on without it", err))
			continue
		}
		if err != nil {
			l.release(ctx)
			return nil, err
		}
		if lock != nil {
			l.held = append(l.held, heldLock{Lock: lock, ip: tg.ip})
		}
	}
	return l, nil
}

// lockTargets lists the engines task t with args a locks, and the locks
// that will hold them, which close the engines dialled for the lock alone.
func (s *session) lockTargets(ctx context.Context, t *Task, a Args) ([]lockTarget, *locks, error) {
	l := &locks{s: s}
	targets, err := t.Lock(ctx, s, a)
	for _, tg := range targets {
		if tg.owned {
			l.owned = append(l.owned, tg.engine)
		}
	}
	if err != nil {
		l.release(ctx)
		return nil, nil, err
	}
	return targets, l, nil
}

// lockRequest is what task t with args a asks of each lock. What the locks
// say (waiting, breaking a dead holder's lock) goes through the task's
// progress renderer, made only when there is something to say and closed
// by done, before the task makes its own.
func (s *session) lockRequest(t *Task, a Args) (req orchestrator.LockRequest, done func(), err error) {
	name, err := s.projectForEngine()
	if err != nil {
		return req, nil, err
	}
	var progress io.WriteCloser
	say := func(line string) {
		if progress == nil {
			var err error
			if progress, err = s.progressLines(a, "lock"); err != nil {
				progress = nopWriteCloser{s.env.Stderr}
			}
		}
		fmt.Fprintln(progress, line)
	}
	done = func() {
		if progress != nil {
			progress.Close()
		}
	}
	return orchestrator.LockRequest{Project: name, Holder: s.lockHolder(t, a), Wait: seconds(a.numOr("lock_wait", 0)), Say: say,
		Images: lockImages(name, s.getenv("BASE_IMAGE"))}, done, nil
}

// runLocked runs task t holding its deploy locks: taken first, or, for a
// LockOnChange task, when it first writes; released when it ends.
func (s *session) runLocked(ctx context.Context, t *Task, a Args) error {
	if t.LockOnChange {
		s.gate = &lockGate{task: t, args: a}
		defer func() {
			s.gate.held.release(ctx)
			s.gate = nil
		}()
		return t.Run(ctx, s, a)
	}
	held, err := s.takeLocks(ctx, t, a)
	if err != nil {
		return err
	}
	defer held.release(ctx)
	return t.Run(ctx, s, a)
}

// lockingOnChange is locking for a task that takes its locks only once it
// knows it will write (run): it calls s.changing before its first write,
// and s.unchanged when it found nothing to do, so a run with nothing to do
// costs no lock container, yet still waits for, or names, a process that
// is changing the target.
func lockingOnChange(scope lockScope, t *Task) *Task {
	t = locking(scope, t)
	t.LockOnChange = true
	return t
}

// lockGate is the deploy lock of a LockOnChange task, taken when it first
// writes (see lockingOnChange).
type lockGate struct {
	task *Task
	args Args
	held *locks // nil until s.changing
}

// changing takes the running task's deploy locks before its first write,
// once; it returns true when it took them now: what the task planned
// before may be stale (another process may have changed the target while
// it waited), so it plans again. A task that is not LockOnChange holds its
// locks already.
func (s *session) changing(ctx context.Context) (bool, error) {
	g := s.gate
	if g == nil || g.held != nil {
		return false, nil
	}
	held, err := s.takeLocks(ctx, g.task, g.args)
	if err != nil {
		return false, err
	}
	g.held = held
	return true, nil
}

// unchangedAfter is told the running task found nothing to change: it
// waits, up to lock_wait, while another process holds one of the task's
// locks, and fails naming it as taking the lock would, without making a
// lock container. plan, when the task planned on one of its targets, is
// that plan: the lock container its list showed, or did not, is not looked
// for again there.
func (s *session) unchangedAfter(ctx context.Context, plan *orchestrator.Plan) error {
	g := s.gate
	if g == nil || g.held != nil {
		return nil
	}
	targets, l, err := s.lockTargets(ctx, g.task, g.args)
	if err != nil {
		return err
	}
	defer l.release(ctx) // holds none: closes the engines dialled for it
	req, done, err := s.lockRequest(g.task, g.args)
	if err != nil {
		return err
	}
	defer done()
	for _, tg := range targets {
		if tg.engine != nil {
			req.What = tg.what
			t := orchestrator.Target{Host: tg.host, Engine: tg.engine}
			if err := orchestrator.WaitUnlockedAfter(ctx, t, req, plan); err != nil {
				return err
			}
		}
	}
	return nil
}

// lockImages are the images a lock container may be made of, as a helper
// container is of one already on the machine: the base image builds start
// from, the Debian image provision checks a droplet with, or the project's
// own base image.
func lockImages(project, baseImage string) []string {
	images := []string{digitalocean.ReadyImage, project + "/dockerops-base"}
	if baseImage != "" {
		images = append([]string{baseImage}, images...)
	}
	return images
}

// lockHolder says who this process is, for the lock's labels: the user,
// the machine, the pid and the task (its name, argument and target keys;
// never other values, which may be secrets).
func (s *session) lockHolder(t *Task, a Args) orchestrator.LockHolder {
	task := t.Name
	if a.Arg != "" {
		task += ":" + a.Arg
	}
	for _, k := range []string{"host", "hosts", "group", "instance"} {
		if v, ok := a.str(k); ok {
			task += "," + k + "=" + v
		}
	}
	machine, _ := os.Hostname()
	return orchestrator.LockHolder{User: currentUser(), Machine: machine, Task: task, PID: os.Getpid()}
}

// currentUser is the name of the user this process runs as.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// markDestroyed records the public addresses of droplets this command
// deleted, whose locks went with them.
func (s *session) markDestroyed(ips ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gone == nil {
		s.gone = map[string]bool{}
	}
	for _, ip := range ips {
		s.gone[ip] = true
	}
}

func (s *session) destroyed(ip string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gone[ip]
}
