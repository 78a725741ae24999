// Package findingstream keeps the guard's findings as a durable, ordered
// stream for SIEM and DLP consumers: every finding the ingestion path
// records is appended (fsynced) before the store write, with a sequence
// number that is the consumers' cursor. Reading from a cursor gives every
// later record, at least once, in order, across restarts.
//
// A record is metadata only, in a documented shape that maps to ECS and
// OCSF fields (docs/PRIVACY.md): time, project, rule (class, detector),
// severity, action, event name, property path, SDK, and the distinct_id
// only as a keyed hash. Never a value.
//
// Records live in segment files stream-<first seq>.ndjson under the
// stream's directory; a segment is closed at SegmentBytes and the oldest
// are removed beyond KeepSegments (a consumer further behind is told so).
//
// findingstream imports event and atomicfile only.
package findingstream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// Record is one finding as the stream serves it.
type Record struct {
	Seq       int64     `json:"seq"`
	Time      time.Time `json:"time"`
	ProjectID int64     `json:"project_id"`
	Source    Source    `json:"source"`
	Rule      Rule      `json:"rule"`
	Severity  string    `json:"severity"` // "critical" (a critical class) or "medium"
	Action    string    `json:"action"`   // what the guard did: drop_property, redact, hash, drop_event, keep
	Event     string    `json:"event"`    // the event's name ("$engage" for profile updates)
	Path      string    `json:"path"`     // the property path
	UserHash  string    `json:"user_hash,omitempty"`
}

// Source is where the finding's event came from.
type Source struct {
	Lib        string `json:"lib,omitempty"`
	LibVersion string `json:"lib_version,omitempty"`
}

// Rule is what found it.
type Rule struct {
	Class    string `json:"class"`
	Detector string `json:"detector"`
}

// ErrGap means the cursor is older than the oldest record kept: records
// between were removed by retention.
var ErrGap = errors.New("findingstream: records after this cursor were removed by retention")

// Options configure a Stream.
type Options struct {
	Dir          string
	HashID       func(string) string // keyed hash of a distinct_id
	Critical     func(class string) bool
	SegmentBytes int64 // default 64 MiB
	KeepSegments int   // default 16
}

// Stream is an open findings stream. Safe for concurrent use.
type Stream struct {
	opt     Options
	mu      sync.Mutex
	eraseMu sync.Mutex // one Erase at a time
	f       *os.File
	name    string // f's segment name
	size    int64
	seq     int64

	written int64        // appends written (under mu)
	syncMu  sync.Mutex   // one fsync at a time
	synced  atomic.Int64 // appends known to be on disk
	// durable is the seq of the last record known to be on disk: readers
	// see no further, so a cursor never names a record a crash could
	// take back (and its seq give to another).
	durable atomic.Int64
}

const prefix, suffix = "stream-", ".ndjson"

func segName(first int64) string { return fmt.Sprintf("%s%020d%s", prefix, first, suffix) }

func (s *Stream) segments() ([]string, error) {
	ents, err := os.ReadDir(s.opt.Dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), suffix) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

func segFirst(name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(name, prefix), suffix), 10, 64)
	return n
}

// Open opens (or creates) the stream in opt.Dir. A torn last line (a crash
// in the middle of an append) is cut off.
func Open(opt Options) (*Stream, error) {
	if opt.SegmentBytes <= 0 {
		opt.SegmentBytes = 64 << 20
	}
	if opt.KeepSegments <= 0 {
		opt.KeepSegments = 16
	}
	if opt.HashID == nil {
		return nil, errors.New("findingstream: a HashID is required")
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("findingstream: %w", err)
	}
	s := &Stream{opt: opt}
	segs, err := s.segments()
	if err != nil {
		return nil, fmt.Errorf("findingstream: %w", err)
	}
	name := segName(1)
	if len(segs) > 0 {
		name = segs[len(segs)-1]
		s.seq = segFirst(name) - 1
	}
	f, err := os.OpenFile(filepath.Join(opt.Dir, name), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("findingstream: %w", err)
	}
	// Recover: the last complete line's seq; cut a torn tail.
	var good int64
	r := bufio.NewReaderSize(f, 1<<16)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			break // a line without its newline is torn
		}
		var rec struct{ Seq int64 }
		if json.Unmarshal(line, &rec) != nil {
			break
		}
		s.seq = rec.Seq
		good += int64(len(line))
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("findingstream: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("findingstream: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("findingstream: %w", err)
	}
	s.f, s.name, s.size = f, name, good
	s.durable.Store(s.seq)
	return s, nil
}

// Last is the sequence number of the newest record on disk (0: none yet).
func (s *Stream) Last() int64 { return s.durable.Load() }

