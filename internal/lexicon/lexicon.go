// Package lexicon keeps, per project, what ingestion has seen: every event
// name and property path, the value types observed at each path, first and
// last seen, counts, the paths the guard acted on (with classes), and the SDK
// fleet (which lib and version sent how many events, per day). It is
// maintained in memory on the ingest path, after the guard, and flushed
// periodically as metadata to one JSON file under the data directory.
//
// The lexicon never holds a property value: only names, paths, type names,
// counts, times, classes and SDK lib/version strings (which must look like a
// version to be kept). It also raises two immediate signals for the alert
// package: a new path whose name or guard findings smell sensitive, and a
// value-type change; and it counts events and findings per minute so that
// rate signals can be computed.
//
// lexicon imports only the standard library, fastjson, internal/event and
// internal/project (for the atomic file write); it must not import ingest,
// api, server, store or guard.
package lexicon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/event"
)

// Limits that keep the lexicon's memory bounded whatever clients send.
const (
	MaxPaths      = 5000 // property paths per project; more are counted in Overflow
	MaxEventNames = 2000 // event names per project
	MaxSDKs       = 256  // lib/version pairs per project
	MaxDepth      = 8    // nesting depth walked
	MaxPathLen    = 200  // bytes; longer paths are counted in Overflow
	MaxNameLen    = 255  // bytes; longer event names are counted in Overflow
	// MaxProjectBytes bounds what one project's lexicon holds (and writes
	// to lexicon.json): names and paths within the limits above, and their
	// counters, types and per-day SDK counts.
	MaxProjectBytes = 4 << 20
	fleetDays       = 90  // days of per-day SDK counts kept
	minuteRing      = 120 // minutes of per-minute counters kept
	fileName        = "lexicon.json"
)

// Value types as reported by the API.
const (
	tString uint8 = 1 << iota
	tNumber
	tBool
	tNull
	tObject
	tArray
)

var typeNames = []struct {
	bit  uint8
	name string
}{{tString, "string"}, {tNumber, "number"}, {tBool, "boolean"}, {tNull, "null"}, {tObject, "object"}, {tArray, "array"}}

func typeList(m uint8) []string {
	out := []string{}
	for _, t := range typeNames {
		if m&t.bit != 0 {
			out = append(out, t.name)
		}
	}
	return out
}

func typeMask(names []string) uint8 {
	var m uint8
	for _, n := range names {
		for _, t := range typeNames {
			if t.name == n {
				m |= t.bit
			}
		}
	}
	return m
}

func typeOf(v *fastjson.Value) uint8 {
	switch v.Type() {
	case fastjson.TypeString:
		return tString
	case fastjson.TypeNumber:
		return tNumber
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return tBool
	case fastjson.TypeNull:
		return tNull
	case fastjson.TypeObject:
		return tObject
	case fastjson.TypeArray:
		return tArray
	}
	return 0
}

// Signal kinds sent to Options.OnSignal.
const (
	SignalNewPath    = "new_sensitive_path"
	SignalTypeChange = "type_change"
)

// Signal is an immediate anomaly noticed while observing: metadata only.
type Signal struct {
	Kind      string
	ProjectID int64
	Path      string
	Time      time.Time
	Classes   []string // guard classes seen at the path (new path)
	NameHint  bool     // the path's name smells sensitive
	OldTypes  []string // type change: types seen before
	NewType   string   // type change: the new type
	Seen      int64    // events seen at the path before
}

// Options configure a Lexicon.
type Options struct {
	Dir      string        // where lexicon.json lives; empty: memory only
	Log      *slog.Logger  // may be nil
	Flush    time.Duration // flush period (default 10s)
	OnSignal func(Signal)  // must not block; may be nil
	// TypeChangeMin is how many events must have shown a path before a new
	// type there is a signal (default 20).
	TypeChangeMin int64
}

// Lexicon is the per-project metadata store. Safe for concurrent use.
type Lexicon struct {
	opt Options
	log *slog.Logger

	mu       sync.RWMutex
	projects map[int64]*proj
}

type pathStat struct {
	count   int64
	types   uint8
	first   int64
	last    int64
	guarded int64
	classes []string
	sdks    []uint64 // bitset over proj.sdkList indexes
	seq     uint64   // last event that counted this path
	gseq    uint64   // last event whose findings counted this path
}

type eventStat struct {
	count       int64
	first, last int64
}

type sdkStat struct {
	lib, version string
	count        int64
	first, last  int64
	days         map[string]int64 // UTC yyyy-mm-dd
	dayNum       int64            // cache of the last day formatted
	dayKey       string
}

type minute struct {
	start    int64 // unix minute
	events   int64
	findings map[string]int64 // by class
}

