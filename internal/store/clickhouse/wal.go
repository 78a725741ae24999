package clickhouse

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// The local write-ahead log (Config.WALDir, docs/CLICKHOUSE.md "Local
// write-ahead log"). With it, an Append is acknowledged once its new rows
// (already guarded: the log holds exactly the insert body the cluster
// would get) are fsynced to a segment file on this node; a shipper
// inserts the log into the cluster in large synchronous distributed
// inserts and then deletes the shipped segments. A restart ships what the
// log still holds. Rows without a client insert id keep their random
// nodup in the log, so shipping a record twice stores the same key.
//
// A segment file is a sequence of records: a 9-byte header (body length
// uint32, CRC-32C of the body uint32, flags byte) and the body, a
// RowBinary insert body of insertEvents. A record whose header or CRC is
// incomplete (a crash during its write, never acknowledged) ends the
// segment; the file is cut there when it is read back.

// walChecked marks a record whose rows were looked up in the cluster (and
// the local log) when it was written: shipping it first time needs no
// look-up. A record without it (written while the cluster could not be
// read, replayed after a restart, or retried after a failed insert) is
// looked up again before it is inserted, so that what a previous insert
// stored (wholly or on one shard) is not stored twice.
const walChecked = 1

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Defaults of the log's bounds.
const (
	defaultWALMaxBytes = 1 << 30
	defaultWALMaxDown  = 60 * time.Second
	// walShipBytes bounds the bytes of one shipping insert.
	walShipBytes = 64 << 20
)

// ErrLogFull is wrapped (with ErrUnavailable) by Append errors when the
// local log holds more than its bound or the cluster has been unreachable
// for longer than its bound: nothing was acknowledged.
var ErrLogFull = errors.New("the local write-ahead log is full or the cluster has been unreachable too long")

// walTestHook, set by tests only, sees each log before its shipper starts.
var walTestHook func(*wal)

// walSegment is a closed segment waiting to be shipped.
type walSegment struct {
	seq  uint64
	size int64
}

// wal is the local write-ahead log and its shipper.
type wal struct {
	s                *Store
	dir              string
	maxBytes         int64
	maxDown          time.Duration
	holdShip         bool   // tests: the shipper ships nothing
	killAfterInsert  func() // tests: called after a ship's insert, before its segments are deleted
	mu               sync.Mutex
	cond             *sync.Cond // signalled when shipped or failed changes
	f                *os.File   // the active segment
	w                *bufio.Writer
	seq              uint64 // the active segment's number
	activeSize       int64
	sealed           []walSegment        // closed, not shipped, in order
	size             int64               // bytes of every unshipped segment
	keys             map[eventKey]uint64 // key -> segment holding it, unshipped
	segKeys          map[uint64][]eventKey
	recheck          map[uint64]bool // segments to look up again before they are shipped (read back at start, or an insert of them failed)
	downSince        time.Time       // first failure of the current streak of failed ships, zero when the last ship worked
	lastErr          error
	wake, stop, done chan struct{}
}

func segName(seq uint64) string { return fmt.Sprintf("%016x.wal", seq) }

// openWAL opens (or creates) the log in dir, reads back what it holds and
// starts the shipper.
func openWAL(s *Store, dir string, maxBytes int64, maxDown time.Duration) (*wal, error) {
	if maxBytes <= 0 {
		maxBytes = defaultWALMaxBytes
	}
	if maxDown <= 0 {
		maxDown = defaultWALMaxDown
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("clickhouse store: log: %w", err)
	}
	l := &wal{s: s, dir: dir, maxBytes: maxBytes, maxDown: maxDown, keys: map[eventKey]uint64{}, segKeys: map[uint64][]eventKey{}, recheck: map[uint64]bool{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	l.cond = sync.NewCond(&l.mu)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("clickhouse store: log: %w", err)
	}
	var seqs []uint64
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), ".wal")
		if !ok {
			continue
		}
		seq, err := strconv.ParseUint(n, 16, 64)
		if err != nil {
			continue
		}
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	for _, seq := range seqs {
		size, keys, err := l.recoverSegment(seq)
		if err != nil {
			return nil, err
		}
		if size == 0 {
			_ = os.Remove(filepath.Join(dir, segName(seq)))
			continue
		}
		l.sealed = append(l.sealed, walSegment{seq, size})
		l.size += size
		for _, k := range keys {
			l.keys[k] = seq
		}
		l.segKeys[seq] = keys
		l.recheck[seq] = true // a crash may have come after its insert and before its deletion
	}
	l.seq = 1
	if len(seqs) > 0 {
		l.seq = seqs[len(seqs)-1] + 1
	}
	if err := l.openActive(); err != nil {
		return nil, err
	}
	if walTestHook != nil {
		walTestHook(l)
	}
	go l.ship()
	return l, nil
}

