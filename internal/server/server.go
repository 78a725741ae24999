// Package server assembles Sieve: it opens the data directory (project
// registry, store), builds the ingestion and API handlers, serves them over
// HTTP(S) and shuts down in a stated order: stop accepting, finish in-flight
// requests, commit and close the store.
//
// server is imported only by cmd; it may import every internal package.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sieve-analytics/sieve/internal/advisory"
	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/api"
	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/backup"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/findingstream"
	"github.com/sieve-analytics/sieve/internal/forward"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/ingest"
	"github.com/sieve-analytics/sieve/internal/lexicon"
	"github.com/sieve-analytics/sieve/internal/metrics"
	"github.com/sieve-analytics/sieve/internal/pii"
	"github.com/sieve-analytics/sieve/internal/plan"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/purge"
	"github.com/sieve-analytics/sieve/internal/scope"
	"github.com/sieve-analytics/sieve/internal/selftest"
	"github.com/sieve-analytics/sieve/internal/session"
	"github.com/sieve-analytics/sieve/internal/sign"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
	"github.com/sieve-analytics/sieve/internal/valueshape"
	"github.com/sieve-analytics/sieve/internal/version"
	sdkjs "github.com/sieve-analytics/sieve/sdk/js"
)

// Config is what a server needs. Zero values are sane defaults except
// DataDir, which is required.
type Config struct {
	Addr     string // listen address, default 127.0.0.1:8080; port 0 picks a free one
	DataDir  string
	AdminKey string // SIEVE_ADMIN_KEY; empty: generated on first start and printed once
	TLSCert  string // serve HTTPS with this certificate and key (PEM files)
	TLSKey   string
	Log      *slog.Logger
	Console  io.Writer // where first-start keys are printed, in one block; default os.Stderr
	// AllowPrivateWebhooks lets alert webhooks reach loopback, link-local
	// and private addresses (refused by default).
	AllowPrivateWebhooks bool
	// QueryTimeout and QueryMemory bound every analytics query (defaults
	// 60s and 1 GiB; see api.QueryLimits).
	QueryTimeout time.Duration
	QueryMemory  int64
	// QueryThreads is the embedded store's thread budget while queries run
	// (duckdb.Options.QueryThreads; 0: none).
	QueryThreads int
	// Store selects the backend: "" or "duckdb" for the embedded store in
	// DataDir, clickhouse://host:port/db?cluster=NAME for a ClickHouse
	// cluster (docs/CLICKHOUSE.md). With ClickHouse, projects, keys and
	// guard policies are kept in the cluster, shared by every Sieve node
	// on it; the audit log and purge journal stay in DataDir.
	Store string
	// NodeID names this node in shared state (default: host name and
	// Addr). RegistryPoll is how often a node on a shared registry reads
	// the other nodes' changes (default 1 s).
	NodeID       string
	RegistryPoll time.Duration
	// SelfTestInterval is the period of the self-test (default 10
	// minutes; negative: only on request, POST /api/selftest).
	SelfTestInterval time.Duration
	// LogTail receives a copy of the log output, for the self-test's log
	// check (nil: the log is not checked).
	LogTail *selftest.LogTail
}

// Server is one Sieve instance. Create it with New, then call Run.
type Server struct {
	piiPaths *pii.Paths // durable PII path set (see recordPIIPaths)
	cfg      Config
	log      *slog.Logger
	projects *project.Registry
	store    store.Store
	ingest   *ingest.Ingester
	insights *api.Insights
	// background components (lexicon flush, alerts, rescans): started by
	// Run, stopped after in-flight requests and before the store closes.
	background []func(context.Context) error
	bgCancel   context.CancelFunc
	bgDone     chan error
	api        *api.API
	audit      *audit.Log // closed last
	purges     *purge.Manager
	metrics    *metrics.Metrics
	sessions   *session.Store // web UI sign-ins, in memory
	alerter    *alert.Alerter
	stream     *findingstream.Stream // closed after the store
	forward    *forward.Forwarder    // event forwarding (docs/FORWARDING.md)
	selftest   *selftest.Runner

	ln       net.Listener
	http     *http.Server
	ready    chan struct{}
	stopping atomic.Bool
	backupMu sync.Mutex // one backup at a time
	// lastBackup is when the last backup through this process succeeded
	// (Unix seconds; 0: none since start), for /metrics.
	lastBackup atomic.Int64
}

