// Package audit keeps Sieve's access log: one entry for every read of
// stored data (export, engage, findings, scope reports, the audit log
// itself), every change (purges, guard policies, projects, keys) and every
// denied attempt. Entries are appended to a JSON-lines file and hash-chained:
// each holds the SHA-256 of the previous entry and its own, so editing,
// removing or reordering an entry breaks the chain, and Verify names the
// first entry where it breaks.
//
// An entry never holds an event value: criteria name properties, event
// names and times; distinct_ids appear only as keyed hashes (HashID), whose
// key is kept next to the log. Purges never touch the log.
//
// audit imports no other package of Sieve except event.
package audit

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// File names in the audit directory.
const (
	LogName  = "audit.log"
	headName = "HEAD"
	keyName  = "key"
)

// Outcomes of an entry.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "error"
)

// Entry is one audited action. Criteria must hold no event value.
type Entry struct {
	Seq        int64          `json:"seq"`
	Time       time.Time      `json:"time"`
	Actor      string         `json:"actor"`
	Session    string         `json:"session,omitempty"` // public id of the web UI session the request came through
	Action     string         `json:"action"`
	ProjectID  int64          `json:"project_id,omitempty"`
	Endpoint   string         `json:"endpoint,omitempty"`
	Outcome    string         `json:"outcome"`
	Status     int            `json:"status,omitempty"`
	Criteria   map[string]any `json:"criteria,omitempty"`
	Events     []string       `json:"events,omitempty"`
	Properties []string       `json:"properties,omitempty"`
	// AllEvents and AllProperties mean the entry's read may have returned
	// any event or property (the list was capped, see MaxNames).
	AllEvents     bool  `json:"all_events,omitempty"`
	AllProperties bool  `json:"all_properties,omitempty"`
	Rows          int64 `json:"rows"`
	// PII names the PII paths the read returned and whether the reader saw
	// them hashed (no pii grant) or in clear; nil when it returned none.
	PII *PIIRead `json:"pii,omitempty"`
	// Node names the Sieve node that wrote the entry, when several share
	// one cluster (SetNode); empty otherwise.
	Node     string `json:"node,omitempty"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash,omitempty"`
}

// PIIRead is what a read returned of a project's PII paths.
type PIIRead struct {
	Paths  []string `json:"paths"`
	Hashed bool     `json:"hashed"`
}

// Log is an open audit log. It is safe for concurrent use.
type Log struct {
	dir      string
	log      *slog.Logger
	key      []byte
	mu       sync.Mutex
	f        *os.File
	size     int64 // bytes in the current segment
	segBytes int64 // rotate the current segment beyond this size
	seq      int64
	last     string // hash of the last entry
	head     int64  // seq written to HEAD
	// denied attempts, aggregated per minute (see Denied)
	denied  map[deniedKey]*deniedAgg
	dropped int64
	stop    chan struct{}
	wg      sync.WaitGroup
	closed  bool
	now     func() time.Time
	// failures counts appends that failed; failing is true from a failed
	// append until the next one that succeeds
	failures atomic.Int64
	failing  atomic.Bool
	// node is written into every entry; ship, when set, receives a copy
	// of each appended line (with mu held: it must not block)
	node string
	ship func(seq int64, line []byte)
}

// SetNode names this node in every later entry and hands each appended
// line (once durable in the file) to ship, which must not block: the
// server copies the lines to a cluster where `sieve audit verify --store`
// checks every node's chain.
func (l *Log) SetNode(node string, ship func(seq int64, line []byte)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.node, l.ship = node, ship
}

// Failures is the number of appends that failed since Open.
func (l *Log) Failures() int64 { return l.failures.Load() }

// Failing reports whether the last append failed (the log cannot write).
func (l *Log) Failing() bool { return l.failing.Load() }

// DefaultSegmentBytes is the size beyond which the current segment
// (audit.log) is closed and renamed, and a new one started.
const DefaultSegmentBytes = 64 << 20

// maxDeniedKeys bounds the denied attempts aggregated in one minute; beyond
// it they are counted in one audit.coalesced entry.
const maxDeniedKeys = 4096

// genesis is the prev_hash of the first entry.
var genesis = strings.Repeat("0", 64)

