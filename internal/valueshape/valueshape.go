// Package valueshape learns, for every property path of a project, the
// shape of the string values the path holds — length, character classes,
// token count, longest digit run and, for secret candidates, entropy — and
// reports a value that is secret-shaped and unlike anything its path has
// held: finding class anomalous_value (a 43-character random string in
// "content", which held prose until now). A path that always holds random
// ids ($insert_id, $device_id) has learnt that shape and raises nothing.
//
// It keeps metadata only: per path, counts of values per shape bucket —
// never a value, a piece of one or a hash of one — in memory, and persisted
// as those counts (JSON under the data directory). It runs on the ingest
// path after the guard, so it is cheap: every string value gets one pass
// over its bytes; a path's counts are looked up only for a secret-shaped
// value and, to learn, for one event in Sample; other events stop reading
// a value at its first whitespace, and compute entropy only where a path
// could find the value anomalous.
//
// valueshape imports only event and atomicfile of Sieve; it must not import
// ingest, api, server, store or guard (the caller passes the project's
// action for the class).
package valueshape

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/event"
)

// Class is the finding class of a value unlike its path's history.
const Class = "anomalous_value"

// Detector names the finding's detector.
const Detector = "profile.anomalous_value"

// Actions for an anomalous value, spelled as the guard's policy actions:
// the caller passes the project's action for Class. "hash" is treated as
// redact (there is no key here) and "drop_event" as drop_property; any
// other action keeps the value and records the finding.
const (
	Keep         = "keep"
	Redact       = "redact"
	Hash         = "hash"
	DropProperty = "drop_property"
	DropEvent    = "drop_event"
	Allow        = "allow" // recorded when the path is allowlisted: the value stays
)

const (
	fileName = "valueshapes.json"
	// maxPaths bounds the paths learnt per project (paths are client input).
	maxPaths = 10000
	// maxDepth and maxValues bound the walk of one event.
	maxDepth  = 6
	maxValues = 512
	redacted  = "[redacted]"
)

// Anomaly is what an alert says: a project, a path and how many values the
// path held before. Never the value.
type Anomaly struct {
	ProjectID int64
	Path      string
	Seen      int64
	Time      time.Time
}

// Options configure Profiles. Zero values are sane defaults.
type Options struct {
	Dir   string        // where valueshapes.json lives; empty: memory only
	Log   *slog.Logger  // may be nil
	Flush time.Duration // flush period (default 10s)
	// MinSeen is how many values a path must have held before a value there
	// can be anomalous (default 200).
	MinSeen int64
	// Sample: one event in Sample teaches the paths its values (default 8;
	// 1 learns from every event). An anomalous value is always counted.
	Sample int64
	// OnAnomaly is called for each anomalous value; it must not block.
	OnAnomaly func(Anomaly)
}

// Profiles holds every project's path profiles. It is safe for concurrent
// use.
type Profiles struct {
	opt      Options
	log      *slog.Logger
	mu       sync.RWMutex
	projects map[int64]*project
	dirty    atomic.Bool
	walkers  sync.Pool
}

type project struct {
	mu    sync.Mutex
	paths map[string]*PathShape
	seq   atomic.Int64 // events checked, for sampling
}

// PathShape is what a path has held: counts only.
type PathShape struct {
	// Values is the number of string values learnt (sampled events, plus
	// every secret-shaped value).
	Values int64 `json:"values"`
	// Secret is how many of them were secret-shaped.
	Secret int64 `json:"secret"`
	// Shapes counts values per (length bucket, character classes): index
	// lenBucket*32 + class mask (upper, lower, digit, space, other).
	Shapes [lenBuckets * 32]int64 `json:"shapes"`
	// Tokens counts values per whitespace-separated token count: 1, 2-3,
	// 4-15, 16+.
	Tokens [4]int64 `json:"tokens"`
	// DigitRuns counts values per longest run of digits: 0, 1-3, 4-8, 9+.
	DigitRuns [4]int64 `json:"digit_runs"`
}