// New opens the data directory and prepares the server; it does not listen
// yet. On the first start it creates the admin key (unless given) and the
// project "Default", and prints their keys once, in one block, to
// cfg.Console (see printKeys).
func New(cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("server: a data directory is required (--data or SIEVE_DATA)")
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if cfg.Console == nil {
		cfg.Console = os.Stderr
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, errors.New("server: --tls-cert and --tls-key go together")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: create data directory: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Log.With("component", "server"), ready: make(chan struct{})}

	be, err := openBackend(cfg)
	if err != nil {
		return nil, err
	}
	st := be.store
	reg, def, key, err := openRegistry(cfg, be)
	if err != nil {
		st.Close()
		return nil, err
	}
	s.projects = reg
	printKeys(cfg.Console, key, def)
	if reg.Shared() {
		poll := cfg.RegistryPoll
		if poll <= 0 {
			poll = time.Second
		}
		s.background = append(s.background, func(ctx context.Context) error {
			return reg.Poll(ctx, poll, s.log.With("component", "registry"))
		})
	}
	s.store = st
	s.log.Info("store opened", "backend", be.name)
	g := guard.New()
	guards := guardcache.New(reg, g)
	s.ingest = ingest.New(cfg.Log, reg, st, guards)
	s.api = api.New(cfg.Log, reg, st, g)
	s.sessions = session.New(session.Config{})
	s.api.SetSessions(s.sessions, cfg.TLSCert != "")
	if be.queries != nil {
		s.api.SetQueries(be.queries, api.QueryLimits{Time: cfg.QueryTimeout, Memory: cfg.QueryMemory})
	}
	if err := s.newForwarder(); err != nil {
		st.Close()
		return nil, err
	}
	if err := s.newAuditAndPurges(be.purges); err != nil {
		st.Close()
		return nil, err
	}
	if be.ch != nil {
		if err := s.copyAudit(be.ch); err != nil {
			st.Close()
			s.audit.Close()
			return nil, err
		}
	}
	if err := s.newInsights(be.scanner, guards); err != nil {
		st.Close()
		return nil, err
	}
	s.newMetrics(be.gauges)
	s.forwardMetrics()
	if be.backup != nil {
		s.api.SetBackup(s.backupFunc(be.backup))
	}
	if s.purges != nil { // the self-test ends with a purge
		s.newSelfTest(st)
	}

	s.http = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      30 * time.Minute, // exports stream; ingestion answers in well under a second
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    2 << 20, // single GET calls carry base64 payloads in the URL
		ErrorLog:          slog.NewLogLogger(cfg.Log.With("component", "http").Handler(), slog.LevelWarn),
	}
	return s, nil
}

// copyAudit names this node in its audit entries and copies them to the
// cluster: first what the cluster lacks, then each new entry.
func (s *Server) copyAudit(st *clickhouse.Store) error {
	c := &auditCopier{st: st, node: nodeID(s.cfg), log: s.log.With("component", "audit-copy")}
	s.audit.SetNode(c.node, c.add)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.catchUp(ctx, s.audit); err != nil {
		return fmt.Errorf("server: copy the audit log to the cluster: %w", err)
	}
	s.background = append(s.background, c.run)
	return nil
}

