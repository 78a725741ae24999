package selftest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/event"
)

// Config are the seams the server supplies.
type Config struct {
	DataDir string
	// Project returns the reserved internal project's id and token,
	// creating it on first use.
	Project func() (id int64, token string, err error)
	// Track sends a mixpanel-js JSON array of events to the server's own
	// /track over HTTP and returns once the server answered success.
	Track func(ctx context.Context, body []byte) error
	// Findings returns the project's findings recorded in [from, to) Unix ms.
	Findings func(ctx context.Context, projectID, from, to int64) ([]event.Finding, error)
	// Purge erases the distinct_id's events, profiles and findings in the
	// project and returns when the purge ended; status is its final
	// status ("done" or "failed").
	Purge func(ctx context.Context, projectID int64, distinctID string) (jobID, status string, err error)
	// LogTail holds the server's recent log output; nil: the log is not
	// checked (the result says so).
	LogTail *LogTail
	// OnResult is called after every run (metrics, alerts).
	OnResult func(Result)
	Log      *slog.Logger
	// Interval between runs of Run (default 10 minutes); the first run is
	// one Interval after start.
	Interval time.Duration
	// Keep is how many results GET /api/selftest shows (default 50).
	Keep int
	// ResultsFile keeps the results across restarts (empty: memory only).
	ResultsFile string
}

// CanaryResult is what one canary's check found. It names no value.
type CanaryResult struct {
	Kind     string   `json:"kind"`
	Event    string   `json:"event"`
	Finding  bool     `json:"finding"`            // a finding of an expected class and an action other than keep
	Class    string   `json:"class,omitempty"`    // the finding's class
	Action   string   `json:"action,omitempty"`   // and action
	FoundIn  []string `json:"found_in,omitempty"` // files (relative to the data directory) holding its bytes
	InLog    bool     `json:"in_log"`
	Passed   bool     `json:"passed"`
	Problems []string `json:"problems,omitempty"`
}

// Result is one run.
type Result struct {
	ID            string         `json:"id"`
	Started       time.Time      `json:"started"`
	Finished      time.Time      `json:"finished"`
	Passed        bool           `json:"passed"`
	ProjectID     int64          `json:"project_id"`
	Canaries      []CanaryResult `json:"canaries"`
	FilesSearched int            `json:"files_searched"`
	BytesSearched int64          `json:"bytes_searched"`
	LogChecked    bool           `json:"log_checked"`
	// ControlFound says the byte search could see: the control value,
	// which the guard keeps, was found in the touched files before the
	// purge. Without it a clean search would prove nothing.
	ControlFound bool `json:"control_found"`
	// LeftAfterPurge lists files still holding a canary or the control
	// after the run's purge (empty: nothing left behind).
	LeftAfterPurge []string `json:"left_after_purge,omitempty"`
	PurgeJob       string   `json:"purge_job,omitempty"`
	PurgeStatus    string   `json:"purge_status,omitempty"`
	Error          string   `json:"error,omitempty"`
	Problems       []string `json:"problems,omitempty"`
}

// Runner runs the self-test; one run at a time.
type Runner struct {
	cfg Config
	log *slog.Logger
	run sync.Mutex // one run at a time

	mu      sync.Mutex
	results []Result // newest last

	// BeforeSearch, when set (tests only), is called with the data
	// directory and the canary values after the events were sent and
	// before the files are searched.
	BeforeSearch func(dataDir string, values []string)
}

// New returns a Runner.
func New(cfg Config) *Runner {
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Minute
	}
	if cfg.Keep <= 0 {
		cfg.Keep = 50
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	r := &Runner{cfg: cfg, log: cfg.Log.With("component", "selftest")}
	if cfg.ResultsFile != "" {
		if b, err := os.ReadFile(cfg.ResultsFile); err == nil && json.Unmarshal(b, &r.results) != nil {
			r.results = nil // damaged: start over (results are a report, not a record)
		}
	}
	return r
}

// Results returns the kept results, newest first.
func (r *Runner) Results() []Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.results)
	slices.Reverse(out)
	return out
}

// Run runs the self-test every Interval until ctx is done.
func (r *Runner) Run(ctx context.Context) error {
	t := time.NewTimer(r.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			r.Once(ctx)
			t.Reset(r.cfg.Interval)
		}
	}
}

