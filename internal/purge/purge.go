// Package purge runs purge jobs: it turns a purge request (property paths,
// distinct_ids, event names, a time range) into store rules, runs them one
// job at a time (seal, rewrite the affected partitions and the state file,
// verify, wait until the old files are gone), keeps a journal that lets a
// restarted server finish an interrupted job, and writes a certificate that
// names no value, signed with the installation's key (package sign).
//
// The journal holds criteria, never property values. distinct_ids a request
// names are kept in it only until the job ends; the certificate and the
// finished journal entry hold keyed hashes of them (Config.HashID).
//
// A scope purge ("everything in this scope report") is planned from a
// scope.Report: one job per affected project, one rule per group of users
// with the same property paths (scope.go).
//
// purge imports store (the purge types and the backend's interface, here
// Backend), propath and scope (the report type); it must not import a
// backend (store/duckdb), database/sql, api, ingest, server, audit or auth.
package purge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/purge/propath"
	"github.com/sieve-analytics/sieve/internal/sign"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Job statuses.
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusVerifying = "verifying"
	StatusDone      = "done"
	StatusFailed    = "failed"
)

// Errors reported through errors.Is.
var (
	ErrInvalid  = errors.New("purge: invalid request")
	ErrNotFound = errors.New("purge: no such job")
)

// Limits of one request.
const (
	MaxDistinctIDs = 10000
	MaxEvents      = 1000
	MaxProperties  = 1000
)

// Request is a purge request (the JSON body of POST /api/purges). Times are
// RFC 3339; an omitted bound is open.
type Request struct {
	ProjectID   int64           `json:"project_id"`
	Properties  []string        `json:"properties,omitempty"`
	DistinctIDs []string        `json:"distinct_ids,omitempty"`
	Events      []string        `json:"events,omitempty"`
	From        string          `json:"from,omitempty"`
	To          string          `json:"to,omitempty"`
	Scope       json.RawMessage `json:"scope,omitempty"`
}

// Criteria is a request as recorded in certificates and the audit log:
// distinct_ids only as keyed hashes.
type Criteria struct {
	ProjectID      int64     `json:"project_id"`
	Properties     []string  `json:"properties,omitempty"`
	DistinctIDHash []string  `json:"distinct_id_hashes,omitempty"`
	DistinctIDs    int       `json:"distinct_ids,omitempty"` // how many
	Events         []string  `json:"events,omitempty"`
	From           string    `json:"from,omitempty"`
	To             string    `json:"to,omitempty"`
	EraseProfiles  bool      `json:"erase_profiles,omitempty"`
	Source         string    `json:"source,omitempty"` // "api", "gdpr", "scope"
	Compliance     string    `json:"compliance_type,omitempty"`
	Scope          *ScopeRef `json:"scope,omitempty"` // the report a scope purge came from
}

// profileOps are the operation names a finding path of a profile update
// starts with; such a path names a property of the stored profile.
var profileOps = []string{"$set.", "$set_once.", "$add.", "$append.", "$union.", "$remove."}