// openRegistry opens the registry of projects and keys: the backend's
// shared one, or <data>/meta. It creates the admin key and the project
// "Default" when missing and returns what it created.
func openRegistry(cfg Config, be *backend) (reg *project.Registry, def *project.Created, key string, err error) {
	if be.registry != nil {
		if reg, err = project.OpenShared(be.registry); err != nil {
			return nil, nil, "", err
		}
		// A node that kept its registry in <data>/meta before moving to a
		// shared one brings it to an empty cluster; a cluster that has one
		// already is not changed (the file is left as it is, unused).
		file := filepath.Join(cfg.DataDir, "meta", "registry.json")
		if _, serr := os.Stat(file); serr == nil {
			if reg.Empty() {
				local, err := project.Open(filepath.Join(cfg.DataDir, "meta"))
				if err != nil {
					return nil, nil, "", err
				}
				if err := reg.Import(local); err != nil {
					return nil, nil, "", err
				}
				cfg.Log.Info("registry: projects and keys of the data directory copied to the cluster's shared registry", "projects", len(reg.List()))
			} else {
				cfg.Log.Warn("registry: the cluster has a shared registry; the data directory's registry file is not used", "file", file)
			}
		}
	} else {
		reg, err = project.Open(filepath.Join(cfg.DataDir, "meta"))
	}
	if err != nil {
		return nil, nil, "", err
	}
	if key, err = reg.EnsureAdminKey(cfg.AdminKey); err != nil {
		return nil, nil, "", err
	}
	if def, err = reg.EnsureDefault(); err != nil {
		return nil, nil, "", err
	}
	return reg, def, key, nil
}

// printKeys prints what the first start created — the admin key (unless
// SIEVE_ADMIN_KEY gave it) and the default project's token and secret — in
// one block set apart from the log lines, with how to recover a lost key.
// Sieve keeps only hashes: this is the one time they are shown.
func printKeys(w io.Writer, adminKey string, def *project.Created) {
	if adminKey == "" && def == nil {
		return
	}
	const rule = "================================================================"
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\nSieve created keys. They are shown once: only their hashes are stored.\n\n", rule)
	if adminKey != "" {
		fmt.Fprintf(&b, "  admin key:  %s\n\n", adminKey)
	}
	if def != nil {
		fmt.Fprintf(&b, "  project %q (id %d)\n  token:      %s\n  api_secret: %s\n\n", def.Name, def.ID, def.Token, def.APISecret)
	}
	b.WriteString("Lost the admin key? Start Sieve with SIEVE_ADMIN_KEY set to a new key\n" +
		"(16 characters or more): it replaces the stored one.\n" +
		"Lost a project's api_secret? POST /api/projects/{id}/secret with the\n" +
		"admin key gives a new one (the old one stays valid for a grace period).\n" +
		rule + "\n\n")
	_, _ = io.WriteString(w, b.String())
}

// Ready is closed once the server accepts connections.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Addr is the address the server listens on, once Ready.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Ingest exposes the ingester's counters.
func (s *Server) Ingest() *ingest.Ingester { return s.ingest }