type proj struct {
	mu       sync.Mutex
	events   map[string]*eventStat
	paths    map[string]*pathStat
	libs     map[string]map[string]int // lib -> version -> index into sdkList
	sdkList  []*sdkStat
	overflow int64
	seq      uint64
	minutes  []minute // ring, ordered by start, at most minuteRing
	buf      []byte
	dirty    bool
}

// New returns a lexicon, loading opt.Dir/lexicon.json when it exists.
func New(opt Options) (*Lexicon, error) {
	if opt.Flush <= 0 {
		opt.Flush = 10 * time.Second
	}
	if opt.TypeChangeMin <= 0 {
		opt.TypeChangeMin = 20
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Lexicon{opt: opt, log: log.With("component", "lexicon"), projects: map[int64]*proj{}}
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("lexicon: create directory: %w", err)
		}
		if err := l.load(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func newProj() *proj {
	return &proj{events: map[string]*eventStat{}, paths: map[string]*pathStat{}, libs: map[string]map[string]int{}}
}

func (l *Lexicon) proj(id int64) *proj {
	l.mu.RLock()
	p := l.projects[id]
	l.mu.RUnlock()
	if p != nil {
		return p
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if p = l.projects[id]; p == nil {
		p = newProj()
		l.projects[id] = p
	}
	return p
}

// CleanVersion returns s if it looks like an SDK lib name or version
// (1 to 40 bytes of letters, digits and . _ - + ~), else "". A string that
// does not look like one is never kept: it could be anything.
func CleanVersion(s string) string {
	if len(s) == 0 || len(s) > 40 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '+' || c == '~') {
			return ""
		}
	}
	return s
}

// sdkIndex returns the index of lib/version in p.sdkList, adding it.
// Caller holds p.mu.
func (p *proj) sdkIndex(lib, version string, t int64) int {
	lib, version = CleanVersion(lib), CleanVersion(version)
	vs := p.libs[lib]
	if i, ok := vs[version]; ok {
		return i
	}
	if len(p.sdkList) >= MaxSDKs {
		lib, version = "other", ""
		if i, ok := p.libs[lib][version]; ok {
			return i
		}
	}
	if vs = p.libs[lib]; vs == nil {
		vs = map[string]int{}
		p.libs[lib] = vs
	}
	i := len(p.sdkList)
	vs[version] = i
	p.sdkList = append(p.sdkList, &sdkStat{lib: lib, version: version, first: t, last: t, days: map[string]int64{}})
	return i
}

func (p *proj) countSDK(i int, t int64) {
	s := p.sdkList[i]
	s.count++
	s.first = min(s.first, t)
	s.last = max(s.last, t)
	// Formatting the day once per day keeps the hot path allocation-free.
	dn := t / 86_400_000
	if dn != s.dayNum || s.dayKey == "" {
		s.dayNum, s.dayKey = dn, time.UnixMilli(t).UTC().Format(time.DateOnly)
	}
	day := s.dayKey
	if _, ok := s.days[day]; !ok && len(s.days) >= fleetDays {
		oldest := ""
		for d := range s.days {
			if oldest == "" || d < oldest {
				oldest = d
			}
		}
		if day < oldest {
			return
		}
		delete(s.days, oldest)
	}
	s.days[day]++
}

// tick adds one event and its findings to the per-minute counters. Requests
// may observe slightly out of time order: a minute is found or inserted in
// order.
func (p *proj) tick(now time.Time, findings []event.Finding) {
	m := now.Unix() / 60
	i := len(p.minutes)
	for i > 0 && p.minutes[i-1].start > m {
		i--
	}
	if i == 0 || p.minutes[i-1].start != m {
		if len(p.minutes) >= minuteRing {
			if i == 0 {
				return // older than everything kept
			}
			p.minutes = slices.Delete(p.minutes, 0, 1)
			i--
		}
		p.minutes = slices.Insert(p.minutes, i, minute{start: m})
		i++
	}
	cur := &p.minutes[i-1]
	cur.events++
	for i := range findings {
		if cur.findings == nil {
			cur.findings = map[string]int64{}
		}
		cur.findings[findings[i].Class]++
	}
}

// Observe records one event after the guard. ev.Props is the guarded tree
// (nil when the event was dropped); findings are the guard's findings for
// this event. now is the time of receipt. Observe never keeps a reference to
// ev or its tree.
func (l *Lexicon) Observe(ev *event.Event, findings []event.Finding, now time.Time) {
	p := l.proj(ev.ProjectID)
	t := ev.Time
	if nm := now.UnixMilli(); t <= 0 || t > nm {
		t = nm
	}
	var sigs []Signal
	p.mu.Lock()
	p.dirty = true
	p.seq++
	p.tick(now, findings)
	lib, version := ev.Lib, ev.LibVersion
	if ev.Props != nil {
		// The version counts only if the guard left it in place.
		if v := ev.Props.Get("$lib_version"); v == nil || string(v.GetStringBytes()) != version {
			version = ""
		}
	}
	si := p.sdkIndex(lib, version, t)
	p.countSDK(si, t)
	if es := p.events[ev.Name]; es != nil {
		es.count++
		es.first = min(es.first, t)
		es.last = max(es.last, t)
	} else if len(p.events) < MaxEventNames && len(ev.Name) <= MaxNameLen {
		p.events[ev.Name] = &eventStat{count: 1, first: t, last: t}
	} else {
		p.overflow++
	}
	if ev.Props != nil && ev.Props.Type() == fastjson.TypeObject {
		w := walker{l: l, p: p, pid: ev.ProjectID, si: si, t: t, now: now, sigs: &sigs, findings: findings}
		p.buf = w.object(ev.Props, p.buf[:0], 0)
	}
	for i := range findings {
		f := &findings[i]
		ps := p.paths[f.Path]
		if ps == nil {
			if len(p.paths) >= MaxPaths || len(f.Path) > MaxPathLen {
				p.overflow++
				continue
			}
			ps = &pathStat{first: t, last: t}
			p.paths[f.Path] = ps
			sigs = append(sigs, Signal{Kind: SignalNewPath, ProjectID: ev.ProjectID, Path: f.Path, Time: now,
				Classes: []string{f.Class}, NameHint: SensitiveName(f.Path)})
		}
		if ps.gseq != p.seq { // count a guarded path once per event
			ps.gseq = p.seq
			ps.guarded++
		}
		ps.first = min(ps.first, t)
		ps.last = max(ps.last, t)
		if !slices.Contains(ps.classes, f.Class) && len(ps.classes) < 16 {
			ps.classes = append(ps.classes, f.Class)
		}
		setBit(&ps.sdks, si)
	}
	p.mu.Unlock()
	if l.opt.OnSignal != nil {
		for _, s := range sigs {
			l.opt.OnSignal(s)
		}
	}
}

func setBit(b *[]uint64, i int) {
	w := i / 64
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	(*b)[w] |= 1 << (i % 64)
}

type walker struct {
	l    *Lexicon
	p    *proj
	pid  int64
	si   int
	t    int64
	now  time.Time
	sigs *[]Signal

	findings []event.Finding
}

// guardedHere returns the classes of this event's findings at path.
func (w *walker) guardedHere(path string) []string {
	var cl []string
	for i := range w.findings {
		if w.findings[i].Path == path && !slices.Contains(cl, w.findings[i].Class) {
			cl = append(cl, w.findings[i].Class)
		}
	}
	return cl
}

// visit records the value at path buf.
func (w *walker) visit(buf []byte, v *fastjson.Value, depth int) []byte {
	p := w.p
	ty := typeOf(v)
	ps := p.paths[string(buf)] // no allocation for the lookup
	if ps == nil {
		if len(p.paths) >= MaxPaths || len(buf) > MaxPathLen {
			p.overflow++
		} else {
			path := string(buf)
			ps = &pathStat{first: w.t, last: w.t}
			p.paths[path] = ps
			hint, cl := SensitiveName(path), w.guardedHere(path)
			if hint || len(cl) > 0 {
				*w.sigs = append(*w.sigs, Signal{Kind: SignalNewPath, ProjectID: w.pid, Path: path, Time: w.now, NameHint: hint, Classes: cl})
			}
		}
	}
	if ps != nil {
		if ps.seq != p.seq {
			ps.seq = p.seq
			ps.count++
			if w.t < ps.first {
				ps.first = w.t
			}
			if w.t > ps.last {
				ps.last = w.t
			}
			setBit(&ps.sdks, w.si)
		}
		if ps.types&ty == 0 {
			if ty != tNull && ps.types&^tNull != 0 && ps.count > w.l.opt.TypeChangeMin {
				*w.sigs = append(*w.sigs, Signal{Kind: SignalTypeChange, ProjectID: w.pid, Path: string(buf), Time: w.now,
					OldTypes: typeList(ps.types), NewType: typeList(ty)[0], Seen: ps.count - 1})
			}
			ps.types |= ty
		}
	}
	if depth >= MaxDepth {
		return buf
	}
	switch ty {
	case tObject:
		buf = w.object(v, buf, depth+1)
	case tArray:
		arr, _ := v.Array()
		n := len(buf)
		buf = append(buf, "[]"...)
		for _, c := range arr {
			buf = w.visit(buf, c, depth+1)
		}
		buf = buf[:n]
	}
	return buf
}

func (w *walker) object(v *fastjson.Value, buf []byte, depth int) []byte {
	o, err := v.Object()
	if err != nil {
		return buf
	}
	n := len(buf)
	o.Visit(func(k []byte, c *fastjson.Value) {
		buf = buf[:n]
		if n > 0 {
			buf = append(buf, '.')
		}
		buf = append(buf, k...)
		buf = w.visit(buf, c, depth)
	})
	return buf[:n]
}

func (l *Lexicon) projectsSnapshot() map[int64]*proj {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return maps(l.projects)
}

func maps(m map[int64]*proj) map[int64]*proj {
	out := make(map[int64]*proj, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ObserveSDK counts an event that never reached the guard (refused by an
// advisory) in the SDK fleet and the event counters.
func (l *Lexicon) ObserveSDK(projectID int64, lib, version string, t int64, now time.Time) {
	if nm := now.UnixMilli(); t <= 0 || t > nm {
		t = nm
	}
	p := l.proj(projectID)
	p.mu.Lock()
	p.dirty = true
	p.tick(now, nil)
	p.countSDK(p.sdkIndex(lib, version, t), t)
	p.mu.Unlock()
}

// sensitiveWords are name fragments that make a new path worth an alert.
var sensitiveWords = []string{
	"password", "passwd", "passwort", "contrasena", "contraseña", "mot_de_passe", "motdepasse", "pwd", "passcode", "pin",
	"secret", "token", "apikey", "api_key", "accesskey", "access_key", "private", "credential", "auth",
	"ssn", "social_security", "taxid", "tax_id", "national_id", "passport",
	"card", "cardnumber", "cc_number", "ccnum", "cvv", "cvc", "iban", "account_number", "routing",
	"otp", "mfa", "2fa", "session", "cookie", "signature", "attr__value",
}

// SensitiveName reports whether a property path's last name smells
// sensitive (password, token, card, ...). It looks at the name only.
func SensitiveName(path string) bool {
	name := path
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(name, "[]")
	if name == "" || len(name) > 64 {
		return false
	}
	var lb [64]byte
	low := lb[:0]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c == '-' || c == ' ' {
			c = '_'
		}
		low = append(low, c)
	}
	s := string(low)
	for _, w := range sensitiveWords {
		if len(w) <= 3 {
			// Short words only as a whole token: "pin" but not "shipping".
			for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '$' }) {
				if tok == w {
					return true
				}
			}
			continue
		}
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Run flushes the lexicon every Options.Flush until ctx is done, then
// flushes once more.
func (l *Lexicon) Run(ctx context.Context) error {
	t := time.NewTicker(l.opt.Flush)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return l.Flush()
		case <-t.C:
			if err := l.Flush(); err != nil {
				l.log.Error("lexicon flush failed", "err", err)
			}
		}
	}
}

// Flush writes the lexicon to its file if anything changed.
func (l *Lexicon) Flush() error {
	if l.opt.Dir == "" {
		return nil
	}
	dirty := false
	for _, p := range l.projectsSnapshot() {
		p.mu.Lock()
		dirty = dirty || p.dirty
		p.dirty = false
		p.mu.Unlock()
	}
	if !dirty {
		return nil
	}
	f := fileState{Version: 1, Projects: []Project{}}
	ids := l.ProjectIDs()
	for _, id := range ids {
		f.Projects = append(f.Projects, l.Project(id))
	}
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("lexicon: encode: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(l.opt.Dir, fileName), b, 0o600); err != nil {
		return fmt.Errorf("lexicon: write: %w", err)
	}
	return nil
}

type fileState struct {
	Version  int       `json:"version"`
	Projects []Project `json:"projects"`
}

func (l *Lexicon) load() error {
	b, err := os.ReadFile(filepath.Join(l.opt.Dir, fileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("lexicon: read: %w", err)
	}
	var f fileState
	if err := json.Unmarshal(b, &f); err != nil {
		return errors.New("lexicon: the lexicon file is damaged (not valid JSON); move it away to start an empty lexicon")
	}
	for _, pj := range f.Projects {
		p := newProj()
		for _, s := range pj.SDKs {
			i := p.sdkIndex(s.Lib, s.Version, ms(s.FirstSeen))
			st := p.sdkList[i]
			st.count, st.first, st.last = s.Events, ms(s.FirstSeen), ms(s.LastSeen)
			for d, n := range s.Days {
				st.days[d] = n
			}
		}
		for _, e := range pj.Events {
			p.events[e.Name] = &eventStat{count: e.Count, first: ms(e.FirstSeen), last: ms(e.LastSeen)}
		}
		for _, pr := range pj.Properties {
			ps := &pathStat{count: pr.Count, types: typeMask(pr.Types), first: ms(pr.FirstSeen), last: ms(pr.LastSeen),
				guarded: pr.Guarded, classes: pr.Classes}
			for _, s := range pr.SDKs {
				if i, ok := p.libs[CleanVersion(s.Lib)][CleanVersion(s.Version)]; ok {
					setBit(&ps.sdks, i)
				}
			}
			p.paths[pr.Path] = ps
		}
		p.overflow = pj.Overflow
		l.projects[pj.ProjectID] = p
	}
	return nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