// New returns Profiles, loading what was persisted under opt.Dir.
func New(opt Options) (*Profiles, error) {
	if opt.Flush <= 0 {
		opt.Flush = 10 * time.Second
	}
	if opt.MinSeen <= 0 {
		opt.MinSeen = 200
	}
	if opt.Sample <= 0 {
		opt.Sample = 8
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Profiles{opt: opt, log: log.With("component", "valueshape"), projects: map[int64]*project{}}
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("valueshape: create directory: %w", err)
		}
		if err := p.load(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Profiles) project(id int64) *project {
	p.mu.RLock()
	pr := p.projects[id]
	p.mu.RUnlock()
	if pr != nil {
		return pr
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr = p.projects[id]; pr == nil {
		pr = &project{paths: map[string]*PathShape{}}
		p.projects[id] = pr
	}
	return pr
}

// shape is one value's shape.
type shape struct {
	n      int
	mask   uint8 // classUpper...classOther
	tokens int
	digRun int
	secret bool
}

const (
	classUpper = 1 << iota
	classLower
	classDigit
	classSpace
	classOther
)

const lenBuckets = 6

var byteClass [256]uint8

func init() {
	for i := range byteClass {
		c := byte(i)
		switch {
		case c >= 'A' && c <= 'Z':
			byteClass[i] = classUpper
		case c >= 'a' && c <= 'z':
			byteClass[i] = classLower
		case c >= '0' && c <= '9':
			byteClass[i] = classDigit
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			byteClass[i] = classSpace
		default:
			byteClass[i] = classOther
		}
	}
}

func lenBucket(n int) int {
	switch {
	case n < 8:
		return 0
	case n < 16:
		return 1
	case n < 24:
		return 2
	case n < 40:
		return 3
	case n < 80:
		return 4
	}
	return 5
}

func bucket4(n int, a, b, c int) int {
	switch {
	case n <= a:
		return 0
	case n <= b:
		return 1
	case n <= c:
		return 2
	}
	return 3
}

// shapeOf reads s once. A value is secret-shaped when it is 16 to 512
// bytes without whitespace, mixes upper case, lower case and digits (or
// holds symbols too), is not a UUID, and has high entropy: what API keys,
// tokens and passwords generated by machines look like.
func shapeOf(s string) shape {
	sh := shape{n: len(s)}
	run, inTok := 0, false
	for i := 0; i < len(s); i++ {
		c := byteClass[s[i]]
		sh.mask |= c
		if c == classDigit {
			run++
			if run > sh.digRun {
				sh.digRun = run
			}
		} else {
			run = 0
		}
		if c == classSpace {
			inTok = false
		} else if !inTok {
			inTok = true
			sh.tokens++
		}
	}
	sh.secret = secretShaped(s, sh.mask)
	return sh
}

// candidate is the cheap part of the test, run on every value of an event
// that does not teach: it stops at the first whitespace.
func candidate(s string) bool {
	if len(s) < 16 || len(s) > 512 {
		return false
	}
	var mask uint8
	for i := 0; i < len(s); i++ {
		c := byteClass[s[i]]
		if c == classSpace {
			return false
		}
		mask |= c
	}
	return mask&(classUpper|classLower|classDigit) == classUpper|classLower|classDigit && !uuidShape(s)
}

// secretShaped decides for s whose byte classes are mask.
func secretShaped(s string, mask uint8) bool {
	if len(s) < 16 || len(s) > 512 || mask&classSpace != 0 ||
		mask&(classUpper|classLower|classDigit) != classUpper|classLower|classDigit || uuidShape(s) {
		return false
	}
	return highEntropy(s)
}

// highEntropy: random base62 of n bytes has entropy near log2(min(n, 62)).
func highEntropy(s string) bool {
	return entropy(s) >= 0.8*math.Log2(float64(min(len(s), 62)))
}

func uuidShape(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if byteClass[s[i]]&(classDigit|classLower|classUpper) == 0 {
				return false
			}
		}
	}
	return true
}

// clog2[c] is c·log2(c), for the entropy of values of up to 512 bytes.
var clog2 [513]float64

func init() {
	for c := 2; c < len(clog2); c++ {
		clog2[c] = float64(c) * math.Log2(float64(c))
	}
}

