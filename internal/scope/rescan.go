package scope

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/project"
)

// EventSource gives access to one project's stored events in a time range
// (store/duckdb's Store): SQL over them (Events), and a function run over
// them inside the store's own parallel scan (Filter; see its doc there).
type EventSource interface {
	Events(ctx context.Context, project, from, to int64, fn func(ctx context.Context, conn *sql.Conn, relation string) error) error
	Filter(ctx context.Context, project, from, to int64, where string, args []any,
		pick func(name, distinctID, props string) ([]byte, error), seen func(n int),
		fn func(t int64, name, distinctID string, result []byte) error) error
}

// Checkers gives a project's guard checker for its current policy
// (guardcache.Cache).
type Checkers interface {
	Checker(p project.Project) (*guard.Checker, error)
}

// Progress of a rescan.
type Progress struct {
	Scanned atomic.Int64
	Total   atomic.Int64
}

// Rescanner runs rescans.
type Rescanner struct {
	Projects Projects
	Source   EventSource
	Guards   Checkers
}

// Rescan runs every selected project's current guard policy over its stored
// events matching c and reports what it finds. The guard runs inside the
// store's parallel scan (guard.Checker.Scan on each event's stored text);
// only the events with findings the criteria select come back, as metadata.
// Memory holds the report's aggregates. prog, if not nil, is updated as it
// goes.
func (r *Rescanner) Rescan(ctx context.Context, c Criteria, now time.Time, prog *Progress) (Report, error) {
	t0 := time.Now()
	if prog == nil {
		prog = &Progress{}
	}
	p, err := c.parse(now)
	if err != nil {
		return Report{}, err
	}
	projs, err := projectsFor(r.Projects, c)
	if err != nil {
		return Report{}, err
	}
	where, args := p.pushdown()
	chks := make([]*guard.Checker, len(projs))
	for i, pr := range projs {
		if chks[i], err = r.Guards.Checker(pr); err != nil {
			return Report{}, fmt.Errorf("scope: guard policy of project %d: %w", pr.ID, err)
		}
		// The total first, for progress.
		var n int64
		err = r.Source.Events(ctx, pr.ID, p.from, p.to, func(ctx context.Context, conn *sql.Conn, rel string) error {
			q := "SELECT count(*) FROM " + rel + " AS e"
			if where != "" {
				q += " WHERE " + where
			}
			return conn.QueryRowContext(ctx, q, args...).Scan(&n)
		})
		if err != nil {
			return Report{}, fmt.Errorf("scope: count events of project %d: %w", pr.ID, err)
		}
		prog.Total.Add(n)
	}
	rep := Report{GeneratedAt: now.UTC(), Criteria: c, Source: "rescan", Projects: []ProjectReport{}}
	for i, pr := range projs {
		a := newAcc()
		sc := &scanner{p: &p, chk: chks[i], project: pr.ID}
		err := r.Source.Filter(ctx, pr.ID, p.from, p.to, where, args, sc.pick,
			func(n int) { prog.Scanned.Add(int64(n)) },
			func(t int64, _, distinctID string, res []byte) error {
				var h hit
				if err := json.Unmarshal(res, &h); err != nil {
					return fmt.Errorf("scope: a rescan result does not decode: %w", err)
				}
				fs := make([]event.Finding, len(h.Findings))
				for i, f := range h.Findings {
					fs[i] = event.Finding{Path: f.Path, Class: f.Class, Detector: f.Detector, Action: f.Action}
				}
				a.addEvent(t, distinctID, h.Lib, h.Version, fs)
				return nil
			})
		if err != nil {
			return Report{}, fmt.Errorf("scope: rescan project %d: %w", pr.ID, err)
		}
		if a.events > 0 {
			rep.Projects = append(rep.Projects, a.report(pr))
		}
	}
	rep.Scanned = prog.Scanned.Load()
	rep.Seconds = time.Since(t0).Seconds()
	return rep, nil
}

// pushdown returns a SQL condition (and its arguments; "" for none) that
// keeps every event the criteria could match: event names, and the last
// key name of plain property names (a finding's path ends with a key of
// props).
func (p *parsed) pushdown() (string, []any) {
	var conds []string
	var args []any
	if len(p.Events) > 0 {
		conds = append(conds, "e.name IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(p.Events)), ", ")+")")
		for _, e := range p.Events {
			args = append(args, e)
		}
	}
	if len(p.Properties) > 0 {
		var ors []string
		var oargs []any
		ok := true
		for _, pat := range p.Properties {
			last := pat
			if i := strings.LastIndexByte(last, '.'); i >= 0 {
				last = last[i+1:]
			}
			last = strings.TrimSuffix(last, "[]")
			if last == "" || pat == "event" || pat == "distinct_id" || !plainName(last) {
				ok = false
				break
			}
			ors = append(ors, "contains(e.props, ?)")
			oargs = append(oargs, last+`"`)
		}
		if ok {
			conds = append(conds, "("+strings.Join(ors, " OR ")+")")
			args = append(args, oargs...)
		}
	}
	return strings.Join(conds, " AND "), args
}

func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '-') {
			return false
		}
	}
	return true
}