// recoverSegment reads a segment back: its valid size (the file is cut
// after the last whole record) and the keys of its de-duplicated rows.
func (l *wal) recoverSegment(seq uint64) (int64, []eventKey, error) {
	p := filepath.Join(l.dir, segName(seq))
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, nil, fmt.Errorf("clickhouse store: log: %w", err)
	}
	var keys []eventKey
	off := 0
	for {
		body, _, n, ok := nextRecord(b[off:])
		if !ok {
			break
		}
		rows, err := walRows(body)
		if err != nil {
			break // a record whose CRC matched but that does not parse: stop here, as for a torn tail
		}
		for _, r := range rows {
			if r.k != 0 {
				keys = append(keys, r.key)
			}
		}
		off += n
	}
	if off < len(b) {
		if err := os.Truncate(p, int64(off)); err != nil {
			return 0, nil, fmt.Errorf("clickhouse store: log: cut a torn record: %w", err)
		}
	}
	return int64(off), keys, nil
}

// nextRecord decodes the record at the start of b: its body, flags and
// length, or ok false when b holds no whole, intact record.
func nextRecord(b []byte) (body []byte, flags byte, n int, ok bool) {
	if len(b) < 9 {
		return nil, 0, 0, false
	}
	ln := int(binary.LittleEndian.Uint32(b))
	if ln > len(b)-9 {
		return nil, 0, 0, false
	}
	body = b[9 : 9+ln]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(b[4:]) {
		return nil, 0, 0, false
	}
	return body, b[8], 9 + ln, true
}

func (l *wal) openActive() error {
	f, err := os.OpenFile(filepath.Join(l.dir, segName(l.seq)), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("clickhouse store: log: %w", err)
	}
	if err := syncDir(l.dir); err != nil {
		f.Close()
		return err
	}
	l.f, l.w, l.activeSize = f, bufio.NewWriterSize(f, 1<<20), 0
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("clickhouse store: log: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("clickhouse store: log: %w", err)
	}
	return nil
}

// full returns an error when the log takes no more rows: it holds more
// than its bound, or ships have failed for longer than its bound.
func (l *wal) full() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fullLocked()
}

func (l *wal) fullLocked() error {
	if l.size > l.maxBytes {
		return fmt.Errorf("%w: %w (%d bytes waiting to be shipped)", ErrUnavailable, ErrLogFull, l.size)
	}
	if !l.downSince.IsZero() && time.Since(l.downSince) > l.maxDown {
		return fmt.Errorf("%w: %w (no insert has worked for %s)", ErrUnavailable, ErrLogFull, time.Since(l.downSince).Round(time.Second))
	}
	return nil
}

// down reports whether the last ship failed (the cluster is then not
// looked up before a write: the rows are looked up when shipped).
func (l *wal) down() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.downSince.IsZero()
}

// has returns which of ks the log holds in a row not shipped yet.
func (l *wal) has(ks []eventKey) map[eventKey]bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[eventKey]bool{}
	for _, k := range ks {
		if _, ok := l.keys[k]; ok {
			out[k] = true
		}
	}
	return out
}