// Compile checks a request and turns it into store rules. A property path
// starting with a profile operation ("$set.password", as findings of
// /engage name it) removes that property from profiles; other paths remove
// event properties. With no properties the matching events are deleted;
// distinct_ids with neither event names nor a time range also erase those
// users' profiles and findings (GDPR erasure).
func Compile(req Request) ([]store.PurgeRule, error) {
	bad := func(msg string) error { return fmt.Errorf("%w: %s", ErrInvalid, msg) }
	if req.ProjectID <= 0 {
		return nil, bad("project_id must be a positive integer")
	}
	if len(req.Properties) == 0 && len(req.DistinctIDs) == 0 && len(req.Events) == 0 {
		return nil, bad("name at least one of properties, distinct_ids and events")
	}
	if len(req.Properties) > MaxProperties || len(req.Events) > MaxEvents || len(req.DistinctIDs) > MaxDistinctIDs {
		return nil, bad(fmt.Sprintf("at most %d properties, %d events and %d distinct_ids per purge", MaxProperties, MaxEvents, MaxDistinctIDs))
	}
	r := store.PurgeRule{Project: req.ProjectID, From: store.AllTimeFrom, To: store.AllTimeTo}
	if req.From != "" {
		t, err := time.Parse(time.RFC3339Nano, req.From)
		if err != nil {
			return nil, bad("from must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")
		}
		r.From = t.UnixMilli()
	}
	if req.To != "" {
		t, err := time.Parse(time.RFC3339Nano, req.To)
		if err != nil {
			return nil, bad("to must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")
		}
		r.To = t.UnixMilli()
	}
	if r.To <= r.From {
		return nil, bad("to must be after from")
	}
	for _, p := range req.Properties {
		if err := propath.Check(p); err != nil {
			return nil, bad("a property path is malformed: keys joined by \".\", with \"[]\" after a key for array elements")
		}
		prof := false
		for _, op := range profileOps {
			if rest, ok := strings.CutPrefix(p, op); ok {
				r.ProfilePaths = append(r.ProfilePaths, rest)
				prof = true
				break
			}
		}
		if !prof {
			r.Paths = append(r.Paths, p)
		}
	}
	for _, s := range req.DistinctIDs {
		if s == "" || !utf8.ValidString(s) || len(s) > 1024 {
			return nil, bad("distinct_ids must be non-empty UTF-8 strings of at most 1024 bytes")
		}
	}
	for _, s := range req.Events {
		if s == "" || !utf8.ValidString(s) || len(s) > 1024 {
			return nil, bad("events must be non-empty UTF-8 strings of at most 1024 bytes")
		}
	}
	r.DistinctIDs = slices.Compact(slices.Sorted(slices.Values(req.DistinctIDs)))
	r.Events = slices.Compact(slices.Sorted(slices.Values(req.Events)))
	if len(req.Properties) == 0 {
		r.DeleteEvents = true
		if len(r.DistinctIDs) > 0 && len(r.Events) == 0 && req.From == "" && req.To == "" {
			r.EraseProfiles = true
		}
	}
	return []store.PurgeRule{r}, nil
}

// Backend is what a purge needs of the store; store/duckdb's Store
// implements it.
type Backend interface {
	Dir() string
	Seal(ctx context.Context) error
	PurgeEvents(ctx context.Context, job store.PurgeJob) (store.PurgeEventsResult, error)
	PurgeApplied(batchID string) bool
	PurgeState(ctx context.Context, job store.StatePurgeJob) (store.StateResult, error)
	StatePurgeApplied(ctx context.Context, id string) (bool, error)
	WaitObsolete(ctx context.Context) error
}

// Verification is the certificate's account of the re-scan.
type Verification struct {
	PartitionsChecked int    `json:"partitions_checked"`
	EventMatchesLeft  int64  `json:"event_matches_left"`
	StateMatchesLeft  int64  `json:"state_matches_left"`
	OldFilesRemoved   bool   `json:"old_files_removed"`
	Result            string `json:"result"` // "passed" or "failed"
}

// Certificate is the record of a finished purge. It holds no value.
type Certificate struct {
	JobID             string                  `json:"job_id"`
	Criteria          Criteria                `json:"criteria"`
	RequestedBy       string                  `json:"requested_by"`
	Requested         time.Time               `json:"requested"`
	Started           time.Time               `json:"started"`
	Finished          time.Time               `json:"finished"`
	PartitionsScanned int                     `json:"partitions_scanned"`
	RowsScanned       int64                   `json:"rows_scanned"`
	RowsDeleted       int64                   `json:"rows_deleted"`
	RowsChanged       int64                   `json:"rows_changed"`
	Partitions        []store.PartitionResult `json:"partitions"` // the rewritten ones, with file digests
	State             *store.StateResult      `json:"state,omitempty"`
	Verification      Verification            `json:"verification"`
	Note              string                  `json:"note"`
	// Signature is the installation's ed25519 signature over the rest of
	// the certificate (package sign); absent when no signer was configured.
	Signature *sign.Signature `json:"signature,omitempty"`
}

const certNote = "Purged values were removed from every file of the data directory by rewriting the files that held them and deleting the old ones. " +
	"A file system may keep blocks of deleted files on the device; keep the data directory on an encrypted volume."

// Job is a purge job as the API shows it.
type Job struct {
	ID          string       `json:"id"`
	Status      string       `json:"status"`
	Progress    float64      `json:"progress"`
	RowsScanned int64        `json:"rows_scanned"`
	RowsChanged int64        `json:"rows_changed"`
	Error       string       `json:"error,omitempty"`
	Criteria    Criteria     `json:"criteria"`
	RequestedBy string       `json:"requested_by"`
	Requested   time.Time    `json:"requested"`
	Certificate *Certificate `json:"certificate,omitempty"`
}