// Open opens (or creates) the audit log in dir. A torn last line (a crash
// in the middle of a write, before the append returned) is cut off and an
// entry says so.
func Open(dir string, logger *slog.Logger) (*Log, error) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: create directory: %w", err)
	}
	key, err := readOrCreateKey(filepath.Join(dir, keyName))
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, LogName), os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: open log: %w", err)
	}
	l := &Log{dir: dir, log: logger.With("component", "audit"), key: key, f: f, last: genesis,
		segBytes: DefaultSegmentBytes, denied: map[deniedKey]*deniedAgg{}, stop: make(chan struct{}), now: time.Now}
	torn, err := l.recover()
	if err != nil {
		f.Close()
		return nil, err
	}
	if torn {
		if err := l.Append(Entry{Actor: "sieve", Action: "audit.recovered", Outcome: OK,
			Criteria: map[string]any{"note": "a torn last line from an interrupted write was cut off"}}); err != nil {
			f.Close()
			return nil, err
		}
	}
	l.wg.Add(1)
	go l.loop()
	return l, nil
}

// SetSegmentBytes sets the size beyond which the current segment is
// rotated (DefaultSegmentBytes unless set). Call it before appending.
func (l *Log) SetSegmentBytes(n int64) {
	l.mu.Lock()
	l.segBytes = n
	l.mu.Unlock()
}

func readOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) == 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("audit: read key: %w", err)
	}
	if err == nil {
		return nil, errors.New("audit: the key file is damaged")
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("audit: create key: %w", err)
	}
	if err := atomicfile.Write(path, b, 0o600); err != nil {
		return nil, err
	}
	return b, nil
}

// recover finds the last entry and cuts a torn tail. Lines may have any
// length: the tail is read backwards in chunks until the start of the last
// complete line.
func (l *Log) recover() (bool, error) {
	st, err := l.f.Stat()
	if err != nil {
		return false, fmt.Errorf("audit: %w", err)
	}
	size := st.Size()
	l.size = size
	if size == 0 {
		return false, l.recoverFromSegment()
	}
	var last [1]byte
	if _, err := l.f.ReadAt(last[:], size-1); err != nil {
		return false, fmt.Errorf("audit: read log: %w", err)
	}
	torn := false
	if last[0] != '\n' {
		// A torn line: cut it back to the last newline (or to nothing).
		end, err := l.lastNewline(size - 1)
		if err != nil {
			return false, err
		}
		if err := l.f.Truncate(end + 1); err != nil {
			return false, fmt.Errorf("audit: cut torn line: %w", err)
		}
		size, torn = end+1, true
		l.size = size
		if size == 0 {
			return torn, l.recoverFromSegment()
		}
	}
	start, err := l.lastNewline(size - 1)
	if err != nil {
		return false, err
	}
	line := make([]byte, size-1-(start+1))
	if _, err := l.f.ReadAt(line, start+1); err != nil {
		return false, fmt.Errorf("audit: read log: %w", err)
	}
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil || e.Hash == "" {
		return false, errors.New("audit: the last entry of the log is damaged; run `sieve audit verify`")
	}
	l.seq, l.last = e.Seq, e.Hash
	l.head = e.Seq
	return torn, nil
}

// recoverFromSegment continues the chain from the newest closed segment
// when the current one is empty (a rotation just happened).
func (l *Log) recoverFromSegment() error {
	segs, err := segments(l.dir)
	if err != nil || len(segs) == 0 {
		return err
	}
	f, err := os.Open(filepath.Join(l.dir, segs[len(segs)-1]))
	if err != nil {
		return fmt.Errorf("audit: open segment: %w", err)
	}
	defer f.Close()
	inner := &Log{f: f, last: genesis}
	if _, err := inner.recover(); err != nil {
		return err
	}
	l.seq, l.last, l.head = inner.seq, inner.last, inner.seq
	return nil
}

// segments returns the names of the closed segments in dir, oldest first.
func segments(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("audit: list segments: %w", err)
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, "audit-") && strings.HasSuffix(n, ".log") {
			out = append(out, n)
		}
	}
	slices.Sort(out) // names hold the last seq, zero-padded
	return out, nil
}