// write appends one record and fsyncs it; keys are the de-duplicated
// keys of its rows, which count as stored from then on.
func (l *wal) write(body []byte, checked bool, keys []eventKey) error {
	if len(body) == 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.fullLocked(); err != nil {
		return err
	}
	var h [9]byte
	binary.LittleEndian.PutUint32(h[:], uint32(len(body)))
	binary.LittleEndian.PutUint32(h[4:], crc32.Checksum(body, crcTable))
	if checked {
		h[8] = walChecked
	}
	_, err := l.w.Write(h[:])
	if err == nil {
		_, err = l.w.Write(body)
	}
	if err == nil {
		err = l.w.Flush()
	}
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		// The record may be partly on disk: cut it off, so that a later
		// record is not read back after it. If that fails too the log
		// takes nothing more.
		l.w = bufio.NewWriterSize(l.f, 1<<20)
		if terr := l.f.Truncate(l.activeSize); terr != nil {
			l.size = math.MaxInt64 / 2
		} else if _, serr := l.f.Seek(l.activeSize, io.SeekStart); serr != nil {
			l.size = math.MaxInt64 / 2
		}
		return fmt.Errorf("%w: clickhouse store: write the local log: %w", ErrUnavailable, err)
	}
	n := int64(9 + len(body))
	l.activeSize += n
	l.size += n
	for _, k := range keys {
		l.keys[k] = l.seq
	}
	l.segKeys[l.seq] = append(l.segKeys[l.seq], keys...)
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return nil
}

// seal closes the active segment when it holds records and starts the
// next one; it returns the number below which every segment is sealed.
func (l *wal) sealLocked() (uint64, error) {
	if l.activeSize == 0 {
		return l.seq, nil
	}
	if err := l.f.Close(); err != nil {
		return 0, fmt.Errorf("clickhouse store: log: %w", err)
	}
	l.sealed = append(l.sealed, walSegment{l.seq, l.activeSize})
	l.seq++
	if err := l.openActive(); err != nil {
		return 0, err
	}
	return l.seq, nil
}

// flush waits until every record written before it is shipped, or ctx
// ends, or the log is closed. Reads and purges call it first.
func (l *wal) flush(ctx context.Context) error {
	l.mu.Lock()
	target := l.seq // the active segment is empty: the sealed ones are what to wait for
	if l.activeSize > 0 {
		target = l.seq + 1
	}
	select {
	case l.wake <- struct{}{}:
	default:
	}
	stop := context.AfterFunc(ctx, func() { l.mu.Lock(); l.cond.Broadcast(); l.mu.Unlock() })
	defer stop()
	defer l.mu.Unlock()
	for l.shippedBelow() < target {
		if err := ctx.Err(); err != nil {
			if l.lastErr != nil {
				return fmt.Errorf("clickhouse store: the local log is not shipped yet (%w): %w", l.lastErr, err)
			}
			return err
		}
		select {
		case <-l.done:
			return fmt.Errorf("clickhouse store: the local log is not shipped: %w", ErrUnavailable)
		default:
		}
		if !l.downSince.IsZero() && l.lastErr != nil && time.Since(l.downSince) > l.s.cfg.Timeout {
			return fmt.Errorf("clickhouse store: the local log cannot be shipped: %w", l.lastErr)
		}
		l.cond.Wait()
	}
	return nil
}

// shippedBelow is the number below which every segment is shipped:
// the first sealed segment, else the active one when it is empty, else
// the active one (it is not shipped yet).
func (l *wal) shippedBelow() uint64 {
	if len(l.sealed) > 0 {
		return l.sealed[0].seq
	}
	if l.activeSize == 0 {
		return l.seq + 1
	}
	return l.seq
}