// record is a job's journal entry.
type record struct {
	Job
	Started time.Time `json:"started,omitzero"`
	// Rules hold the request's distinct_ids and event names in the clear,
	// only until the job ends.
	Rules   []store.PurgeRule  `json:"rules,omitempty"`
	Batches []store.PurgeBatch `json:"batches,omitempty"`
	State   *store.StateResult `json:"state,omitempty"`
	Seq     int64              `json:"seq"`
}

// Config configures a Manager.
type Config struct {
	Dir     string // journal directory
	Backend Backend
	// HashID is the keyed hash recorded for a distinct_id.
	HashID func(string) string
	Log    *slog.Logger
	// Sign signs a finished job's certificate (sign.Keyring.Sign); nil
	// leaves certificates unsigned.
	Sign func(doc any) (*sign.Signature, error)
	// OnFinish is called when a job ends (done or failed).
	OnFinish func(Job)
	// ObsoleteWait bounds how long a job waits for readers to release the
	// old files (default 10 minutes); then the job fails.
	ObsoleteWait time.Duration
}

// Manager queues and runs purge jobs, one at a time.
type Manager struct {
	cfg  Config
	log  *slog.Logger
	mu   sync.Mutex
	jobs map[string]*record
	seq  int64
	wake chan struct{}
	stop context.CancelFunc
	done chan struct{}
}

// New opens the journal in cfg.Dir. Jobs a previous run did not finish are
// queued again; Start runs them.
func New(cfg Config) (*Manager, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.ObsoleteWait <= 0 {
		cfg.ObsoleteWait = 10 * time.Minute
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("purge: create journal directory: %w", err)
	}
	m := &Manager{cfg: cfg, log: cfg.Log.With("component", "purge"), jobs: map[string]*record{}, wake: make(chan struct{}, 1)}
	ents, err := os.ReadDir(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("purge: read journal: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") {
			_ = os.Remove(filepath.Join(cfg.Dir, name))
			continue
		}
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(cfg.Dir, name))
		if err != nil {
			return nil, fmt.Errorf("purge: read journal: %w", err)
		}
		var r record
		if err := json.Unmarshal(b, &r); err != nil || r.ID+".json" != name {
			return nil, fmt.Errorf("purge: journal entry %s is damaged", name)
		}
		m.jobs[r.ID] = &r
		m.seq = max(m.seq, r.Seq)
	}
	return m, nil
}

// Start runs queued jobs in the background until Close.
func (m *Manager) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	m.stop = cancel
	m.done = make(chan struct{})
	go m.loop(ctx)
	m.signal()
}

// Close stops the worker. A running job stops where it is and is resumed by
// the next Start.
func (m *Manager) Close() {
	if m.stop == nil {
		return
	}
	m.stop()
	<-m.done
	m.stop = nil
}

func (m *Manager) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "pg" + hex.EncodeToString(b)
}

// Submit queues a purge. source and compliance are recorded in the criteria
// ("api", "gdpr" with "GDPR" or "CCPA", "scope").
func (m *Manager) Submit(req Request, requestedBy, source, compliance string) (Job, error) {
	rules, err := Compile(req)
	if err != nil {
		return Job{}, err
	}
	return m.SubmitRules(rules, m.Criteria(req, source, compliance), requestedBy)
}

// Criteria is req as recorded: distinct_ids as keyed hashes.
func (m *Manager) Criteria(req Request, source, compliance string) Criteria {
	c := Criteria{ProjectID: req.ProjectID, Properties: req.Properties, Events: req.Events, From: req.From, To: req.To,
		DistinctIDs: len(req.DistinctIDs), Source: source, Compliance: compliance}
	for _, id := range req.DistinctIDs {
		c.DistinctIDHash = append(c.DistinctIDHash, m.hash(id))
	}
	rules, err := Compile(req)
	if err == nil && len(rules) == 1 {
		c.EraseProfiles = rules[0].EraseProfiles
	}
	return c
}