// Run serves until ctx is done, then shuts down: stop accepting, wait for
// in-flight requests (bounded), then close the store, which commits what is
// pending. It returns the first error.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		s.store.Close()
		return fmt.Errorf("server: listen on %s: %w", s.cfg.Addr, err)
	}
	if s.cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
		if err != nil {
			ln.Close()
			s.store.Close()
			return fmt.Errorf("server: load TLS certificate: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	s.ln = ln
	scheme := "http"
	if s.cfg.TLSCert != "" {
		scheme = "https"
	}
	s.log.Info("listening", "addr", ln.Addr().String(), "scheme", scheme, "data", s.cfg.DataDir)
	close(s.ready)

	served := make(chan error, 1)
	go func() { served <- s.http.Serve(ln) }()
	bgCtx, bgCancel := context.WithCancel(context.Background())
	s.bgCancel, s.bgDone = bgCancel, make(chan error, len(s.background))
	for _, run := range s.background {
		go func() { s.bgDone <- run(bgCtx) }()
	}

	select {
	case err = <-served:
	case <-ctx.Done():
	}
	return errors.Join(err, s.shutdown())
}

func (s *Server) shutdown() error {
	s.stopping.Store(true)
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	s.log.Info("stopped accepting; in-flight requests done", "took", time.Since(t0).Round(time.Millisecond))
	if s.bgCancel != nil {
		tb := time.Now()
		s.bgCancel()
		for range s.background {
			if berr := <-s.bgDone; berr != nil {
				err = errors.Join(err, berr)
			}
		}
		s.log.Info("lexicon, alerts and rescans stopped and flushed", "took", time.Since(tb).Round(time.Millisecond))
	}
	t1 := time.Now()
	if cerr := s.store.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	s.log.Info("store closed", "took", time.Since(t1).Round(time.Millisecond))
	if s.stream != nil {
		if cerr := s.stream.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}
	if s.audit != nil {
		if cerr := s.audit.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
		s.log.Info("audit log closed")
	}
	return err
}

// newAuditAndPurges opens the signing keys (<data>/keys), the audit log
// (<data>/audit) and the purge journal (<data>/purges), and hooks them into the API and ingestion.
// Purge jobs run as a background component: stopped with the others,
// before the store closes; an interrupted job resumes at the next start.
//
// pb nil (a backend without purges): no purge manager; purge routes
// answer 503.
func (s *Server) newAuditAndPurges(pb purge.Backend) error {
	keys, err := sign.Open(filepath.Join(s.cfg.DataDir, "keys"))
	if err != nil {
		return err
	}
	s.api.SetKeys(keys)
	al, err := audit.Open(filepath.Join(s.cfg.DataDir, "audit"), s.cfg.Log)
	if err != nil {
		return err
	}
	s.audit = al
	s.api.SetAudit(al)
	s.ingest.SetDeniedHook(func(r *http.Request, endpoint string, status int) {
		al.Denied(audit.Entry{Actor: "unauthenticated", Action: "ingest.denied", Endpoint: endpoint, Outcome: audit.Denied, Status: status}, audit.Source(r))
	})
	if err := s.newFindingStream(al); err != nil {
		al.Close()
		return err
	}
	if pb == nil {
		return nil
	}
	pb = forwardPurging{pb, s.forward} // purges reach what is still queued for forwarding
	pm, err := purge.New(purge.Config{Dir: filepath.Join(s.cfg.DataDir, "purges"), Backend: pb, HashID: al.HashID, Log: s.cfg.Log,
		Sign: keys.Sign,
		OnFinish: func(j purge.Job) {
			e := audit.Entry{Actor: j.RequestedBy, Action: "purge.done", ProjectID: j.Criteria.ProjectID, Outcome: audit.OK,
				Criteria: map[string]any{"job_id": j.ID, "status": j.Status}, Properties: j.Criteria.Properties, Events: j.Criteria.Events,
				Rows: j.RowsChanged}
			if j.Status != purge.StatusDone {
				e.Outcome = audit.Failed
			}
			if err := al.Append(e); err != nil {
				s.log.Error("audit append failed", "action", e.Action, "err", err)
			}
			s.eraseFromStream(al, j)
		}})
	if err != nil {
		al.Close()
		return err
	}
	s.purges = pm
	// Erasures that finished but did not reach the findings stream (a
	// crash in between) reach it now.
	for _, j := range pm.List(0) {
		s.eraseFromStream(al, j)
	}
	s.api.SetPurges(pm)
	s.background = append(s.background, func(ctx context.Context) error {
		pm.Start()
		<-ctx.Done()
		pm.Close()
		return nil
	})
	return nil
}

// eraseFromStream takes the keyed hashes of a finished GDPR erasure's
// distinct_ids (a purge of whole users: no events, properties or times
// named) out of the findings stream, once per job (docs/PRIVACY.md). The
// store's findings of those users are gone with the purge; the stream keeps
// the records, no longer linked to the person.
func (s *Server) eraseFromStream(al *audit.Log, j purge.Job) {
	if s.stream == nil || j.Status != purge.StatusDone || !j.Criteria.EraseProfiles || len(j.Criteria.DistinctIDHash) == 0 || s.stream.Erased(j.ID) {
		return
	}
	n, err := s.stream.Erase(j.ID, j.Criteria.DistinctIDHash)
	if err != nil {
		s.log.Error("findings stream erasure failed; it is tried again at the next start", "job", j.ID, "err", err)
		return
	}
	s.log.Info("findings stream: erased users' hashes removed", "job", j.ID, "records", n)
	if err := al.Append(audit.Entry{Actor: "sieve", Action: "findings.erase", ProjectID: j.Criteria.ProjectID, Outcome: audit.OK,
		Criteria: map[string]any{"job_id": j.ID, "records": n}}); err != nil {
		s.log.Error("audit append failed", "action", "findings.erase", "err", err)
	}
}

// newInsights builds the lexicon, the alerter, the advisory registry and
// the rescan jobs (all metadata under <data>/insight), and hooks them into
// ingestion: advisories before the guard, the lexicon after it.
func (s *Server) newInsights(st store.EventScanner, guards *guardcache.Cache) error {
	dir := filepath.Join(s.cfg.DataDir, "insight")
	var al *alert.Alerter
	lex, err := lexicon.New(lexicon.Options{Dir: dir, Log: s.cfg.Log, OnSignal: func(sg lexicon.Signal) { al.Signal(sg) }})
	if err != nil {
		return err
	}
	if al, err = alert.New(alert.Options{Dir: dir, Log: s.cfg.Log, Source: lex, AllowPrivateWebhooks: s.cfg.AllowPrivateWebhooks}); err != nil {
		return err
	}
	adv, err := advisory.Open(dir)
	if err != nil {
		return err
	}
	shapes, err := valueshape.New(valueshape.Options{Dir: dir, Log: s.cfg.Log, OnAnomaly: func(an valueshape.Anomaly) {
		al.Signal(lexicon.Signal{Kind: alert.AnomalousValue, ProjectID: an.ProjectID, Path: an.Path, Seen: an.Seen, Time: an.Time})
	}})
	if err != nil {
		return err
	}
	jobs := &scope.Jobs{R: &scope.Rescanner{Projects: s.projects, Source: st, Guards: guards}, Log: s.cfg.Log.With("component", "scope")}
	s.ingest.SetHooks(advisory.Hook{Registry: adv, Fleet: lex}, lex)
	s.ingest.SetProfiler(shapes)
	plans, err := plan.Open(filepath.Join(s.cfg.DataDir, "plans"))
	if err != nil {
		return err
	}
	s.ingest.SetPlanner(plans)
	s.api.SetPlans(plans)
	s.api.SetPIIPaths(func(id int64, classes ...string) []string {
		out := lex.PathsWithClass(id, classes...)
		if s.piiPaths != nil {
			out = append(out, s.piiPaths.List(id)...)
		}
		return out
	})
	s.insights = s.api.Insights(lex, adv, al, jobs)
	s.api.SetPropertyNames(lex.HasProperty)
	s.alerter = al
	s.background = append(s.background, lex.Run, al.Run, jobs.Run, shapes.Run)
	return nil
}

// newMetrics registers what GET /metrics serves besides the ingester's own
// counters: store queue and files, disk free, audit failures, purge jobs.
func (s *Server) newMetrics(gauges func(*metrics.Metrics)) {
	m := metrics.New()
	s.metrics = m
	s.ingest.SetMetrics(m)
	if gauges != nil {
		gauges(m)
	}
	m.Gauge("sieve_disk_free_bytes", "Bytes available to Sieve on the file system of the data directory.", func() float64 {
		free, _ := diskFree(s.cfg.DataDir)
		return float64(free)
	})
	m.Gauge("sieve_backup_last_success_timestamp_seconds", "When the last backup through this server succeeded (Unix seconds; 0: none since it started).",
		func() float64 { return float64(s.lastBackup.Load()) })
	m.Counter("sieve_audit_write_failures_total", "Audit entries that could not be written.", func() float64 { return float64(s.audit.Failures()) })
	m.GaugeVec("sieve_purge_jobs", "Purge jobs by status.", "status", func() map[string]float64 {
		out := map[string]float64{}
		if s.purges == nil {
			return out
		}
		for _, j := range s.purges.List(0) {
			out[j.Status]++
		}
		return out
	})
}

// diskFree returns the bytes available to an unprivileged user on the file
// system holding dir.
func diskFree(dir string) (uint64, error) {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return 0, err
	}
	return fs.Bavail * uint64(fs.Bsize), nil
}