// entropy is the Shannon entropy of s (at most 512 bytes) in bits per
// byte: log2(n) - Σ c·log2(c) / n over the byte counts c.
func entropy(s string) float64 {
	var cnt [256]uint16
	var seen [256]byte
	nd := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		if cnt[b] == 0 {
			seen[nd] = b
			nd++
		}
		cnt[b]++
	}
	sum := 0.0
	for _, b := range seen[:nd] {
		sum += clog2[cnt[b]]
	}
	n := float64(len(s))
	return clog2[len(s)]/n - sum/n
}

func (ps *PathShape) learn(sh shape) {
	ps.Values++
	if sh.secret {
		ps.Secret++
	}
	ps.Shapes[lenBucket(sh.n)*32+int(sh.mask&31)]++
	ps.Tokens[bucket4(sh.tokens, 1, 3, 15)]++
	ps.DigitRuns[bucket4(sh.digRun, 0, 3, 8)]++
}

// unlike: the path held at least minSeen values, almost none secret-shaped
// (under 1%), and almost none of this length and these character classes.
func (ps *PathShape) unlike(sh shape, minSeen int64) bool {
	if ps == nil || ps.Values < minSeen {
		return false
	}
	same := ps.Shapes[lenBucket(sh.n)*32+int(sh.mask&31)]
	return ps.Secret*100 < ps.Values && same*100 < ps.Values
}

// walker carries one Check call.
type walker struct {
	p       *Profiles
	pr      *project
	learn   bool
	act     string
	allowed func(string) bool
	now     time.Time
	path    []byte
	values  int
	out     []event.Finding
	meta    event.Finding
	a       *fastjson.Arena
	changed bool
}

// Check learns from ev's string values and reports those that are
// secret-shaped and unlike their path's history, applying act to them
// (see the action constants) unless allowed (may be nil) says the path is
// allowlisted. Findings are
// appended to dst (the caller sets Time); the tree is edited in place.
func (p *Profiles) Check(ev *event.Event, a *fastjson.Arena, act string, allowed func(path string) bool, now time.Time, dst []event.Finding) []event.Finding {
	if ev.Props == nil || ev.Props.Type() != fastjson.TypeObject {
		return dst
	}
	pr := p.project(ev.ProjectID)
	w, _ := p.walkers.Get().(*walker)
	if w == nil {
		w = &walker{}
	}
	*w = walker{p: p, pr: pr, act: act, allowed: allowed, now: now, a: a, out: dst, path: w.path[:0],
		learn: pr.seq.Add(1)%p.opt.Sample == 0,
		meta:  event.Finding{ProjectID: ev.ProjectID, DistinctID: ev.DistinctID, Event: ev.Name, Lib: ev.Lib, LibVersion: ev.LibVersion}}
	w.object(ev.Props, 0)
	if w.changed || w.learn {
		p.dirty.Store(true)
	}
	out := w.out
	*w = walker{path: w.path[:0]}
	p.walkers.Put(w)
	return out
}

func (w *walker) object(v *fastjson.Value, depth int) {
	o, _ := v.Object()
	var edits []string
	o.Visit(func(k []byte, c *fastjson.Value) {
		n := len(w.path)
		if n > 0 {
			w.path = append(w.path, '.')
		}
		w.path = append(w.path, k...)
		if w.value(c, depth) {
			edits = append(edits, string(k))
		}
		w.path = w.path[:n]
	})
	for _, k := range edits {
		if w.act == DropProperty || w.act == DropEvent {
			o.Del(k)
		} else {
			o.Set(k, w.a.NewString(redacted))
		}
	}
}

// value visits one value; it reports whether the value must be replaced
// or removed.
func (w *walker) value(c *fastjson.Value, depth int) bool {
	if w.values >= maxValues {
		return false
	}
	switch c.Type() {
	case fastjson.TypeString:
		w.values++
		b, _ := c.StringBytes()
		return w.str(unsafe.String(unsafe.SliceData(b), len(b))) // read only, not kept
	case fastjson.TypeObject:
		if depth < maxDepth {
			w.object(c, depth+1)
		}
	case fastjson.TypeArray:
		if depth >= maxDepth {
			return false
		}
		arr, _ := c.Array()
		n := len(w.path)
		w.path = append(w.path, "[]"...)
		for i, e := range arr {
			if w.value(e, depth+1) {
				// Array elements are replaced, never removed (indices stay).
				arr[i] = w.a.NewString(redacted)
			}
		}
		w.path = w.path[:n]
	}
	return false
}