func (m *Manager) hash(id string) string {
	if m.cfg.HashID == nil {
		return "withheld"
	}
	return m.cfg.HashID(id)
}

// SubmitRules queues a purge of compiled rules.
func (m *Manager) SubmitRules(rules []store.PurgeRule, crit Criteria, requestedBy string) (Job, error) {
	m.mu.Lock()
	m.seq++
	r := &record{Job: Job{ID: newID(), Status: StatusQueued, Criteria: crit, RequestedBy: requestedBy, Requested: time.Now().UTC()},
		Rules: rules, Seq: m.seq}
	err := m.persist(r)
	if err == nil {
		m.jobs[r.ID] = r
	}
	job := r.Job // copied under the lock: the worker may start it at once
	m.mu.Unlock()
	if err != nil {
		return Job{}, err
	}
	m.signal()
	return job, nil
}

// Get returns a job.
func (m *Manager) Get(id string) (Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.jobs[id]
	if !ok {
		return Job{}, ErrNotFound
	}
	return r.Job, nil
}

// List returns the jobs of a project (all projects for 0), newest first.
func (m *Manager) List(project int64) []Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	var recs []*record
	for _, r := range m.jobs {
		if project == 0 || r.Criteria.ProjectID == project {
			recs = append(recs, r)
		}
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Seq > recs[j].Seq })
	out := make([]Job, len(recs))
	for i, r := range recs {
		out[i] = r.Job
	}
	return out
}

