package scope

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/project"
)

// EventSource gives SQL access to one project's stored events in a time
// range (store/duckdb's Store.Events).
type EventSource interface {
	Events(ctx context.Context, project, from, to int64, fn func(ctx context.Context, conn *sql.Conn, relation string) error) error
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

// Rescanner runs rescans. Workers defaults to GOMAXPROCS.
type Rescanner struct {
	Projects Projects
	Source   EventSource
	Guards   Checkers
	Workers  int
}

// task is one slice of one project's events.
type task struct {
	p        project.Project
	chk      *guard.Checker
	from, to int64
}

const dayMs = 86_400_000

// Rescan runs every selected project's current guard policy over its stored
// events matching c and reports what it finds. Events are streamed; memory
// holds only the report's aggregates. prog, if not nil, is updated as it goes.
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
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	where, args := p.pushdown()
	// Count per day first: the total for progress, and balanced tasks.
	var tasks []task
	for _, pr := range projs {
		chk, err := r.Guards.Checker(pr)
		if err != nil {
			return Report{}, fmt.Errorf("scope: guard policy of project %d: %w", pr.ID, err)
		}
		type day struct{ d, n int64 }
		var days []day
		var total int64
		err = r.Source.Events(ctx, pr.ID, p.from, p.to, func(ctx context.Context, conn *sql.Conn, rel string) error {
			rows, err := conn.QueryContext(ctx, "SELECT time // "+fmt.Sprint(dayMs)+" AS d, count(*) FROM "+rel+" AS e"+where+" GROUP BY d ORDER BY d", args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var d day
				if err := rows.Scan(&d.d, &d.n); err != nil {
					return err
				}
				days = append(days, d)
				total += d.n
			}
			return rows.Err()
		})
		if err != nil {
			return Report{}, fmt.Errorf("scope: count events of project %d: %w", pr.ID, err)
		}
		prog.Total.Add(total)
		if total == 0 {
			continue
		}
		// Tasks of about total/(4*workers) events, whole days.
		target := max(total/int64(4*workers), 1)
		var cur int64
		start := days[0].d
		for i, d := range days {
			cur += d.n
			if cur >= target || i == len(days)-1 {
				lo, hi := max(start*dayMs, p.from), min((d.d+1)*dayMs, p.to)
				tasks = append(tasks, task{p: pr, chk: chk, from: lo, to: hi})
				cur = 0
				if i+1 < len(days) {
					start = days[i+1].d
				}
			}
		}
	}
	// Largest first keeps the workers busy to the end.
	accs := map[int64]*acc{}
	var mu sync.Mutex
	next := atomic.Int64{}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newScanner(&p)
			local := map[int64]*acc{}
			for {
				i := next.Add(1) - 1
				if i >= int64(len(tasks)) || ctx.Err() != nil {
					break
				}
				t := tasks[i]
				a := local[t.p.ID]
				if a == nil {
					a = newAcc()
					local[t.p.ID] = a
				}
				err := r.Source.Events(ctx, t.p.ID, t.from, t.to, func(ctx context.Context, conn *sql.Conn, rel string) error {
					return sc.scan(ctx, conn, rel, where, args, t.chk, a, prog)
				})
				if err != nil {
					errs[w] = fmt.Errorf("scope: rescan project %d: %w", t.p.ID, err)
					return
				}
			}
			mu.Lock()
			for id, a := range local {
				if accs[id] == nil {
					accs[id] = newAcc()
				}
				accs[id].merge(a)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Report{}, err
	}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	rep := Report{GeneratedAt: now.UTC(), Criteria: c, Source: "rescan", Projects: []ProjectReport{}, Scanned: prog.Scanned.Load()}
	for _, pr := range projs {
		if a := accs[pr.ID]; a != nil && a.events > 0 {
			rep.Projects = append(rep.Projects, a.report(pr))
		}
	}
	rep.Seconds = time.Since(t0).Seconds()
	return rep, nil
}

// pushdown returns a SQL filter (and its arguments) that keeps every event
// the criteria could match: event names, and the last key name of plain
// property names (a finding's path ends with a key of props).
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
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
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

// scanner is one worker's reusable state.
type scanner struct {
	p      *parsed
	parser fastjson.Parser
	arena  fastjson.Arena
	fs     []event.Finding
	keep   []event.Finding
}

func newScanner(p *parsed) *scanner { return &scanner{p: p} }

func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// scan streams the rows of rel through the checker.
func (s *scanner) scan(ctx context.Context, conn *sql.Conn, rel, where string, args []any, chk *guard.Checker, a *acc, prog *Progress) error {
	rows, err := conn.QueryContext(ctx, "SELECT e.time, e.name, e.distinct_id, e.props FROM "+rel+" AS e"+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		t              int64
		name, did, raw sql.RawBytes
		n              int64
	)
	for rows.Next() {
		if err := rows.Scan(&t, &name, &did, &raw); err != nil {
			return err
		}
		n++
		if n&1023 == 0 {
			prog.Scanned.Add(1024)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		v, err := s.parser.ParseBytes(raw)
		if err != nil {
			// Stored props are valid JSON; a row that is not is skipped
			// (and never quoted).
			continue
		}
		ev := event.Event{Name: b2s(name), DistinctID: b2s(did), Time: t, Props: v}
		if b := v.GetStringBytes("mp_lib"); b != nil {
			ev.Lib = b2s(b)
		} else if b := v.GetStringBytes("$lib"); b != nil {
			ev.Lib = b2s(b)
		}
		ev.LibVersion = b2s(v.GetStringBytes("$lib_version"))
		lib, ver := ev.Lib, ev.LibVersion // the guard may edit ev's copies
		origName, origID := ev.Name, ev.DistinctID
		s.fs, _ = chk.Event(&ev, &s.arena, s.fs[:0])
		s.arena.Reset()
		if len(s.fs) == 0 || !s.p.matchEvent(origName) {
			continue
		}
		s.keep = s.keep[:0]
		for i := range s.fs {
			if s.p.matchFinding(&s.fs[i]) {
				s.keep = append(s.keep, s.fs[i])
			}
		}
		if len(s.keep) > 0 {
			a.addEvent(t, origID, lib, ver, s.keep)
		}
	}
	prog.Scanned.Add(n & 1023)
	return rows.Err()
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