// Append adds fs durably and returns once they are on disk (fsynced;
// concurrent appends share an fsync).
func (s *Stream) Append(fs []event.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return errors.New("findingstream: closed")
	}
	var buf bytes.Buffer
	seq := s.seq
	for i := range fs {
		f := &fs[i]
		seq++
		rec := Record{Seq: seq, Time: time.UnixMilli(f.Time).UTC(), ProjectID: f.ProjectID,
			Source: Source{Lib: f.Lib, LibVersion: f.LibVersion}, Rule: Rule{Class: f.Class, Detector: f.Detector},
			Severity: "medium", Action: f.Action, Event: f.Event, Path: f.Path}
		if s.opt.Critical != nil && s.opt.Critical(f.Class) {
			rec.Severity = "critical"
		}
		if f.DistinctID != "" {
			rec.UserHash = s.opt.HashID(f.DistinctID)
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if _, err := s.f.Write(buf.Bytes()); err != nil {
		_ = s.f.Truncate(s.size) // nothing half-written
		_, _ = s.f.Seek(s.size, io.SeekStart)
		return fmt.Errorf("findingstream: append: %w", err)
	}
	s.size += int64(buf.Len())
	s.seq = seq
	s.written++
	mine, f := s.written, s.f
	if s.size >= s.opt.SegmentBytes {
		// The old segment is synced before it is closed.
		if err := f.Sync(); err != nil {
			return fmt.Errorf("findingstream: sync: %w", err)
		}
		s.synced.Store(mine)
		s.advanceDurable(s.seq)
		s.rotate()
		return nil
	}
	s.mu.Unlock()
	err := s.syncTo(f, mine)
	s.mu.Lock()
	return err
}

func (s *Stream) advanceDurable(seq int64) {
	for {
		cur := s.durable.Load()
		if seq <= cur || s.durable.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// syncTo returns once the append numbered mine is on disk. Appends that
// wait together share one fsync (group commit): the first to get the
// sync lock syncs everything written so far.
func (s *Stream) syncTo(f *os.File, mine int64) error {
	if s.synced.Load() >= mine {
		return nil
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if s.synced.Load() >= mine {
		return nil
	}
	s.mu.Lock()
	upTo, seq := s.written, s.seq
	same := f == s.f
	s.mu.Unlock()
	if !same {
		return nil // rotated: the old segment was synced before its close
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("findingstream: sync: %w", err)
	}
	s.synced.Store(upTo)
	s.advanceDurable(seq)
	return nil
}

// rotate starts a new segment and removes the oldest beyond KeepSegments.
// A failure keeps the current segment (it only grows further).
func (s *Stream) rotate() {
	name := segName(s.seq + 1)
	f, err := os.OpenFile(filepath.Join(s.opt.Dir, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return
	}
	s.f.Close()
	s.f, s.name, s.size = f, name, 0
	if segs, err := s.segments(); err == nil && len(segs) > s.opt.KeepSegments {
		for _, n := range segs[:len(segs)-s.opt.KeepSegments] {
			_ = os.Remove(filepath.Join(s.opt.Dir, n))
		}
	}
}

// Close closes the stream.
func (s *Stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// Read calls fn with the JSON line (without its newline) of every record
// of project (0: all) with seq > after, oldest first, at most limit, and
// returns the seq of the last record it passed (after when none). It
// fails with ErrGap when after is older than the oldest kept record.
func (s *Stream) Read(project, after int64, limit int, fn func(seq int64, line []byte) error) (int64, error) {
	last := s.durable.Load()
	s.mu.Lock()
	segs, err := s.segments()
	s.mu.Unlock()
	if err != nil {
		return after, fmt.Errorf("findingstream: %w", err)
	}
	if len(segs) > 0 && after+1 < segFirst(segs[0]) {
		return after, ErrGap
	}
	cur, n := after, 0
	for i, name := range segs {
		if i+1 < len(segs) && segFirst(segs[i+1]) <= after+1 {
			continue // wholly before the cursor
		}
		f, err := os.Open(filepath.Join(s.opt.Dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return cur, fmt.Errorf("findingstream: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			var rec struct {
				Seq       int64 `json:"seq"`
				ProjectID int64 `json:"project_id"`
			}
			if json.Unmarshal(sc.Bytes(), &rec) != nil || rec.Seq > last {
				break // past what was complete when Read began
			}
			if rec.Seq <= after {
				continue
			}
			cur = rec.Seq
			if project != 0 && rec.ProjectID != project {
				continue
			}
			if err := fn(rec.Seq, sc.Bytes()); err != nil {
				f.Close()
				return cur, err
			}
			if n++; limit > 0 && n >= limit {
				f.Close()
				return cur, nil
			}
		}
		f.Close()
	}
	return cur, nil
}