// hit is what the scan hands back for an event with findings: metadata
// only (paths, classes, detectors, actions, the SDK), never a value.
type hit struct {
	Lib      string        `json:"lib"`
	Version  string        `json:"version"`
	Findings []PathSummary `json:"findings"`
}

// scanner runs one project's checker inside the store's scan.
type scanner struct {
	p       *parsed
	chk     *guard.Checker
	project int64
	bufs    sync.Pool // *[]event.Finding
}

// pick is called concurrently by the store for each stored event; it
// returns the findings the criteria select, encoded, or nil.
func (s *scanner) pick(name, distinctID, props string) ([]byte, error) {
	bp, _ := s.bufs.Get().(*[]event.Finding)
	if bp == nil {
		bp = new([]event.Finding)
	}
	defer s.bufs.Put(bp)
	fs, err := s.chk.Scan(s.project, name, distinctID, props, (*bp)[:0])
	*bp = fs[:0]
	// Stored properties are a JSON object; a row that is not is skipped
	// (and never quoted).
	if err != nil || len(fs) == 0 || !s.p.matchEvent(name) {
		return nil, nil
	}
	h := hit{Lib: fs[0].Lib, Version: fs[0].LibVersion}
	for i := range fs {
		if f := &fs[i]; s.p.matchFinding(f) {
			h.Findings = append(h.Findings, PathSummary{Path: f.Path, Class: f.Class, Detector: f.Detector, Action: f.Action})
		}
	}
	if len(h.Findings) == 0 {
		return nil, nil
	}
	return json.Marshal(h)
}

// Job is a rescan running in the background.
type Job struct {
	ID       string    `json:"id"`
	Status   string    `json:"status"` // running, done, failed
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Scanned  int64     `json:"scanned_events"`
	Total    int64     `json:"total_events"`
	Percent  float64   `json:"percent"`
	Rate     float64   `json:"events_per_sec"`
	Error    string    `json:"error,omitempty"`
	Report   *Report   `json:"report,omitempty"`
}

type job struct {
	Job
	prog Progress
}

// Jobs runs rescans in the background and keeps the last few results.
type Jobs struct {
	R   *Rescanner
	Log *slog.Logger

	mu   sync.Mutex
	jobs []*job
	ctx  context.Context
	wg   sync.WaitGroup
}

const keepJobs = 16

// Run gives jobs their lifetime: when ctx is done, running rescans stop.
func (j *Jobs) Run(ctx context.Context) error {
	j.mu.Lock()
	j.ctx = ctx
	j.mu.Unlock()
	<-ctx.Done()
	j.wg.Wait()
	return nil
}

// Start validates c and starts a rescan; it returns the job's id.
func (j *Jobs) Start(c Criteria, now time.Time) (Job, error) {
	if _, err := c.parse(now); err != nil {
		return Job{}, err
	}
	if _, err := projectsFor(j.R.Projects, c); err != nil {
		return Job{}, err
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	jb := &job{Job: Job{ID: hex.EncodeToString(b[:]), Status: "running", Started: now.UTC()}}
	j.mu.Lock()
	ctx := j.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	running := 0
	for _, x := range j.jobs {
		if x.Status == "running" {
			running++
		}
	}
	if running >= 2 {
		j.mu.Unlock()
		return Job{}, invalid("two rescans are already running; wait for one to finish")
	}
	j.jobs = append(j.jobs, jb)
	if len(j.jobs) > keepJobs {
		for i, x := range j.jobs {
			if x.Status != "running" {
				j.jobs = slices.Delete(j.jobs, i, i+1)
				break
			}
		}
	}
	j.wg.Add(1)
	j.mu.Unlock()
	go func() {
		defer j.wg.Done()
		rep, err := j.R.Rescan(ctx, c, now, &jb.prog)
		j.mu.Lock()
		defer j.mu.Unlock()
		jb.Finished = time.Now().UTC()
		if err != nil {
			jb.Status = "failed"
			jb.Error = "the rescan failed; see the server log"
			if errors.Is(err, ErrInvalid) {
				jb.Error = err.Error()
			}
			if errors.Is(err, context.Canceled) {
				jb.Error = "the rescan was stopped (server shutting down)"
			}
			if j.Log != nil {
				j.Log.Error("rescan failed", "job", jb.ID, "err", err)
			}
			return
		}
		jb.Status = "done"
		jb.Report = &rep
	}()
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.view(jb), nil
}

// Get returns job id's state (with the report once done).
func (j *Jobs) Get(id string) (Job, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, x := range j.jobs {
		if x.ID == id {
			return j.view(x), true
		}
	}
	return Job{}, false
}

// view copies a job with its current progress. Caller holds j.mu.
func (j *Jobs) view(x *job) Job {
	v := x.Job
	v.Scanned, v.Total = x.prog.Scanned.Load(), x.prog.Total.Load()
	if v.Total > 0 {
		v.Percent = float64(int(1000*float64(v.Scanned)/float64(v.Total))) / 10
	}
	if x.Status == "done" {
		v.Percent = 100
		v.Scanned = max(v.Scanned, v.Total)
	}
	end := time.Now()
	if !x.Finished.IsZero() {
		end = x.Finished
	}
	if s := end.Sub(x.Started).Seconds(); s > 0 {
		v.Rate = float64(int64(float64(v.Scanned) / s))
	}
	return v
}