// metricsHandler serves GET /metrics to the admin key only: the metrics
// hold no value, but name routes, classes and volumes.
func (s *Server) metricsHandler() http.Handler {
	h := s.metrics.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who, err := (auth.Authenticator{Projects: s.projects}).FromRequest(r)
		if err != nil || !who.Global {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sieve"`)
			http.Error(w, "the admin key is required (Authorization: Bearer ...)", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// readyz answers 200 when the server can take data: the data directory
// takes a synced write, the last store commit and the last audit append
// succeeded. Otherwise 503 with the reasons, one a line (a load balancer
// then sends traffic elsewhere; /healthz only says the process runs).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	var reasons []string
	if s.stopping.Load() {
		reasons = append(reasons, "stopping")
	}
	if err := probeWrite(s.cfg.DataDir); err != nil {
		reasons = append(reasons, "the data directory cannot be written (is the disk full?)")
	}
	if s.ingest.Failing() {
		reasons = append(reasons, "the last store commit failed")
	}
	if s.audit != nil && s.audit.Failing() {
		reasons = append(reasons, "the last audit append failed")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if len(reasons) > 0 {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "not ready: "+strings.Join(reasons, "; ")+"\n")
		return
	}
	_, _ = io.WriteString(w, "ready\n")
}

// probeWrite writes, syncs and removes 64 KiB in dir: it fails when the
// file system is full or read-only.
func probeWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".readyz-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, 64<<10))
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.stopping.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "stopping\n")
		return
	}
	_, _ = io.WriteString(w, "ok\n")
}

