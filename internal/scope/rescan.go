package scope

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store"
)

// EventSource counts and scans stored events where they are stored
// (store.EventScanner; store/duckdb's Store).
type EventSource = store.EventScanner

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
	sq := p.pushdown()
	// Count events per day first: the total for progress, and slices of at
	// most sliceEvents events. The store hands back the events with
	// findings of a whole scan at its end, so a slice bounds what it holds
	// even when every event has findings.
	spans := make([][]span, len(projs))
	chks := make([]*guard.Checker, len(projs))
	for i, pr := range projs {
		if chks[i], err = r.Guards.Checker(pr); err != nil {
			return Report{}, fmt.Errorf("scope: guard policy of project %d: %w", pr.ID, err)
		}
		sq.ProjectID, sq.From, sq.To = pr.ID, p.from, p.to
		counts, err := r.Source.CountByDay(ctx, sq)
		if err != nil {
			return Report{}, fmt.Errorf("scope: count events of project %d: %w", pr.ID, err)
		}
		days := make([]span, len(counts))
		for j, c := range counts {
			days[j] = span{from: max(c.Day, p.from), events: c.Events}
			prog.Total.Add(c.Events)
		}
		spans[i] = cover(p.from, p.to, days, sliceEvents)
	}
	rep := Report{GeneratedAt: now.UTC(), Criteria: c, Source: "rescan", Projects: []ProjectReport{}}
	for i, pr := range projs {
		a := newAcc()
		sc := &scanner{p: &p, chk: chks[i], project: pr.ID}
		var fs []event.Finding
		add := func(t int64, _, distinctID string, res []byte) error {
			var lib, version string
			var ok bool
			if lib, version, fs, ok = decodeHit(string(res), fs[:0]); !ok {
				return errors.New("scope: a rescan result does not decode")
			}
			a.addEvent(t, distinctID, lib, version, fs)
			return nil
		}
		for _, sl := range spans[i] {
			sq.ProjectID, sq.From, sq.To = pr.ID, sl.from, sl.to
			err := r.Source.Scan(ctx, sq, sc.pick, func(n int) { prog.Scanned.Add(int64(n)) }, add)
			if err != nil {
				return Report{}, fmt.Errorf("scope: rescan project %d: %w", pr.ID, err)
			}
		}
		if a.events > 0 {
			rep.Projects = append(rep.Projects, a.report(pr))
		}
	}
	rep.Scanned = prog.Scanned.Load()
	rep.Seconds = time.Since(t0).Seconds()
	return rep, nil
}

// sliceEvents is how many events one store scan of a rescan covers at most
// (whole days: a larger day is one slice). The store holds a scan's
// selected rows until its end (about 100 bytes each when every event has
// findings); each slice also ends with one thread finishing alone, about 2%
// of a 5M-event slice.
const sliceEvents = 5_000_000

const dayMs = 86_400_000

// span is a time range [from, to) holding events events.
type span struct{ from, to, events int64 }

// cover cuts [from, to) at day boundaries into spans of at most max events
// of the counted days (in order), together covering the whole range (events
// stored after the count are scanned too).
func cover(from, to int64, days []span, max int64) []span {
	out := []span{{from: from, to: to}}
	for _, d := range days {
		cur := &out[len(out)-1]
		if cur.events > 0 && cur.events+d.events > max {
			cur.to = d.from
			out = append(out, span{from: d.from, to: to})
			cur = &out[len(out)-1]
		}
		cur.events += d.events
	}
	return out
}

// pushdown returns what a store can filter on that keeps every event the
// criteria could match: event names, and the last key name of plain
// property names (a finding's path ends with a key of props), quoted as in
// the JSON text.
func (p *parsed) pushdown() store.ScanQuery {
	var q store.ScanQuery
	q.Events = p.Events
	var contains []string
	for _, pat := range p.Properties {
		last := pat
		if i := strings.LastIndexByte(last, '.'); i >= 0 {
			last = last[i+1:]
		}
		last = strings.TrimSuffix(last, "[]")
		if last == "" || pat == "event" || pat == "distinct_id" || !plainName(last) {
			return q
		}
		contains = append(contains, last+`"`)
	}
	q.PropsContain = contains
	return q
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

// A rescan hands back, for each event with findings, metadata only: the
// SDK and each finding's path, class, detector and action, as netstrings
// ("3:web6:2.83.0" then four per finding), valid UTF-8 (the store passes
// results as text). Never a value.
func encodeHit(dst []byte, lib, version string, fs []event.Finding) []byte {
	dst = appendField(dst, lib)
	dst = appendField(dst, version)
	for i := range fs {
		f := &fs[i]
		dst = appendField(appendField(appendField(appendField(dst, f.Path), f.Class), f.Detector), f.Action)
	}
	return dst
}

func appendField(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	dst = strconv.AppendInt(dst, int64(len(s)), 10)
	return append(append(dst, ':'), s...)
}

// decodeHit reads encodeHit's text; the strings are copies.
func decodeHit(s string, fs []event.Finding) (lib, version string, out []event.Finding, ok bool) {
	var fields [4]string
	next := func() (string, bool) {
		i := strings.IndexByte(s, ':')
		if i <= 0 {
			return "", false
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 || n > len(s)-i-1 {
			return "", false
		}
		f := s[i+1 : i+1+n]
		s = s[i+1+n:]
		return f, true
	}
	if lib, ok = next(); !ok {
		return
	}
	if version, ok = next(); !ok {
		return
	}
	for s != "" {
		for k := range fields {
			if fields[k], ok = next(); !ok {
				return
			}
		}
		fs = append(fs, event.Finding{Path: fields[0], Class: fields[1], Detector: fields[2], Action: fields[3]})
	}
	return lib, version, fs, true
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
	lib, version := fs[0].Lib, fs[0].LibVersion
	keep := fs[:0] // the findings the criteria select, in place
	for i := range fs {
		if s.p.matchFinding(&fs[i]) {
			keep = append(keep, fs[i])
		}
	}
	if len(keep) == 0 {
		return nil, nil
	}
	return encodeHit(nil, lib, version, keep), nil
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