// files returns the paths of every segment of the log in dir, oldest first,
// the current one (audit.log) last.
func files(dir string) ([]string, error) {
	segs, err := segments(dir)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(segs)+1)
	for _, n := range segs {
		out = append(out, filepath.Join(dir, n))
	}
	return append(out, filepath.Join(dir, LogName)), nil
}

// rotate closes the current segment as audit-<last seq>.log and starts a
// new one (called with mu held, after an fsynced append).
func (l *Log) rotate() error {
	name := filepath.Join(l.dir, fmt.Sprintf("audit-%016d.log", l.seq))
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("audit: close segment: %w", err)
	}
	l.f = nil
	if err := os.Rename(filepath.Join(l.dir, LogName), name); err != nil {
		return fmt.Errorf("audit: rotate segment: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(l.dir, LogName), os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit: open new segment: %w", err)
	}
	if d, err := os.Open(l.dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	l.f, l.size = f, 0
	l.writeHead()
	return nil
}

// lastNewline returns the offset of the last '\n' before end (exclusive),
// or -1 when there is none.
func (l *Log) lastNewline(end int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for end > 0 {
		off := max(0, end-int64(len(buf)))
		chunk := buf[:end-off]
		if _, err := l.f.ReadAt(chunk, off); err != nil {
			return 0, fmt.Errorf("audit: read log: %w", err)
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return off + int64(i), nil
		}
		end = off
	}
	return -1, nil
}

// HashID is the keyed hash the log records for a distinct_id.
func (l *Log) HashID(id string) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(id))
	return "hmac:" + hex.EncodeToString(m.Sum(nil)[:16])
}

// entryBody encodes e without its hash: the bytes the hash covers (after
// the previous hash).
func entryBody(e *Entry) ([]byte, error) {
	h := e.Hash
	e.Hash = ""
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(e)
	e.Hash = h
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func chainHash(prev string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Append adds e durably (the file is fsynced before Append returns). Seq,
// PrevHash, Hash and (when zero) Time are set by the log. The entry is
// bounded first (see Bound).
func (l *Log) Append(e Entry) error {
	Bound(&e)
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.append(e)
	if err != nil {
		l.failures.Add(1)
	}
	l.failing.Store(err != nil)
	return err
}

// append writes e (called with mu held).
func (l *Log) append(e Entry) error {
	if l.f == nil {
		return errors.New("audit: log closed")
	}
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	if e.Outcome == "" {
		e.Outcome = OK
	}
	e.Seq = l.seq + 1
	e.PrevHash = l.last
	if l.node != "" {
		e.Node = l.node
	}
	e.Hash = ""
	body, err := entryBody(&e)
	if err != nil {
		return fmt.Errorf("audit: encode entry: %w", err)
	}
	e.Hash = chainHash(e.PrevHash, body)
	line := append(body[:len(body)-1:len(body)-1], `,"hash":"`...)
	line = append(line, e.Hash...)
	line = append(line, "\"}\n"...)
	if _, err := l.f.Write(line); err != nil {
		return fmt.Errorf("audit: write log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit: sync log: %w", err)
	}
	l.seq, l.last = e.Seq, e.Hash
	l.size += int64(len(line))
	if l.ship != nil {
		l.ship(e.Seq, bytes.TrimSuffix(bytes.Clone(line), []byte("\n")))
	}
	if l.segBytes > 0 && l.size >= l.segBytes {
		if err := l.rotate(); err != nil {
			// The entry is durable; the next append retries the rotation
			// or fails if the segment could not be reopened.
			l.log.Error("audit segment rotation failed", "err", err)
		}
	} else if l.seq-l.head >= 64 {
		l.writeHead()
	}
	return nil
}

// deniedKey groups denied attempts: the same actor, action, project,
// endpoint, status and source within one minute.
type deniedKey struct {
	actor, action, endpoint, source string
	project                         int64
	status                          int
	minute                          int64
}

// deniedAgg is one group's first attempt and the count of the others.
type deniedAgg struct {
	first   Entry
	written bool
	repeats int64
}

// Denied records a refused attempt without waiting (clients can send them
// at any rate). Attempts are aggregated per actor, action, project,
// endpoint, status and source (the client's address, never its
// credentials) and minute: the first is written within a second, as an
// entry of Rows 1; the others of that minute are counted and written when
// the minute is over, as one entry whose Rows is their number and whose
// criteria say "repeats". A client hammering the server thus costs at most
// two entries per group and minute.
func (l *Log) Denied(e Entry, source string) {
	t := e.Time
	if t.IsZero() {
		t = l.now()
	}
	min := t.UTC().Truncate(time.Minute)
	k := deniedKey{e.Actor, e.Action, e.Endpoint, source, e.ProjectID, e.Status, min.Unix()}
	l.mu.Lock()
	defer l.mu.Unlock()
	if d := l.denied[k]; d != nil {
		d.repeats++
		return
	}
	if len(l.denied) >= maxDeniedKeys || l.closed {
		l.dropped++
		return
	}
	e.Time, e.Rows = t.UTC(), 1
	if e.Outcome == "" {
		e.Outcome = Denied
	}
	e.Criteria = map[string]any{"source": source}
	l.denied[k] = &deniedAgg{first: e}
}

func (l *Log) loop() {
	defer l.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			l.flushDenied(true)
			return
		case <-tick.C:
			l.flushDenied(false)
			l.mu.Lock()
			if l.f != nil && l.head != l.seq {
				l.writeHead()
			}
			l.mu.Unlock()
		}
	}
}

