package forward

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// Record is one stored event, or one stored profile update, in a
// project's outbox. Props is the stored (guarded) properties object, as
// the store holds it; Ops are the stored (guarded) profile operations.
type Record struct {
	Seq        int64           `json:"s"`
	Time       int64           `json:"t"` // Unix milliseconds, the event's own time
	Name       string          `json:"e"`
	DistinctID string          `json:"d"` // a profile update's distinct_id, or its group's id
	InsertID   string          `json:"i"` // a profile update's is random, set once when queued
	Props      json.RawMessage `json:"p"`
	Queued     int64           `json:"q"` // Unix milliseconds when it entered the outbox
	// Kind is "" for an event, KindPeople or KindGroup for a profile
	// update.
	Kind       string `json:"k,omitempty"`
	GroupKey   string `json:"g,omitempty"`
	Ops        []Op   `json:"o,omitempty"`
	MergeFrom  string `json:"m,omitempty"`
	IP         string `json:"ip,omitempty"`
	IgnoreTime bool   `json:"it,omitempty"`
	FromEvent  bool   `json:"fe,omitempty"` // a stored event carries it (PostHog's $set, $identify, $groupidentify)

	at readPos // where the record ends in the outbox, as read (not stored)
}

// readPos is where a reader stands in an outbox: after record seq, at byte
// off of segment seg, valid while the outbox's generation (bumped by every
// rewrite) is gen.
type readPos struct {
	gen      uint64
	seg, off int64
	seq      int64
}

// Kinds of profile update record.
const (
	KindPeople = "people"
	KindGroup  = "group"
)

// Op is one stored profile operation: $set, $set_once, $add, $append,
// $union, $remove, $unset or $delete, with its argument.
type Op struct {
	Op    string          `json:"op"`
	Value json.RawMessage `json:"v"`
}

// segmentBytes is the size after which a new segment file is started.
const segmentBytes = 8 << 20

// outbox is one project's append-only log of stored events:
// <root>/outbox/<project>/<first seq, 20 digits>.log, one JSON record a
// line, fsynced before Append returns. Segments every destination has
// passed are removed.
type outbox struct {
	dir string
	// sending is held (shared) by a delivery from reading records until
	// its cursor is saved, and exclusively by a purge.
	sending sync.RWMutex
	mu      sync.Mutex
	segs    []int64 // first seq of each segment, ascending
	last    int64   // last seq durably written
	f       *os.File
	size    int64  // of the segment being appended to
	bytes   int64  // of every segment: the outbox on disk
	gen     uint64 // bumped when a segment is rewritten (a purge): read positions are stale
}

// openOutbox opens (or creates) a project's outbox, cutting a torn last
// line a crash left.
func openOutbox(dir string) (*outbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("forward: create outbox: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("forward: read outbox: %w", err)
	}
	o := &outbox{dir: dir}
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".log"); ok {
			if first, err := strconv.ParseInt(n, 10, 64); err == nil {
				o.segs = append(o.segs, first)
			}
		} else if strings.HasSuffix(e.Name(), atomicfile.TmpSuffix) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	sort.Slice(o.segs, func(i, j int) bool { return o.segs[i] < o.segs[j] })
	if len(o.segs) == 0 {
		return o, nil
	}
	for _, first := range o.segs {
		if st, err := os.Stat(o.segPath(first)); err == nil {
			o.bytes += st.Size()
		}
	}
	// Find the last complete record of the last segment; cut what follows.
	path := o.segPath(o.segs[len(o.segs)-1])
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("forward: read outbox: %w", err)
	}
	good := 0
	o.last = o.segs[len(o.segs)-1] - 1
	for good < len(b) {
		nl := bytes.IndexByte(b[good:], '\n')
		if nl < 0 {
			break
		}
		var r Record
		if json.Unmarshal(b[good:good+nl], &r) != nil {
			break
		}
		o.last = r.Seq
		good += nl + 1
	}
	if good < len(b) {
		if err := os.Truncate(path, int64(good)); err != nil {
			return nil, fmt.Errorf("forward: cut a torn outbox record: %w", err)
		}
		o.bytes -= int64(len(b) - good)
	}
	return o, nil
}

func (o *outbox) segPath(first int64) string {
	return filepath.Join(o.dir, fmt.Sprintf("%020d.log", first))
}

// Last is the seq of the last durable record (0: none yet).
func (o *outbox) Last() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}