// fileState is what a snapshot knows of a file.
type fileState struct {
	size  int64
	mtime time.Time
}

func snapshot(dir string) map[string]fileState {
	out := map[string]fileState{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			out[p] = fileState{fi.Size(), fi.ModTime()}
		}
		return nil
	})
	return out
}

// touched lists the files new or changed since before.
func touched(before, after map[string]fileState) []string {
	var out []string
	for p, st := range after {
		if b, ok := before[p]; !ok || b != st {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// search reports, for every needle, the files (of paths) that hold it,
// reading each file once in overlapping chunks.
func search(paths []string, needles [][]byte) (hits [][]string, files int, n int64) {
	hits = make([][]string, len(needles))
	longest := 0
	for _, nd := range needles {
		longest = max(longest, len(nd))
	}
	buf := make([]byte, 4<<20)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue // removed meanwhile (a rotated WAL, an old partition)
		}
		files++
		found := make([]bool, len(needles))
		carry := 0
		for {
			k, err := f.Read(buf[carry:])
			if k > 0 {
				n += int64(k)
				chunk := buf[:carry+k]
				for i, nd := range needles {
					if !found[i] && bytes.Contains(chunk, nd) {
						found[i] = true
					}
				}
				carry = min(longest-1, len(chunk))
				copy(buf, chunk[len(chunk)-carry:])
			}
			if err != nil {
				break
			}
		}
		f.Close()
		for i := range needles {
			if found[i] {
				hits[i] = append(hits[i], p)
			}
		}
	}
	return hits, files, n
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Once runs the self-test now and returns its result.
func (r *Runner) Once(ctx context.Context) Result {
	r.run.Lock()
	defer r.run.Unlock()
	res := r.once(ctx)
	res.Finished = time.Now().UTC()
	r.mu.Lock()
	r.results = append(r.results, res)
	if len(r.results) > r.cfg.Keep {
		r.results = slices.Delete(r.results, 0, len(r.results)-r.cfg.Keep)
	}
	saved, _ := json.Marshal(r.results)
	r.mu.Unlock()
	if r.cfg.ResultsFile != "" {
		if err := atomicfile.Write(r.cfg.ResultsFile, saved, 0o600); err != nil {
			r.log.Warn("selftest results not saved", "err", err)
		}
	}
	if res.Passed {
		r.log.Info("selftest passed", "run", res.ID, "files_searched", res.FilesSearched, "bytes_searched", res.BytesSearched)
	} else {
		var failed []string
		for _, c := range res.Canaries {
			if !c.Passed {
				failed = append(failed, c.Kind)
			}
		}
		r.log.Error("selftest FAILED", "run", res.ID, "failed_canaries", failed, "problems", res.Problems, "err", res.Error)
	}
	if r.cfg.OnResult != nil {
		r.cfg.OnResult(res)
	}
	return res
}

func (r *Runner) rel(p string) string {
	if s, err := filepath.Rel(r.cfg.DataDir, p); err == nil {
		return filepath.ToSlash(s)
	}
	return p
}

func (r *Runner) once(ctx context.Context) (res Result) {
	res = Result{ID: newID(), Started: time.Now().UTC()}
	fail := func(format string, a ...any) Result {
		res.Error = fmt.Sprintf(format, a...)
		res.Passed = false
		return res
	}
	pid, token, err := r.cfg.Project()
	if err != nil {
		return fail("reserved project: %v", err)
	}
	res.ProjectID = pid
	cs := NewCanaries()
	control := controlValue()
	distinctID := "sieve-selftest-" + res.ID
	for _, c := range cs {
		res.Canaries = append(res.Canaries, CanaryResult{Kind: c.Kind, Event: c.Event})
	}

	before := snapshot(r.cfg.DataDir)
	from := time.Now().Add(-time.Second).UnixMilli()
	if err := r.cfg.Track(ctx, trackBody(token, distinctID, "st"+res.ID, cs, control)); err != nil {
		return fail("send the canaries: %v", err)
	}
	// Whatever happens next, the run's data is purged.
	defer func() {
		// On shutdown (ctx done) the job is queued and resumes at the next start.
		job, status, err := r.cfg.Purge(ctx, pid, distinctID)
		res.PurgeJob, res.PurgeStatus = job, status
		if err != nil || status != "done" {
			res.Passed = false
			res.Problems = append(res.Problems, fmt.Sprintf("the purge of the run's data did not finish (%s %v)", status, err))
			return
		}
		// Nothing of the run is left in the files it touched, or in files
		// written since (the purge's rewrites).
		after := snapshot(r.cfg.DataDir)
		paths := touched(before, after)
		needles := [][]byte{[]byte(control)}
		for _, c := range cs {
			needles = append(needles, []byte(c.Value))
		}
		hits, _, _ := search(paths, needles)
		for _, h := range hits {
			for _, p := range h {
				if !slices.Contains(res.LeftAfterPurge, r.rel(p)) {
					res.LeftAfterPurge = append(res.LeftAfterPurge, r.rel(p))
				}
			}
		}
		if len(res.LeftAfterPurge) > 0 {
			res.Passed = false
			res.Problems = append(res.Problems, "canary data was left behind after the purge")
		}
	}()

	// Findings: one per canary event, of an expected class, acted on.
	fs, err := r.cfg.Findings(ctx, pid, from, time.Now().Add(time.Second).UnixMilli())
	if err != nil {
		return fail("read findings: %v", err)
	}
	for i, c := range cs {
		cr := &res.Canaries[i]
		for _, f := range fs {
			if f.DistinctID != distinctID || f.Event != c.Event || !slices.Contains(c.Classes, f.Class) {
				continue
			}
			cr.Class, cr.Action = f.Class, f.Action
			if f.Action != "keep" {
				cr.Finding = true
				break
			}
		}
		if !cr.Finding {
			if cr.Action == "keep" {
				cr.Problems = append(cr.Problems, "the guard recorded it but kept the value (policy action keep)")
			} else {
				cr.Problems = append(cr.Problems, "no finding was recorded")
			}
		}
	}

	if r.BeforeSearch != nil {
		vals := make([]string, len(cs))
		for i, c := range cs {
			vals[i] = c.Value
		}
		r.BeforeSearch(r.cfg.DataDir, vals)
	}
	paths := touched(before, snapshot(r.cfg.DataDir))
	needles := [][]byte{[]byte(control)}
	for _, c := range cs {
		needles = append(needles, []byte(c.Value))
	}
	hits, files, n := search(paths, needles)
	res.FilesSearched, res.BytesSearched = files, n
	res.ControlFound = len(hits[0]) > 0
	res.LogChecked = r.cfg.LogTail != nil
	for i := range cs {
		cr := &res.Canaries[i]
		for _, p := range hits[i+1] {
			cr.FoundIn = append(cr.FoundIn, r.rel(p))
		}
		if len(cr.FoundIn) > 0 {
			cr.Problems = append(cr.Problems, "its bytes are in a data file")
		}
		if r.cfg.LogTail != nil && r.cfg.LogTail.Contains([]byte(cs[i].Value)) {
			cr.InLog = true
			cr.Problems = append(cr.Problems, "its bytes are in the log")
		}
		cr.Passed = len(cr.Problems) == 0
	}
	res.Passed = true
	for _, c := range res.Canaries {
		res.Passed = res.Passed && c.Passed
	}
	if !res.ControlFound {
		res.Passed = false
		res.Problems = append(res.Problems, "the control value was not found in the touched files: the byte search cannot see stored data, so a clean search proves nothing")
	}
	return res
}

// LogTail keeps the last bytes written to it (the server's log output)
// for the self-test's log check. Safe for concurrent use.
type LogTail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// NewLogTail returns a LogTail that keeps the last max bytes.
func NewLogTail(max int) *LogTail { return &LogTail{max: max} }

// Write implements io.Writer.
func (t *LogTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// Contains reports whether the kept output holds needle.
func (t *LogTail) Contains(needle []byte) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Contains(t.buf, needle)
}

// MarshalResults is the JSON of GET /api/selftest.
func (r *Runner) MarshalResults() ([]byte, error) {
	return json.Marshal(map[string]any{"interval_seconds": int(r.cfg.Interval / time.Second), "runs": r.Results()})
}