// Wait waits until job id has ended (done or failed) or ctx ends.
func (m *Manager) Wait(ctx context.Context, id string) (Job, error) {
	for {
		j, err := m.Get(id)
		if err != nil || j.Status == StatusDone || j.Status == StatusFailed {
			return j, err
		}
		select {
		case <-ctx.Done():
			return j, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// persist writes r's journal entry atomically. Called with mu held.
func (m *Manager) persist(r *record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("purge: encode journal entry: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(m.cfg.Dir, r.ID+".json"), b, 0o600); err != nil {
		return fmt.Errorf("purge: journal: %w", err)
	}
	return nil
}

// update changes r under the lock and persists it.
func (m *Manager) update(r *record, fn func(r *record)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	fn(r)
	return m.persist(r)
}

// next returns the oldest unfinished job.
func (m *Manager) next() *record {
	m.mu.Lock()
	defer m.mu.Unlock()
	var best *record
	for _, r := range m.jobs {
		if r.Status == StatusDone || r.Status == StatusFailed {
			continue
		}
		if best == nil || r.Seq < best.Seq {
			best = r
		}
	}
	return best
}

func (m *Manager) loop(ctx context.Context) {
	defer close(m.done)
	for {
		for r := m.next(); r != nil && ctx.Err() == nil; r = m.next() {
			start := time.Now()
			err := m.run(ctx, r)
			if ctx.Err() != nil || errors.Is(err, store.ErrClosed) {
				m.log.Info("purge interrupted; it resumes at the next start", "job", r.ID)
				return
			}
			if err != nil {
				m.log.Error("purge failed", "job", r.ID, "err", err)
				msg := "the purge failed: " + err.Error()
				if errors.Is(err, context.DeadlineExceeded) {
					msg = "the purge failed: readers held the old files for too long; run it again"
				}
				_ = m.update(r, func(r *record) {
					r.Status, r.Error, r.Rules = StatusFailed, msg, nil
				})
			} else {
				m.log.Info("purge done", "job", r.ID, "rows_changed", r.RowsChanged, "took", time.Since(start).Round(time.Millisecond))
			}
			if m.cfg.OnFinish != nil {
				j, _ := m.Get(r.ID)
				m.cfg.OnFinish(j)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		}
	}
}

// run runs (or resumes) one job.
func (m *Manager) run(ctx context.Context, r *record) error {
	b := m.cfg.Backend
	if err := m.update(r, func(r *record) {
		r.Status = StatusRunning
		if r.Started.IsZero() {
			r.Started = time.Now().UTC()
		}
		// Batches prepared but not installed before a crash are void.
		r.Batches = slices.DeleteFunc(r.Batches, func(bt store.PurgeBatch) bool { return !b.PurgeApplied(bt.ID) })
	}); err != nil {
		return err
	}
	if err := b.Seal(ctx); err != nil {
		return err
	}
	skip := map[string]bool{}
	for _, bt := range r.Batches {
		for _, p := range bt.Partitions {
			skip[fmt.Sprintf("%d/%s", p.Project, p.Day)] = true
		}
	}
	m.mu.Lock()
	rules := r.Rules
	m.mu.Unlock()
	er, err := b.PurgeEvents(ctx, store.PurgeJob{
		ID: r.ID, Rules: rules, Skip: skip,
		Prepared: func(bt store.PurgeBatch) error {
			return m.update(r, func(r *record) { r.Batches = append(r.Batches, bt) })
		},
		Progress: func(done, total int) {
			m.mu.Lock()
			r.Progress = 0.9 * float64(done) / float64(max(total, 1))
			m.mu.Unlock()
		},
	})
	if err != nil {
		return err
	}
	if err := m.update(r, func(r *record) { r.Status, r.Progress = StatusVerifying, 0.9 }); err != nil {
		return err
	}
	sr, err := b.PurgeState(ctx, store.StatePurgeJob{ID: r.ID, Rules: rules, Prepared: func(res store.StateResult) error {
		return m.update(r, func(r *record) { r.State = &res })
	}})
	if err != nil {
		return err
	}
	state := r.State
	if state == nil || !state.Rewritten {
		state = &sr
	} else if applied, err := b.StatePurgeApplied(ctx, r.ID); err != nil {
		return err
	} else if !applied {
		return errors.New("the state file swap was not recorded")
	}
	wctx, cancel := context.WithTimeout(ctx, m.cfg.ObsoleteWait)
	err = b.WaitObsolete(wctx)
	cancel()
	if err != nil {
		return err
	}

	// Certificate.
	cert := &Certificate{JobID: r.ID, Criteria: r.Criteria, RequestedBy: r.RequestedBy, Requested: r.Requested,
		Started: r.Started, State: state, Note: certNote, Partitions: []store.PartitionResult{}}
	removed := true
	seen := map[string]bool{}
	add := func(p store.PartitionResult) {
		key := fmt.Sprintf("%d/%s/%d", p.Project, p.Day, p.Shard)
		if seen[key] {
			return
		}
		seen[key] = true
		cert.PartitionsScanned++
		cert.RowsScanned += p.RowsScanned
		cert.RowsDeleted += p.RowsDeleted
		cert.RowsChanged += p.RowsChanged
		if p.Rewritten {
			cert.Partitions = append(cert.Partitions, p)
			for _, f := range p.Before {
				if _, err := os.Stat(filepath.Join(b.Dir(), filepath.FromSlash(f.File))); !errors.Is(err, os.ErrNotExist) {
					removed = false
				}
			}
		}
	}
	for _, bt := range r.Batches {
		for _, p := range bt.Partitions {
			add(p)
		}
	}
	for _, p := range er.Partitions {
		add(p)
	}
	sort.Slice(cert.Partitions, func(i, j int) bool {
		a, c := cert.Partitions[i], cert.Partitions[j]
		return a.Project < c.Project || (a.Project == c.Project && (a.Day < c.Day || (a.Day == c.Day && a.Shard < c.Shard)))
	})
	cert.Verification = Verification{PartitionsChecked: er.Checked, EventMatchesLeft: er.Remaining, StateMatchesLeft: sr.Remaining,
		OldFilesRemoved: removed, Result: "passed"}
	ok := er.Remaining == 0 && sr.Remaining == 0 && removed
	if !ok {
		cert.Verification.Result = "failed"
	}
	cert.Finished = time.Now().UTC()
	if m.cfg.Sign != nil {
		sig, err := m.cfg.Sign(cert)
		if err != nil {
			return fmt.Errorf("sign the certificate: %w", err)
		}
		cert.Signature = sig
	}
	changed := cert.RowsDeleted + cert.RowsChanged + state.ProfilesDeleted + state.ProfilesChanged + state.FindingsDeleted
	return m.update(r, func(r *record) {
		r.Certificate = cert
		r.RowsScanned = cert.RowsScanned + state.ProfilesScanned
		r.RowsChanged = changed
		r.Progress = 1
		r.Rules = nil // the ids in the clear go with the journal's old version
		if ok {
			r.Status = StatusDone
		} else {
			r.Status = StatusFailed
			r.Error = "verification found purged data left; see the certificate"
		}
	})
}