// append writes recs (their Seq is assigned here) and fsyncs.
func (o *outbox) append(recs []Record) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil || o.size >= segmentBytes {
		if err := o.rotate(); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	for i := range recs {
		recs[i].Seq = o.last + 1 + int64(i)
		b, err := json.Marshal(&recs[i])
		if err != nil {
			return fmt.Errorf("forward: encode outbox record: %w", err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	n, err := o.f.Write(buf.Bytes())
	if err == nil {
		err = o.f.Sync()
	}
	if err != nil {
		// Cut what may have been written: a later append must not follow
		// a record the reader would take as written.
		_ = o.f.Truncate(o.size)
		_, _ = o.f.Seek(o.size, io.SeekStart)
		return fmt.Errorf("forward: write outbox: %w", err)
	}
	o.size += int64(n)
	o.bytes += int64(n)
	o.last += int64(len(recs))
	return nil
}

// Bytes is the size of the outbox on disk.
func (o *outbox) Bytes() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.bytes
}

// removeSeg removes a segment file and its bytes from the count. o.mu is
// held.
func (o *outbox) removeSeg(first int64) {
	if st, err := os.Stat(o.segPath(first)); err == nil {
		o.bytes -= st.Size()
	}
	_ = os.Remove(o.segPath(first))
}

// rotate opens the segment to append to: the last one when it has room,
// a new one otherwise.
func (o *outbox) rotate() error {
	if o.f != nil {
		_ = o.f.Close()
		o.f = nil
	}
	first := o.last + 1
	if n := len(o.segs); n > 0 {
		if st, err := os.Stat(o.segPath(o.segs[n-1])); err == nil && st.Size() < segmentBytes {
			first = o.segs[n-1]
		}
	}
	f, err := os.OpenFile(o.segPath(first), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("forward: open outbox segment: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	if len(o.segs) == 0 || o.segs[len(o.segs)-1] != first {
		o.segs = append(o.segs, first)
		if err := atomicfile.SyncDir(o.dir); err != nil {
			f.Close()
			return err
		}
	}
	o.f, o.size = f, st.Size()
	return nil
}

// read calls fn with up to limit records after seq `after`, in order, and
// returns the last durable seq it read up to (records a purge deleted
// leave gaps: a reader with nothing left may move its cursor there). From
// is where the reader stands when it is known (a record's at, the record
// at `after`): reading starts there instead of at the segment's start.
func (o *outbox) read(after int64, from readPos, limit int, fn func(Record)) (int64, error) {
	o.mu.Lock()
	last, gen := o.last, o.gen
	segs := append([]int64(nil), o.segs...)
	o.mu.Unlock()
	i := sort.Search(len(segs), func(i int) bool { return segs[i] > after+1 }) - 1
	if i < 0 {
		i = 0
	}
	var off int64
	if from.gen == gen && from.seq == after && from.seg != 0 {
		if j := sort.Search(len(segs), func(j int) bool { return segs[j] >= from.seg }); j < len(segs) && segs[j] == from.seg {
			i, off = j, from.off
		}
	}
	n := 0
	for ; i < len(segs) && n < limit; i++ {
		f, err := os.Open(o.segPath(segs[i]))
		if errors.Is(err, os.ErrNotExist) {
			off = 0
			continue // pruned meanwhile
		} else if err != nil {
			return last, err
		}
		if off > 0 {
			if _, err := f.Seek(off, io.SeekStart); err != nil {
				f.Close()
				return last, err
			}
		}
		pos := off
		off = 0
		br := bufio.NewReaderSize(f, 64<<10)
		for n < limit {
			line, err := br.ReadBytes('\n')
			if err != nil {
				break // EOF, or a line still being written
			}
			pos += int64(len(line))
			var r Record
			if err := json.Unmarshal(line, &r); err != nil {
				f.Close()
				return last, fmt.Errorf("forward: outbox record damaged in %s", filepath.Base(f.Name()))
			}
			if r.Seq > last {
				break
			}
			if r.Seq > after {
				r.at = readPos{gen: gen, seg: segs[i], off: pos, seq: r.Seq}
				fn(r)
				n++
			}
		}
		f.Close()
	}
	return last, nil
}

// prune removes the segments whose records are all at or below upTo.
// When every record is, the segment being appended to goes too (the next
// append starts a new one): delivered events do not linger on disk.
func (o *outbox) prune(upTo int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for len(o.segs) > 1 && o.segs[1] <= upTo+1 {
		o.removeSeg(o.segs[0])
		o.segs = o.segs[1:]
	}
	if len(o.segs) == 1 && upTo >= o.last && o.segs[0] <= o.last {
		// An empty segment named after the next seq keeps the numbering
		// across a restart.
		next := o.segPath(o.last + 1)
		f, err := os.OpenFile(next, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return
		}
		if o.f != nil {
			_ = o.f.Close()
		}
		o.removeSeg(o.segs[0])
		_ = atomicfile.SyncDir(o.dir)
		o.f, o.size, o.segs = f, 0, []int64{o.last + 1}
	}
}

// remove closes the outbox and deletes its files.
func (o *outbox) remove() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f != nil {
		_ = o.f.Close()
		o.f = nil
	}
	o.segs, o.bytes = nil, 0
	return os.RemoveAll(o.dir)
}

// close closes the segment being appended to.
func (o *outbox) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil {
		return nil
	}
	err := o.f.Close()
	o.f = nil
	return err
}