// ship runs until stop: it seals the active segment, inserts the sealed
// segments (up to walShipBytes at a time) into the cluster and deletes
// them; on a failure it waits (200 ms, doubling up to 5 s) and tries again.
func (l *wal) ship() {
	defer close(l.done)
	backoff := 200 * time.Millisecond
	for {
		l.mu.Lock()
		if !l.holdShip {
			if _, err := l.sealLocked(); err != nil {
				l.lastErr = err
			}
		}
		var take []walSegment
		var n int64
		for _, sg := range l.sealed {
			if l.holdShip || (len(take) > 0 && n+sg.size > walShipBytes) {
				break
			}
			take = append(take, sg)
			n += sg.size
		}
		l.mu.Unlock()
		if len(take) == 0 {
			select {
			case <-l.wake:
				continue
			case <-l.stop:
				return
			case <-time.After(time.Second):
				continue
			}
		}
		err := l.shipSegments(take)
		if err != nil {
			// The insert may have stored the rows (wholly, or on some
			// shards) before the failure: look them up when shipping again.
			l.markRecheck(take)
		}
		l.mu.Lock()
		if err != nil {
			if l.downSince.IsZero() {
				l.downSince = time.Now()
			}
			l.lastErr = err
		} else {
			l.sealed = l.sealed[len(take):]
			for _, sg := range take {
				l.size -= sg.size
				for _, k := range l.segKeys[sg.seq] {
					if l.keys[k] == sg.seq {
						delete(l.keys, k)
					}
				}
				delete(l.segKeys, sg.seq)
				delete(l.recheck, sg.seq)
			}
			l.downSince, l.lastErr = time.Time{}, nil
			backoff = 200 * time.Millisecond
		}
		l.cond.Broadcast()
		l.mu.Unlock()
		if err != nil {
			select {
			case <-l.stop:
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
		}
	}
}

// shipSegments inserts the records of segs with one synchronous
// distributed insert, the rows of unchecked records first looked up (and
// those already stored left out), then deletes the segment files.
func (l *wal) shipSegments(segs []walSegment) error {
	recheck := map[uint64]bool{}
	l.mu.Lock()
	for _, sg := range segs {
		recheck[sg.seq] = l.recheck[sg.seq]
	}
	l.mu.Unlock()
	var body []byte
	var check []walRow
	for _, sg := range segs {
		b, err := os.ReadFile(filepath.Join(l.dir, segName(sg.seq)))
		if err != nil {
			return fmt.Errorf("clickhouse store: log: %w", err)
		}
		b = b[:min(int64(len(b)), sg.size)]
		for off := 0; off < len(b); {
			rec, flags, n, ok := nextRecord(b[off:])
			if !ok {
				return fmt.Errorf("clickhouse store: log: segment %s is damaged at byte %d", segName(sg.seq), off)
			}
			off += n
			if flags&walChecked != 0 && !recheck[sg.seq] {
				body = append(body, rec...)
				continue
			}
			rows, err := walRows(rec)
			if err != nil {
				return fmt.Errorf("clickhouse store: log: segment %s: %w", segName(sg.seq), err)
			}
			check = append(check, rows...)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.s.cfg.Timeout)
	defer cancel()
	if len(check) > 0 {
		kept, err := l.s.notStored(ctx, check)
		if err != nil {
			return err
		}
		for _, r := range kept {
			body = append(body, r.raw...)
		}
	}
	if len(body) > 0 {
		if err := l.s.insert(body); err != nil {
			return err
		}
	}
	if l.killAfterInsert != nil {
		l.killAfterInsert()
	}
	for _, sg := range segs {
		if err := os.Remove(filepath.Join(l.dir, segName(sg.seq))); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("clickhouse store: log: %w", err)
		}
	}
	return syncDir(l.dir)
}

// markRecheck notes that segs' rows may be stored, wholly or on some
// shards (an insert of them failed): they are looked up when shipped
// again.
func (l *wal) markRecheck(segs []walSegment) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, sg := range segs {
		l.recheck[sg.seq] = true
	}
}

// close stops the shipper after one last attempt to ship, bounded by
// the store's timeout; what is not shipped stays in the log for the next
// start.
func (l *wal) close() {
	ctx, cancel := context.WithTimeout(context.Background(), l.s.cfg.Timeout)
	l.mu.Lock()
	hold := l.holdShip
	l.mu.Unlock()
	if !hold {
		_ = l.flush(ctx)
	}
	cancel()
	close(l.stop)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.activeSize == 0 {
		l.f.Close()
		_ = os.Remove(filepath.Join(l.dir, segName(l.seq)))
		return
	}
	l.f.Close()
}

// walRow is one row of a log record: its bytes in the record and what a
// look-up needs.
type walRow struct {
	raw     []byte
	key     eventKey
	nodup   string
	k       uint64
	project int64
}