// flushDenied appends the first attempts not yet written, the repeat counts
// of past minutes (of every minute with all), and the count of attempts
// beyond the bound.
func (l *Log) flushDenied(all bool) {
	cur := l.now().UTC().Truncate(time.Minute).Unix()
	l.mu.Lock()
	var out []Entry
	for k, d := range l.denied {
		if !d.written {
			out = append(out, d.first)
			d.written = true
		}
		if all || k.minute < cur {
			if d.repeats > 0 {
				e := d.first
				e.Time = time.Unix(k.minute, 0).UTC().Add(time.Minute - time.Microsecond)
				e.Rows = d.repeats
				e.Criteria = map[string]any{"source": k.source, "repeats": true, "window": "1m"}
				out = append(out, e)
			}
			delete(l.denied, k)
		}
	}
	n := l.dropped
	l.dropped = 0
	l.mu.Unlock()
	slices.SortStableFunc(out, func(a, b Entry) int { return a.Time.Compare(b.Time) })
	for _, e := range out {
		if err := l.Append(e); err != nil {
			l.log.Error("audit append failed", "action", e.Action, "err", err)
		}
	}
	if n > 0 {
		_ = l.Append(Entry{Actor: "sieve", Action: "audit.coalesced", Outcome: OK, Rows: n,
			Criteria: map[string]any{"note": "denied attempts beyond the per-minute bound, counted in rows"}})
	}
}

// Source is the source Denied records for r: the address of the peer
// (not a forwarded-for header, which the client writes).
func Source(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// writeHead records the last seq and hash (called with mu held).
func (l *Log) writeHead() {
	b := []byte(strconv.FormatInt(l.seq, 10) + " " + l.last + "\n")
	if err := atomicfile.Write(filepath.Join(l.dir, headName), b, 0o600); err != nil {
		l.log.Error("audit head write failed", "err", err)
		return
	}
	l.head = l.seq
}

// Close writes the aggregated denied attempts, records the head and closes
// the file.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true // Denied counts from now on; the loop writes what it holds
	l.mu.Unlock()
	close(l.stop)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	l.writeHead()
	err := l.f.Close()
	l.f = nil
	return err
}

// Head returns the last sequence number and hash: publish them elsewhere
// (a ticket, a notary) to make a later truncation of the log evident.
func (l *Log) Head() (int64, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq, l.last
}

// Query selects entries. Zero fields do not filter.
type Query struct {
	ProjectID int64
	Property  string // entries whose read may have returned this property path
	Actor     string
	Action    string // exact, or a prefix ending in "."
	From, To  time.Time
	Limit     int
}

// Matches reports whether e satisfies q.
func (q *Query) Matches(e *Entry) bool {
	if q.ProjectID != 0 && e.ProjectID != q.ProjectID {
		return false
	}
	if q.Actor != "" && e.Actor != q.Actor {
		return false
	}
	if q.Action != "" && e.Action != q.Action && !(strings.HasSuffix(q.Action, ".") && strings.HasPrefix(e.Action, q.Action)) {
		return false
	}
	if !q.From.IsZero() && e.Time.Before(q.From) {
		return false
	}
	if !q.To.IsZero() && !e.Time.Before(q.To) {
		return false
	}
	if q.Property != "" {
		if e.AllProperties {
			return true
		}
		d := boundName(q.Property)
		return slices.ContainsFunc(e.Properties, func(p string) bool { return p == d || coversPath(p, q.Property) })
	}
	return true
}

