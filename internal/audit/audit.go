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
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	AllEvents     bool   `json:"all_events,omitempty"`
	AllProperties bool   `json:"all_properties,omitempty"`
	Rows          int64  `json:"rows"`
	PrevHash      string `json:"prev_hash"`
	Hash          string `json:"hash,omitempty"`
}

// Log is an open audit log. It is safe for concurrent use.
type Log struct {
	dir  string
	log  *slog.Logger
	key  []byte
	mu   sync.Mutex
	f    *os.File
	seq  int64
	last string // hash of the last entry
	head int64  // seq written to HEAD
	// async appends (denied ingest attempts)
	async   chan Entry
	dropped int64
	wg      sync.WaitGroup
	closed  bool
}

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
	l := &Log{dir: dir, log: logger.With("component", "audit"), key: key, f: f, last: genesis, async: make(chan Entry, 4096)}
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
	go l.asyncLoop()
	return l, nil
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
	if size == 0 {
		return false, nil
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
		if size == 0 {
			return torn, nil
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
	return l.append(e)
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
	if l.seq-l.head >= 64 {
		l.writeHead()
	}
	return nil
}

// AppendAsync queues e without waiting (for denied ingestion attempts, which
// a client can send at any rate). When the queue is full, entries are
// counted and the count is logged as one entry later.
func (l *Log) AppendAsync(e Entry) {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	select {
	case l.async <- e:
	default:
		l.mu.Lock()
		l.dropped++
		l.mu.Unlock()
	}
}

func (l *Log) asyncLoop() {
	defer l.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-l.async:
			if !ok {
				l.flushDropped()
				return
			}
			if err := l.Append(e); err != nil {
				l.log.Error("audit append failed", "action", e.Action, "err", err)
			}
		case <-tick.C:
			l.flushDropped()
			l.mu.Lock()
			if l.f != nil && l.head != l.seq {
				l.writeHead()
			}
			l.mu.Unlock()
		}
	}
}

func (l *Log) flushDropped() {
	l.mu.Lock()
	n := l.dropped
	l.dropped = 0
	l.mu.Unlock()
	if n > 0 {
		_ = l.Append(Entry{Actor: "sieve", Action: "audit.coalesced", Outcome: OK, Rows: n,
			Criteria: map[string]any{"note": "denied attempts beyond the audit queue, counted in rows"}})
	}
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

// Close drains queued entries, records the head and closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	close(l.async)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
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

// Query returns the entries matching q, oldest first.
func (l *Log) Query(q Query) ([]Entry, error) {
	f, err := os.Open(filepath.Join(l.dir, LogName))
	if err != nil {
		return nil, fmt.Errorf("audit: read log: %w", err)
	}
	defer f.Close()
	l.mu.Lock()
	upto := l.seq
	l.mu.Unlock()
	out := []Entry{}
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		b, err := r.ReadBytes('\n')
		if len(b) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("audit: read log: %w", err)
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, errors.New("audit: the log holds a damaged entry; run `sieve audit verify`")
		}
		if e.Seq > upto {
			break
		}
		if q.Matches(&e) {
			out = append(out, e)
		}
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[len(out)-q.Limit:]
	}
	return out, nil
}

// VerifyError names the first entry where the chain breaks.
type VerifyError struct {
	Line   int   // 1-based line of the log file
	Seq    int64 // the entry's seq as written (0 when unreadable)
	Reason string
}

func (e *VerifyError) Error() string {
	if e.Seq > 0 {
		return fmt.Sprintf("audit log: entry seq %d (line %d): %s", e.Seq, e.Line, e.Reason)
	}
	return fmt.Sprintf("audit log: line %d: %s", e.Line, e.Reason)
}

// Verify checks the chain of the audit log in dir and returns how many
// entries it holds. The first broken entry is reported as a *VerifyError.
func Verify(dir string) (int64, error) {
	f, err := os.Open(filepath.Join(dir, LogName))
	if err != nil {
		return 0, fmt.Errorf("audit: open log: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	prev := genesis
	var seq int64
	hashes := map[int64]string{}
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if len(b) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return seq, fmt.Errorf("audit: read log: %w", err)
		}
		if !bytes.HasSuffix(b, []byte("\n")) {
			return seq, &VerifyError{Line: line, Reason: "the last line is incomplete"}
		}
		b = b[:len(b)-1]
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return seq, &VerifyError{Line: line, Seq: seq + 1, Reason: "not a valid entry (edited?)"}
		}
		suffix := []byte(`,"hash":"` + e.Hash + `"}`)
		if len(e.Hash) != 64 || !bytes.HasSuffix(b, suffix) {
			return seq, &VerifyError{Line: line, Seq: e.Seq, Reason: "the hash field is missing or misplaced"}
		}
		body := append(append([]byte(nil), b[:len(b)-len(suffix)]...), '}')
		switch {
		case e.Seq != seq+1:
			return seq, &VerifyError{Line: line, Seq: e.Seq, Reason: fmt.Sprintf("expected seq %d: an entry was removed or reordered", seq+1)}
		case e.PrevHash != prev:
			return seq, &VerifyError{Line: line, Seq: e.Seq, Reason: "prev_hash does not match the previous entry: an entry was removed, reordered or edited"}
		case chainHash(prev, body) != e.Hash:
			return seq, &VerifyError{Line: line, Seq: e.Seq, Reason: "the entry's hash does not match its content: it was edited"}
		}
		prev, seq = e.Hash, e.Seq
		hashes[seq] = e.Hash
		if len(hashes) > 1<<16 {
			clear(hashes)
		}
	}
	// HEAD: the log must reach at least the recorded head.
	if b, err := os.ReadFile(filepath.Join(dir, headName)); err == nil {
		parts := strings.Fields(string(b))
		if len(parts) == 2 {
			n, _ := strconv.ParseInt(parts[0], 10, 64)
			if n > seq {
				return seq, &VerifyError{Line: int(seq) + 1, Seq: n, Reason: fmt.Sprintf("HEAD records entry %d but the log ends at %d: entries were removed", n, seq)}
			}
			if h, ok := hashes[n]; ok && h != parts[1] {
				return seq, &VerifyError{Line: int(n), Seq: n, Reason: "the entry HEAD records has a different hash"}
			}
		}
	}
	return seq, nil
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