// sdkConfig is what sieve.js learns about the project of token.
func (s *Server) sdkConfig(token string) (sdkjs.Config, bool) {
	p, ok := s.projects.ByToken(token)
	if !ok {
		return sdkjs.Config{}, false
	}
	return sdkjs.Config{Autotrack: p.Settings.Autotrack, URLParams: p.Settings.URLParams}, true
}

// ingestMiddleware answers CORS for browsers: mixpanel-browser sends
// credentials, so the request's Origin is echoed rather than "*".
func (s *Server) ingestMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if origin := r.Header.Get("Origin"); origin != "" {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Expose-Headers", "Retry-After")
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a handler panic into a 500. It logs the route and the
// stack, never the panic value, which could hold request data.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "handler panic", "method", r.Method, "route", r.Pattern, "stack", string(debug.Stack()))
				http.Error(w, `{"error":"internal error","status":"error"}`, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// backupFunc writes a backup of the data directory while the server
// serves: the store's consistent copy, an audit snapshot and the other
// files (package backup). One runs at a time.
func (s *Server) backupFunc(storeBackup func(ctx context.Context, dir string) (any, error)) api.BackupFunc {
	return func(ctx context.Context, dest, actor string) (*backup.Manifest, error) {
		if !s.backupMu.TryLock() {
			return nil, api.ErrBackupRunning
		}
		defer s.backupMu.Unlock()
		t0 := time.Now()
		m, err := backup.Create(ctx, backup.Sources{DataDir: s.cfg.DataDir, Audit: s.audit, Actor: actor, Online: true,
			Version: version.Version, Store: storeBackup}, dest)
		if err != nil {
			return nil, err
		}
		s.lastBackup.Store(time.Now().Unix())
		s.log.InfoContext(ctx, "backup written", "files", len(m.Files), "bytes", m.Bytes, "audit_seq", m.AuditSeq, "took", time.Since(t0).Round(time.Millisecond))
		return m, nil
	}
}

// newFindingStream opens the findings stream (<data>/findings) for the SIEM
// and its webhook forwarder (docs/PRIVACY.md), and feeds it from ingestion.
func (s *Server) newFindingStream(al *audit.Log) error {
	fst, err := findingstream.Open(findingstream.Options{Dir: filepath.Join(s.cfg.DataDir, "findings"), HashID: al.HashID,
		Critical: func(c string) bool { return c != plan.Class && guard.Critical(guard.Class(c)) }})
	if err != nil {
		return err
	}
	s.stream = fst
	fwd, err := alert.NewForwarder(alert.ForwarderOptions{Dir: filepath.Join(s.cfg.DataDir, "findings"), Source: fst, Log: s.cfg.Log,
		AllowPrivateWebhooks: s.cfg.AllowPrivateWebhooks})
	if err != nil {
		return err
	}
	piiPaths, err := pii.OpenPaths(filepath.Join(s.cfg.DataDir, "pii"))
	if err != nil {
		return err
	}
	s.piiPaths = piiPaths
	if !piiPaths.Rebuilt() {
		if err := s.rebuildPIIPaths(piiPaths); err != nil {
			return err
		}
	}
	s.ingest.SetFindingSink(func(fs []event.Finding) error {
		// The batch's PII paths are on disk before the batch is: a restart
		// or the lexicon's eviction never unmasks a stored value.
		if err := recordPIIPaths(piiPaths, fs); err != nil {
			return err
		}
		if err := fst.Append(fs); err != nil {
			return err
		}
		fwd.Notify()
		return nil
	})
	s.api.SetFindingStream(fst)
	s.api.SetFindingForwarder(fwd)
	s.background = append(s.background, fwd.Run)
	return nil
}

// piiPath is the property path f makes a PII path ("" for none).
func piiPath(f *event.Finding) string {
	if !slices.Contains(api.PIIClasses, f.Class) {
		return ""
	}
	path := f.Path
	if f.Event == "$engage" || f.Event == "$groups" {
		path = pii.ProfilePath(path)
	}
	if path == "" || path == "distinct_id" || strings.HasPrefix(path, "$group_") || path == "event" {
		return ""
	}
	return path
}

// rebuildPIIPaths records in ps the PII paths of every finding stored
// before ps existed (a data directory from a version without the set, or
// restored from a backup, which leaves the set's mark out), then marks ps
// rebuilt so that later starts skip this: from then on ingestion records a
// path before it stores the finding. It reads findings' metadata only
// (class, event, path), one PII class of one project at a time.
func (s *Server) rebuildPIIPaths(ps *pii.Paths) error {
	t0 := time.Now()
	ctx := context.Background()
	var ids []int64
	for _, p := range s.projects.List() { // not the self-test's project: its data is purged after each run
		ids = append(ids, p.ID)
	}
	total := 0
	// All time: -1<<62 ms is before anything, and a literal every backend's
	// SQL reads as an integer (math.MinInt64's is not in all of them).
	for _, id := range ids {
		seen := map[string]bool{}
		var paths []string
		for _, class := range api.PIIClasses {
			err := s.store.Findings(ctx, store.FindingQuery{ProjectID: id, From: -1 << 62, To: math.MaxInt64, Class: class}, func(f *event.Finding) error {
				if p := piiPath(f); p != "" && !seen[p] {
					seen[p] = true
					paths = append(paths, p)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("rebuild the PII path set: %w", err)
			}
		}
		if err := ps.Record(id, paths...); err != nil {
			return fmt.Errorf("rebuild the PII path set: %w", err)
		}
		total += len(paths)
	}
	if err := ps.MarkRebuilt(total); err != nil {
		return err
	}
	s.log.Info("PII path set rebuilt from the stored findings", "projects", len(ids), "paths", total, "took", time.Since(t0).Round(time.Millisecond))
	return nil
}

// recordPIIPaths records in ps the paths of fs where the guard found an
// e-mail address or a phone number: an event's property path, or a profile
// update's property path without its operator ("$set.email" -> "email").
// Identifier fields (distinct_id, $group_id ...) are not property paths.
func recordPIIPaths(ps *pii.Paths, fs []event.Finding) error {
	var byProject map[int64][]string
	for i := range fs {
		path := piiPath(&fs[i])
		if path == "" {
			continue
		}
		if byProject == nil {
			byProject = map[int64][]string{}
		}
		byProject[fs[i].ProjectID] = append(byProject[fs[i].ProjectID], path)
	}
	for id, paths := range byProject {
		if err := ps.Record(id, paths...); err != nil {
			return err
		}
	}
	return nil
}