// coversPath reports whether returning property p returned path q: p is q
// or an object or array holding it.
func coversPath(p, q string) bool {
	if p == q {
		return true
	}
	if !strings.HasPrefix(q, p) {
		return false
	}
	rest := q[len(p):]
	return strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "[]")
}

// Query returns the entries matching q, oldest first, from every segment.
func (l *Log) Query(q Query) ([]Entry, error) {
	// The files are listed and opened under the lock, so that a rotation
	// cannot slip between the two; open files survive a rename.
	l.mu.Lock()
	upto := l.seq
	paths, err := files(l.dir)
	var fs []*os.File
	for _, p := range paths {
		if err != nil {
			break
		}
		var f *os.File
		if f, err = os.Open(p); err == nil {
			fs = append(fs, f)
		}
	}
	l.mu.Unlock()
	defer func() {
		for _, f := range fs {
			f.Close()
		}
	}()
	if err != nil {
		return nil, fmt.Errorf("audit: read log: %w", err)
	}
	out := []Entry{}
	for _, f := range fs {
		err := eachLine(f, func(b []byte, _ bool) error {
			var e Entry
			if err := json.Unmarshal(b, &e); err != nil {
				return errors.New("audit: the log holds a damaged entry; run `sieve audit verify`")
			}
			if e.Seq <= upto && q.Matches(&e) {
				out = append(out, e)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[len(out)-q.Limit:]
	}
	return out, nil
}

// eachLine calls fn with every line of f (any length), without its
// newline; complete is false for a last line that has none.
func eachLine(f io.Reader, fn func(b []byte, complete bool) error) error {
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		b, err := r.ReadBytes('\n')
		if len(b) == 0 && errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("audit: read log: %w", err)
		}
		if ferr := fn(bytes.TrimSuffix(b, []byte("\n")), err == nil); ferr != nil {
			return ferr
		}
		if err != nil {
			return nil
		}
	}
}

// VerifyError names the first entry where the chain breaks.
type VerifyError struct {
	File   string // the segment's file name
	Line   int    // 1-based line in that file
	Seq    int64  // the entry's seq as written (0 when unreadable)
	Reason string
}

func (e *VerifyError) Error() string {
	if e.Seq > 0 {
		return fmt.Sprintf("audit log: entry seq %d (%s line %d): %s", e.Seq, e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("audit log: %s line %d: %s", e.File, e.Line, e.Reason)
}

// Verified is what Verify found: Entries entries, seq First to Last, in
// Segments files. First is above 1 when older segments were removed
// (retention): the chain is checked from there on.
type Verified struct {
	Entries, First, Last int64
	Segments             int
}

// Verify checks the chain of the audit log in dir across its segments and
// returns how many entries it holds. The first broken entry is reported as
// a *VerifyError.
func Verify(dir string) (int64, error) {
	v, err := VerifyAll(dir)
	return v.Entries, err
}

// VerifyAll is Verify with the details of what was checked.
func VerifyAll(dir string) (Verified, error) {
	paths, err := files(dir)
	if err != nil {
		return Verified{}, err
	}
	fs, err := openAll(paths)
	defer closeAll(fs)
	if err != nil {
		return Verified{}, err
	}
	v, hashes, err := verifyChain(fs, paths, -1)
	if err != nil {
		return v, err
	}
	// HEAD: the log must reach at least the recorded head.
	if b, err := os.ReadFile(filepath.Join(dir, headName)); err == nil {
		parts := strings.Fields(string(b))
		if len(parts) == 2 {
			n, _ := strconv.ParseInt(parts[0], 10, 64)
			if n > v.Last {
				return v, &VerifyError{File: LogName, Seq: n, Reason: fmt.Sprintf("HEAD records entry %d but the log ends at %d: entries were removed", n, v.Last)}
			}
			if h, ok := hashes[n]; ok && h != parts[1] {
				return v, &VerifyError{File: LogName, Seq: n, Reason: "the entry HEAD records has a different hash"}
			}
		}
	}
	return v, nil
}

// Verify checks the chain of the open log, as VerifyAll does offline, while
// appends go on: the segments are opened under the lock, so that a rotation
// cannot slip in, and the current one is read only up to its size at that
// moment, so that an append in progress is not read. HEAD is the log's own
// and is not compared.
func (l *Log) Verify() (int64, error) {
	l.mu.Lock()
	if l.f == nil {
		l.mu.Unlock()
		return 0, errors.New("audit: log closed")
	}
	size := l.size
	paths, err := files(l.dir)
	var fs []*os.File
	if err == nil {
		fs, err = openAll(paths)
	}
	l.mu.Unlock()
	defer closeAll(fs)
	if err != nil {
		return 0, err
	}
	v, _, err := verifyChain(fs, paths, size)
	return v.Entries, err
}

func openAll(paths []string) ([]*os.File, error) {
	var fs []*os.File
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return fs, fmt.Errorf("audit: open log: %w", err)
		}
		fs = append(fs, f)
	}
	return fs, nil
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

// verifyChain checks seq, prev_hash and hash of every entry of the
// segments fs (named by paths), oldest first; the last is read only up to
// lastSize bytes when lastSize >= 0. It returns the recent entries' hashes
// by seq, for the HEAD check.
func verifyChain(fs []*os.File, paths []string, lastSize int64) (Verified, map[int64]string, error) {
	rs := make([]io.Reader, len(fs))
	for i, f := range fs {
		rs[i] = f
	}
	return verifyReaders(rs, paths, lastSize)
}

// VerifyLines checks one chain read from r, one entry per line, oldest
// first (a node's entries copied to a cluster); name labels errors. The
// chain may start after seq 1 (entries before were not copied).
func VerifyLines(name string, r io.Reader) (Verified, error) {
	v, _, err := verifyReaders([]io.Reader{r}, []string{name}, -1)
	return v, err
}

func verifyReaders(fs []io.Reader, paths []string, lastSize int64) (Verified, map[int64]string, error) {
	var v Verified
	prev := ""
	hashes := map[int64]string{}
	for i, f := range fs {
		r := f
		if i == len(fs)-1 && lastSize >= 0 {
			r = io.LimitReader(f, lastSize)
		}
		v.Segments++
		name := filepath.Base(paths[i])
		line := 0
		err := eachLine(r, func(b []byte, complete bool) error {
			line++
			fail := func(seq int64, reason string) error {
				return &VerifyError{File: name, Line: line, Seq: seq, Reason: reason}
			}
			if !complete {
				return fail(0, "the last line is incomplete")
			}
			var e Entry
			if err := json.Unmarshal(b, &e); err != nil {
				return fail(v.Last+1, "not a valid entry (edited?)")
			}
			suffix := []byte(`,"hash":"` + e.Hash + `"}`)
			if len(e.Hash) != 64 || !bytes.HasSuffix(b, suffix) {
				return fail(e.Seq, "the hash field is missing or misplaced")
			}
			body := append(append([]byte(nil), b[:len(b)-len(suffix)]...), '}')
			if prev == "" {
				// The oldest entry present: the chain starts at genesis, or
				// older segments were removed and it starts where they ended.
				if e.Seq == 1 && e.PrevHash != genesis {
					return fail(e.Seq, "the first entry does not start the chain")
				}
				prev, v.First, v.Last = e.PrevHash, e.Seq, e.Seq-1
			}
			switch {
			case e.Seq != v.Last+1:
				return fail(e.Seq, fmt.Sprintf("expected seq %d: an entry was removed or reordered", v.Last+1))
			case e.PrevHash != prev:
				return fail(e.Seq, "prev_hash does not match the previous entry: an entry was removed, reordered or edited")
			case chainHash(prev, body) != e.Hash:
				return fail(e.Seq, "the entry's hash does not match its content: it was edited")
			}
			prev, v.Last = e.Hash, e.Seq
			v.Entries++
			hashes[e.Seq] = e.Hash
			if len(hashes) > 1<<16 {
				clear(hashes)
			}
			return nil
		})
		if err != nil {
			return v, nil, err
		}
	}
	return v, hashes, nil
}

// Bounds of one entry: names longer than MaxNameBytes are recorded by
// Digest; lists of names (events, properties, criteria) keep at most
// MaxNames, and AllEvents/AllProperties then say that any may have been
// returned. An entry stays well under 1 MiB.
const (
	MaxNameBytes = 255
	MaxNames     = 2000
	DigestPrefix = "sha256:"
)

// Digest is how the log records a name longer than MaxNameBytes:
// "sha256:" and the hex SHA-256 of the name (a name, not a value: it is
// not keyed, so "was this property read?" can be answered by hashing it).
func Digest(name string) string {
	sum := sha256.Sum256([]byte(name))
	return DigestPrefix + hex.EncodeToString(sum[:])
}

func boundName(s string) string {
	if len(s) > MaxNameBytes {
		return Digest(s)
	}
	return s
}

// boundNames caps list at MaxNames names and digests long ones; capped
// reports whether names were left out.
func boundNames(list []string) (out []string, capped bool) {
	if len(list) > MaxNames {
		list, capped = list[:MaxNames], true
	}
	for i, s := range list {
		if len(s) > MaxNameBytes {
			if out == nil {
				out = slices.Clone(list)
			}
			out[i] = Digest(s)
		}
	}
	if out == nil {
		out = list
	}
	return out, capped
}

// Bound applies the entry bounds to e in place (Append calls it).
func Bound(e *Entry) {
	var capped bool
	if e.Events, capped = boundNames(e.Events); capped {
		e.AllEvents = true
	}
	if e.Properties, capped = boundNames(e.Properties); capped {
		e.AllProperties = true
	}
	if len(e.Criteria) == 0 {
		return
	}
	c := make(map[string]any, len(e.Criteria))
	for k, v := range e.Criteria {
		switch v := v.(type) {
		case string:
			c[k] = boundName(v)
		case []string:
			list, capped := boundNames(v)
			c[k] = list
			if capped {
				c[k+"_capped"] = true
			}
		default:
			c[k] = v
		}
	}
	e.Criteria = c
}

// VerifyHead is VerifyAll, and also checks that the log still holds entry
// seq with the given hash: a head published earlier (GET /api/audit/head,
// signed) makes the removal of the newest entries, or a rewrite of the
// chain from there on, evident.
func VerifyHead(dir string, seq int64, hash string) (Verified, error) {
	v, err := VerifyAll(dir)
	if err != nil {
		return v, err
	}
	if seq > v.Last {
		return v, &VerifyError{File: LogName, Seq: seq, Reason: fmt.Sprintf("the published head is entry %d but the log ends at %d: entries were removed", seq, v.Last)}
	}
	if seq < v.First {
		return v, &VerifyError{File: LogName, Seq: seq, Reason: fmt.Sprintf("the published head is entry %d, older than the oldest kept entry %d (retention): it cannot be compared", seq, v.First)}
	}
	paths, err := files(dir)
	if err != nil {
		return v, err
	}
	found := ""
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return v, fmt.Errorf("audit: open log: %w", err)
		}
		err = eachLine(f, func(b []byte, complete bool) error {
			var e struct {
				Seq  int64  `json:"seq"`
				Hash string `json:"hash"`
			}
			if complete && json.Unmarshal(b, &e) == nil && e.Seq == seq {
				found = e.Hash
			}
			return nil
		})
		f.Close()
		if err != nil {
			return v, err
		}
	}
	if found != hash {
		return v, &VerifyError{File: LogName, Seq: seq, Reason: "the entry the published head names has a different hash: the log was rewritten from there on"}
	}
	return v, nil
}

// LinesAfter calls fn with every entry of the log whose seq is above seq,
// oldest first, as written (without the newline): what a copy of the chain
// elsewhere lacks. Appends wait meanwhile.
func (l *Log) LinesAfter(seq int64, fn func(seq int64, line []byte) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seq <= seq {
		return nil
	}
	paths, err := files(l.dir)
	if err != nil {
		return err
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("audit: open log: %w", err)
		}
		err = eachLine(f, func(b []byte, complete bool) error {
			var e struct {
				Seq int64 `json:"seq"`
			}
			if !complete || json.Unmarshal(b, &e) != nil || e.Seq <= seq {
				return nil
			}
			return fn(e.Seq, bytes.Clone(b))
		})
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