// walRows splits a RowBinary body of insertEvents into its rows.
func walRows(body []byte) ([]walRow, error) {
	var rows []walRow
	rd := newRB(bytes.NewReader(body))
	off := 0
	for rd.more() {
		var r walRow
		r.project = rd.i64()
		t := rd.i64()
		name := rd.str()
		user := rd.str()
		ins := rd.str()
		r.nodup = rd.str()
		props := rd.bytesInto(nil)
		_ = rd.u64() // ver
		r.k = rd.u64()
		if rd.err != nil {
			return nil, errors.New("a record does not parse")
		}
		n := 8 + 8 + uvarLen(len(name)) + len(name) + uvarLen(len(user)) + len(user) + uvarLen(len(ins)) + len(ins) +
			uvarLen(len(r.nodup)) + len(r.nodup) + uvarLen(len(props)) + len(props) + 8 + 8
		if off+n > len(body) {
			return nil, errors.New("a record does not parse")
		}
		r.raw = body[off : off+n]
		off += n
		r.key = eventKey{r.project, name, user, t, ins}
		rows = append(rows, r)
	}
	if rd.err != nil || off != len(body) {
		return nil, errors.New("a record does not parse")
	}
	return rows, nil
}

func uvarLen(n int) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], uint64(n))
}

// notStored returns the rows that the cluster does not hold: a row with a
// client insert id by its key (as storedKeys looks up), a row without one
// by its nodup (the random id it was given when it was logged).
func (s *Store) notStored(ctx context.Context, rows []walRow) ([]walRow, error) {
	var keyRows []event.Row
	var idx []int
	var nw rbWriter
	nodups := map[string]bool{}
	projects := map[int64]bool{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, r := range rows {
		if r.k != 0 {
			idx = append(idx, len(keyRows))
			keyRows = append(keyRows, event.Row{ProjectID: r.project, Name: r.key.name, DistinctID: r.key.user, Time: r.key.time, InsertID: r.key.insertID})
			continue
		}
		nodups[r.nodup] = true
		nw.str(r.nodup)
		projects[r.project] = true
		lo, hi = min(lo, r.key.time), max(hi, r.key.time)
	}
	stored := map[eventKey]bool{}
	if len(keyRows) > 0 {
		var err error
		if stored, err = s.storedKeys(ctx, keyRows, idx); err != nil {
			return nil, fmt.Errorf("clickhouse store: look up the log's rows: %w", err)
		}
	}
	storedNodup := map[string]bool{}
	if len(nodups) > 0 {
		var ps []string
		for p := range projects {
			ps = append(ps, strconv.FormatInt(p, 10))
		}
		sort.Strings(ps)
		q := fmt.Sprintf("SELECT DISTINCT nodup FROM %s.events WHERE project_id IN (%s) AND time >= %d AND time <= %d AND nodup IN (SELECT n FROM nodups) FORMAT RowBinary",
			s.db, strings.Join(ps, ", "), lo, hi)
		rc, err := s.q.do(ctx, q, nil, nil, []extTable{{name: "nodups", structure: "n String", data: nw.b}})
		if err != nil {
			return nil, fmt.Errorf("clickhouse store: look up the log's rows: %w", err)
		}
		rd := newRB(rc)
		for rd.more() {
			storedNodup[rd.str()] = true
		}
		rc.Close()
		if rd.err != nil {
			return nil, fmt.Errorf("clickhouse store: look up the log's rows: %w", rd.err)
		}
	}
	var out []walRow
	seen := map[eventKey]bool{}
	for _, r := range rows {
		if r.k != 0 {
			if stored[r.key] || seen[r.key] {
				continue
			}
			seen[r.key] = true
		} else if storedNodup[r.nodup] {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// syncLog waits, with the local log, until every row acknowledged before
// the call is shipped: reads and purges on this node see (and cover)
// every row it acknowledged.
func (s *Store) syncLog(ctx context.Context) error {
	if s.log == nil {
		return nil
	}
	return s.log.flush(ctx)
}
