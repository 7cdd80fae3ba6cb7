package app

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	basecontainer "github.com/dockerops/dockerops/base_container"
	"github.com/dockerops/dockerops/orchestrator"
	"github.com/dockerops/dockerops/orchestrator/dockerengine"
	"github.com/dockerops/dockerops/orchestrator/sshkey"
	"github.com/dockerops/dockerops/project"
)

// session is what the tasks of one command line share: the project, loaded
// once per run conf, and one engine connection.
type session struct {
	env      Env
	log      *slog.Logger
	projects map[string]*project.Project
	mu       sync.Mutex                     // guards engines: hosts=all dials hosts at once
	engines  map[string]orchestrator.Engine // by host; "" is the local engine
	gone     map[string]bool                // addresses of droplets destroyed (lock.go)
	purge    destroyPurge                   // what destroy's question named for deletion
	gate     *lockGate                      // the running LockOnChange task's lock
}

func newSession(env Env, log *slog.Logger) *session {
	return &session{env: env, log: log, projects: map[string]*project.Project{}, engines: map[string]orchestrator.Engine{}}
}

func (s *session) close() {
	for _, e := range s.engines {
		closeEngine(e)
	}
}

func (s *session) getenv(key string) string {
	v, _ := s.env.Getenv(key)
	return v
}

// projectDir is PROJECT_DIR or the current directory.
func (s *session) projectDir() (string, error) {
	dir := s.getenv("PROJECT_DIR")
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return "", err
		}
	}
	return filepath.Abs(dir)
}

// project loads and validates the project with the given run conf.
func (s *session) project(conf string) (*project.Project, error) {
	if p, ok := s.projects[conf]; ok {
		return p, nil
	}
	dir, err := s.projectDir()
	if err != nil {
		return nil, err
	}
	p, err := project.Load(project.Options{
		Dir:           dir,
		Name:          s.getenv("PROJECT_NAME"),
		AppsDir:       s.getenv("APPS_CONTAINERS_DIR"),
		ServicesDir:   s.getenv("SERVICES_IMAGES_DIR"),
		DataDir:       s.getenv("DATA_DIR"),
		BaseDir:       cmp.Or(s.getenv("BASE_CONTAINERS_DIR"), s.getenv("BASE_IMAGES_DIR")),
		RunConf:       conf,
		Getenv:        s.env.Getenv,
		BaseContainer: baseFS(),
	})
	if err != nil {
		return nil, err
	}
	s.log.Debug("project loaded", "name", p.Name, "dir", p.Dir, "run_conf", p.RunConfPath)
	s.projects[conf] = p
	return p, nil
}

// dockerEngine connects once to the engine of host ("" = the local one:
// DOCKER_HOST or the default socket) and checks it answers.
func (s *session) dockerEngine(ctx context.Context, host string) (orchestrator.Engine, error) {
	s.mu.Lock()
	e, ok := s.engines[host]
	s.mu.Unlock()
	if ok {
		return e, nil
	}
	dial := s.env.Engine
	if dial == nil {
		dial = s.dialDocker
	}
	e, err := dial(ctx, host)
	if err != nil {
		return nil, err
	}
	if err := s.reach(ctx, e); err != nil {
		closeEngine(e)
		if host != "" {
			return nil, fmt.Errorf("host %s: %w", host, err)
		}
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.engines[host]; ok { // dialled twice at once: keep one
		if prev != e {
			closeEngine(e)
		}
		return prev, nil
	}
	s.engines[host] = e
	return e, nil
}

// reacher is an engine that can check it answers in one request, lighter
// than Ping, which also asks its version.
type reacher interface {
	Reach(ctx context.Context) (apiVersion string, err error)
}

// reach checks a newly dialled engine answers, so a task fails before it
// does anything when one of its engines is down.
func (s *session) reach(ctx context.Context, e orchestrator.Engine) error {
	if r, ok := e.(reacher); ok {
		api, err := r.Reach(ctx)
		s.log.Debug("engine", "api", api)
		return err
	}
	info, err := e.Ping(ctx)
	s.log.Debug("engine", "host", info.Host, "version", info.ServerVersion, "api", info.APIVersion)
	return err
}

// dialDocker connects to the Docker engine of host: DOCKER_HOST or the
// default socket for "", the droplet's socket through SSH otherwise.
func (s *session) dialDocker(ctx context.Context, host string) (orchestrator.Engine, error) {
	opts := dockerengine.Options{Host: s.getenv("DOCKER_HOST")}
	if host != "" {
		var err error
		if opts, err = s.remoteEngineOptions(ctx, host); err != nil {
			return nil, err
		}
	}
	opts.Log = s.log
	e, err := dockerengine.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// closeEngine closes the connections of an engine that holds any.
func closeEngine(e orchestrator.Engine) {
	if c, ok := e.(io.Closer); ok {
		c.Close()
	}
}

// engineFor is the engine a task's host= key names.
func (s *session) engineFor(ctx context.Context, a Args) (orchestrator.Engine, error) {
	return s.dockerEngine(ctx, a.strOr("host", ""))
}

// engineAndProject is the engine a task acts on and the project name its
// containers are labelled with, for tasks that need no valid conf.
func (s *session) engineAndProject(ctx context.Context, a Args) (orchestrator.Engine, string, error) {
	e, err := s.engineFor(ctx, a)
	if err != nil {
		return nil, "", err
	}
	name, err := s.projectForEngine()
	if err != nil {
		return nil, "", err
	}
	return e, name, nil
}

// orchestrator wires the project to the target host= names, with the
// project's ssh key.
func (s *session) orchestrator(ctx context.Context, p *project.Project, a Args) (*orchestrator.Orchestrator, error) {
	t, err := s.target(ctx, a, p.Name, p)
	if err != nil {
		return nil, err
	}
	key, err := s.projectKey(p)
	if err != nil {
		return nil, err
	}
	o, err := s.newOrchestrator(t, p.Name, a)
	if err != nil {
		return nil, err
	}
	o.AuthorizedKeys = key.AuthorizedKey()
	return o, nil
}

// newOrchestrator is an orchestrator of the target for one task, with the
// task's progress renderer.
func (s *session) newOrchestrator(t orchestrator.Target, name string, a Args) (*orchestrator.Orchestrator, error) {
	events, err := s.events(a)
	if err != nil {
		return nil, err
	}
	return &orchestrator.Orchestrator{
		Target:      t,
		Project:     name,
		Events:      events,
		Log:         s.log,
		Parallel:    a.countOr("parallel", 0),
		StopTimeout: seconds(a.numOr("timeout", 10)),
		WaitTimeout: seconds(a.numOr("wait_timeout", 120)),
	}, nil
}

// notify sends lines of text a task says about its work (the plan, what it
// skipped) through the task's renderer, so progress=json stays JSON.
func notify(o *orchestrator.Orchestrator, action orchestrator.Action, text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		o.Events.Event(orchestrator.Event{Time: time.Now(), Host: o.Host, Action: action, Status: orchestrator.Working, Detail: line})
	}
}

func (s *session) projectKey(p *project.Project) (*sshkey.Key, error) {
	return sshkey.Ensure(filepath.Join(p.DataDir, ".ssh"))
}

func baseFS() fs.FS { return basecontainer.FS() }