func (w *walker) str(s string) bool {
	if !w.learn {
		// Only a path that could call s anomalous pays for its entropy.
		if !candidate(s) {
			return false
		}
		w.pr.mu.Lock()
		ps := w.pr.paths[string(w.path)]
		could := ps != nil && ps.Values >= w.p.opt.MinSeen && ps.Secret*100 < ps.Values
		w.pr.mu.Unlock()
		if !could || !highEntropy(s) {
			return false
		}
	}
	sh := shapeOf(s)
	w.pr.mu.Lock()
	ps := w.pr.paths[string(w.path)]
	anomalous := sh.secret && ps.unlike(sh, w.p.opt.MinSeen)
	seen := int64(0)
	if ps != nil {
		seen = ps.Values
	}
	if ps == nil && len(w.pr.paths) < maxPaths {
		ps = &PathShape{}
		w.pr.paths[string(w.path)] = ps
	}
	if ps != nil {
		ps.learn(sh)
	}
	w.pr.mu.Unlock()
	if !anomalous {
		return false
	}
	path := string(w.path)
	act := w.act
	if w.allowed != nil && w.allowed(path) {
		act = Allow
	}
	f := w.meta
	f.Path, f.Class, f.Detector, f.Action = path, Class, Detector, act
	w.out = append(w.out, f)
	if w.p.opt.OnAnomaly != nil {
		w.p.opt.OnAnomaly(Anomaly{ProjectID: w.meta.ProjectID, Path: path, Seen: seen, Time: w.now})
	}
	switch act {
	case Redact, Hash, DropProperty, DropEvent:
		w.changed = true
		return true
	}
	return false
}

// Path returns a copy of what project id's path has held, or nil.
func (p *Profiles) Path(id int64, path string) *PathShape {
	pr := p.project(id)
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if ps := pr.paths[path]; ps != nil {
		c := *ps
		return &c
	}
	return nil
}

// Run flushes every Options.Flush until ctx is done, then once more.
func (p *Profiles) Run(ctx context.Context) error {
	t := time.NewTicker(p.opt.Flush)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return p.Flush()
		case <-t.C:
			if err := p.Flush(); err != nil {
				p.log.Error("value shape flush failed", "err", err)
			}
		}
	}
}

type fileState struct {
	Version  int                             `json:"version"`
	Projects map[string]map[string]PathShape `json:"projects"`
}

// Flush writes the profiles (counts only) if anything changed.
func (p *Profiles) Flush() error {
	if p.opt.Dir == "" || !p.dirty.Swap(false) {
		return nil
	}
	f := fileState{Version: 1, Projects: map[string]map[string]PathShape{}}
	p.mu.RLock()
	ids := make([]int64, 0, len(p.projects))
	for id := range p.projects {
		ids = append(ids, id)
	}
	p.mu.RUnlock()
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		pr := p.project(id)
		m := map[string]PathShape{}
		pr.mu.Lock()
		for k, v := range pr.paths {
			m[k] = *v
		}
		pr.mu.Unlock()
		f.Projects[fmt.Sprint(id)] = m
	}
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("valueshape: encode: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(p.opt.Dir, fileName), b, 0o600); err != nil {
		return fmt.Errorf("valueshape: write: %w", err)
	}
	return nil
}

func (p *Profiles) load() error {
	b, err := os.ReadFile(filepath.Join(p.opt.Dir, fileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("valueshape: read: %w", err)
	}
	var f fileState
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("valueshape: %s is not valid: %w", fileName, err)
	}
	for ids, paths := range f.Projects {
		var id int64
		if _, err := fmt.Sscan(ids, &id); err != nil {
			return fmt.Errorf("valueshape: %s: bad project id", fileName)
		}
		pr := p.project(id)
		for k, v := range paths {
			v := v
			pr.paths[k] = &v
		}
	}
	return nil
}
