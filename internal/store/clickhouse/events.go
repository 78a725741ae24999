package clickhouse

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/zeebo/xxh3"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

// eventKey is the de-duplication key of a row with a client insert id.
type eventKey struct {
	project    int64
	name, user string
	time       int64
	insertID   string
}

func dedupable(r *event.Row) bool { return r.InsertID != "" && !r.GeneratedID }

// insertSettings make an INSERT into a Distributed table return only once
// every shard has written its rows.
var insertSettings = url.Values{"insert_distributed_sync": {"1"}}

// Append implements store.Store. Concurrent Appends of this process are
// combined (group commit): one writer takes every call waiting, looks up
// which of their keys are stored already, and inserts the new rows of all
// of them with one synchronous distributed insert. Two Sieve nodes may
// both insert a row the other is inserting; reads keep one copy.
//
// A call whose ctx ends before the writer takes it stores nothing and
// returns ctx's error. Once taken, the call waits for the insert whatever
// ctx does (a request cut off midway could leave the rows stored and the
// caller told otherwise); the insert is bounded by the store's timeout.
func (s *Store) Append(ctx context.Context, rows []event.Row) (store.AppendResult, error) {
	done, err := s.begin()
	if err != nil {
		return store.AppendResult{}, err
	}
	defer done()
	if err := ctx.Err(); err != nil {
		return store.AppendResult{}, err
	}
	for i := range rows {
		r := &rows[i]
		if !utf8.ValidString(r.Name) || !utf8.ValidString(r.DistinctID) || !utf8.ValidString(r.InsertID) {
			return store.AppendResult{}, fmt.Errorf("%w: row %d: text is not valid UTF-8", ErrInvalidRow, i)
		}
	}
	if len(rows) == 0 {
		return store.AppendResult{}, nil
	}
	if s.log != nil {
		if err := s.log.full(); err != nil {
			return store.AppendResult{}, fmt.Errorf("clickhouse store: %w", err)
		}
	}
	c := &appendCall{rows: rows, done: make(chan struct{})}
	s.appendMu.Lock()
	s.pending = append(s.pending, c)
	s.appendMu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		if c.state.CompareAndSwap(callPending, callWithdrawn) {
			return store.AppendResult{}, ctx.Err()
		}
		<-c.done
	}
	return c.res, c.err
}

// appendCall is one Append waiting for the writer.
type appendCall struct {
	rows  []event.Row
	state atomic.Int32 // callPending, then callTaken by the writer or callWithdrawn by the caller
	res   store.AppendResult
	err   error
	done  chan struct{}
}

const (
	callPending int32 = iota
	callTaken
	callWithdrawn
)

// maxGroupRows bounds the rows of one group commit.
const maxGroupRows = 100_000

// writers is how many group commits may be under way at once. A commit
// has two stages, run as a pipeline: forming the group and looking its
// keys up (one group at a time), then the synchronous insert on every
// shard (one insert at a time). While a group is being inserted, the
// next one forms from the calls that arrived meanwhile and is looked up.
// One insert at a time makes the inserts as large as the arrivals allow:
// an insert into 18.16 costs about the same for 100 rows as for several
// thousand (docs/PERFORMANCE.md, "ClickHouse backend ingestion"), so
// several small concurrent inserts were slower than one larger one.
const writers = 2

// groupState is a group commit under way; a later group holding one of
// its keys waits for it to end before looking its keys up, so that the
// two never both store a row.
type groupState struct {
	done chan struct{}
	keys []eventKey
}

// writer commits the waiting Appends, a group at a time, until Close.
func (s *Store) writer() {
	defer s.writersDone.Done()
	for {
		select {
		case <-s.wake:
		case <-s.stop:
			// No call is in flight any more; fail any left, to be safe.
			s.appendMu.Lock()
			for _, c := range s.pending {
				c.err = store.ErrClosed
				close(c.done)
			}
			s.pending = nil
			s.appendMu.Unlock()
			return
		}
		for s.commitNext() {
		}
	}
}

// commitNext takes the calls waiting (up to maxGroupRows rows), looks
// their keys up, then inserts their new rows and answers them. It
// reports false when no call was waiting.
func (s *Store) commitNext() bool {
	s.lookupMu.Lock() // stage 1: released once this group holds insertMu
	s.appendMu.Lock()
	var group []*appendCall
	n := 0
	for len(s.pending) > 0 && (n == 0 || n+len(s.pending[0].rows) <= maxGroupRows) {
		c := s.pending[0]
		s.pending = s.pending[1:]
		if !c.state.CompareAndSwap(callPending, callTaken) {
			continue // withdrawn
		}
		group = append(group, c)
		n += len(c.rows)
	}
	if len(group) == 0 {
		s.appendMu.Unlock()
		s.lookupMu.Unlock()
		return false
	}
	// Register the group's keys; note the groups under way it must wait
	// for.
	gs := &groupState{done: make(chan struct{})}
	deps := map[*groupState]bool{}
	for _, c := range group {
		for i := range c.rows {
			r := &c.rows[i]
			if !dedupable(r) {
				continue
			}
			k := eventKey{r.ProjectID, r.Name, r.DistinctID, r.Time, r.InsertID}
			if prev := s.keysInFlight[k]; prev != nil && prev != gs {
				deps[prev] = true
			}
			s.keysInFlight[k] = gs
			gs.keys = append(gs.keys, k)
		}
	}
	more := len(s.pending) > 0
	s.appendMu.Unlock()
	if more {
		select { // the other writer takes the rest once this group is inserting
		case s.wake <- struct{}{}:
		default:
		}
	}
	for d := range deps {
		<-d.done
	}
	body, checked, err := s.prepare(group)
	s.insertMu.Lock() // stage 2
	s.lookupMu.Unlock()
	if err == nil {
		if s.log != nil {
			// The local log: the rows count as stored once fsynced
			// there; their keys are registered before gs ends, so a
			// later group holding one finds it.
			err = s.log.write(body, checked, gs.keys)
		} else {
			err = s.insert(body)
		}
	}
	s.insertMu.Unlock()
	for _, c := range group {
		if err != nil {
			c.res, c.err = store.AppendResult{}, err
		}
		close(c.done)
	}
	s.appendMu.Lock()
	for _, k := range gs.keys {
		if s.keysInFlight[k] == gs {
			delete(s.keysInFlight, k)
		}
	}
	s.appendMu.Unlock()
	close(gs.done)
	return true
}

// prepare looks up which rows of a group are stored already, counts them
// as duplicates (as it does repeats within the group), counts the others
// as stored and returns them as an insert's RowBinary body. On an error
// the counts are meaningless: the caller fails every call.
//
// With the local log, a row the log holds unshipped counts as stored too;
// while ships fail (the cluster is down) or the look-up fails, the
// cluster is not looked up and checked is false: the rows are then looked
// up when shipped, and the duplicate counts miss rows the cluster holds.
func (s *Store) prepare(group []*appendCall) (body []byte, checked bool, err error) {
	type ref struct{ call, row int }
	seen := map[eventKey]bool{}
	var keyRows []event.Row
	var keyRefs []ref
	keep := make([][]bool, len(group))
	for ci, c := range group {
		keep[ci] = make([]bool, len(c.rows))
		for i := range c.rows {
			r := &c.rows[i]
			if !dedupable(r) {
				keep[ci][i] = true
				continue
			}
			k := eventKey{r.ProjectID, r.Name, r.DistinctID, r.Time, r.InsertID}
			if seen[k] {
				c.res.Duplicates++
				continue
			}
			seen[k] = true
			keep[ci][i] = true
			keyRows = append(keyRows, *r)
			keyRefs = append(keyRefs, ref{ci, i})
		}
	}
	checked = true
	if len(keyRows) > 0 && s.log != nil {
		// Keys the log holds unshipped are stored; the others are looked
		// up in the cluster.
		ks := make([]eventKey, len(keyRows))
		for i, r := range keyRows {
			ks[i] = eventKey{r.ProjectID, r.Name, r.DistinctID, r.Time, r.InsertID}
		}
		inLog := s.log.has(ks)
		var restRows []event.Row
		var restRefs []ref
		for i, r := range keyRows {
			if inLog[ks[i]] {
				rf := keyRefs[i]
				keep[rf.call][rf.row] = false
				group[rf.call].res.Duplicates++
				continue
			}
			restRows = append(restRows, r)
			restRefs = append(restRefs, keyRefs[i])
		}
		keyRows, keyRefs = restRows, restRefs
		if len(keyRows) > 0 && (s.log.down() || s.cfg.WALLookupAtShip) {
			keyRows, checked = nil, false
		}
	}
	if len(keyRows) > 0 {
		to := s.cfg.Timeout
		if s.log != nil {
			to = min(to, 5*time.Second) // then looked up when shipped
		}
		ctx, cancel := context.WithTimeout(context.Background(), to)
		defer cancel()
		idx := make([]int, len(keyRows))
		for i := range idx {
			idx[i] = i
		}
		stored, err := s.storedKeys(ctx, keyRows, idx)
		switch {
		case err != nil && s.log != nil:
			checked = false // looked up when shipped
		case err != nil:
			if errors.Is(err, context.DeadlineExceeded) {
				err = fmt.Errorf("%w: look-up timed out", ErrUnavailable)
			}
			return nil, false, fmt.Errorf("clickhouse store: look up insert ids: %w", err)
		}
		for i, r := range keyRows {
			if stored[eventKey{r.ProjectID, r.Name, r.DistinctID, r.Time, r.InsertID}] {
				rf := keyRefs[i]
				keep[rf.call][rf.row] = false
				group[rf.call].res.Duplicates++
			}
		}
	}
	var w rbWriter
	ver := math.MaxUint64 - uint64(time.Now().UnixNano())
	for ci, c := range group {
		for i := range c.rows {
			if !keep[ci][i] {
				continue
			}
			w.event(&c.rows[i], ver)
			c.res.Stored++
		}
	}
	return w.b, checked, nil
}

// insert stores a group's new rows with one synchronous distributed
// insert, bounded by the store's timeout.
func (s *Store) insert(body []byte) error {
	if len(body) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	if err := s.q.exec(ctx, s.insertEvents(), insertSettings, body); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w: insert timed out", ErrUnavailable)
		}
		return fmt.Errorf("clickhouse store: insert events: %w", err)
	}
	return nil
}

// storedKeys returns which keys of rows[idx] are already stored. Their
// hashes go to the server as an external table, never in the statement;
// every shard reads, in event_keys (ordered by project and hash), the
// granules that may hold one of them within the keys' time range and
// returns the full keys of the rows whose hash matches, which are then
// compared exactly. The read is a point read of a few granules per hash,
// so its cost does not grow with the table (it used to read the k column
// of every stored event in the time range). The plain IN (the external
// table is sent to every shard) lets 18.16 use the set for the primary
// key, which it does not for a GLOBAL IN.
func (s *Store) storedKeys(ctx context.Context, rows []event.Row, idx []int) (map[eventKey]bool, error) {
	var w rbWriter
	projects := map[int64]bool{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, i := range idx {
		r := &rows[i]
		w.u64(keyHash(r))
		projects[r.ProjectID] = true
		lo, hi = min(lo, r.Time), max(hi, r.Time)
	}
	var ps []string
	for p := range projects {
		ps = append(ps, strconv.FormatInt(p, 10))
	}
	slices.Sort(ps)
	q := fmt.Sprintf("SELECT project_id, event, distinct_id, time, insert_id FROM %s.event_keys PREWHERE k IN (SELECT k FROM keys)"+
		" WHERE project_id IN (%s) AND time >= %d AND time <= %d FORMAT RowBinary",
		s.db, strings.Join(ps, ", "), lo, hi)
	rc, err := s.q.do(ctx, q, nil, nil, []extTable{{name: "keys", structure: "k UInt64", data: w.b}})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	out := map[eventKey]bool{}
	rd := newRB(rc)
	for rd.more() {
		var k eventKey
		k.project = rd.i64()
		k.name = rd.str()
		k.user = rd.str()
		k.time = rd.i64()
		k.insertID = rd.str()
		out[k] = true
	}
	return out, rd.err
}

// keyHash is the 64-bit hash of a de-duplicated row's key, 0 for a row
// that is not de-duplicated (and never 0 otherwise).
func keyHash(r *event.Row) uint64 {
	if !dedupable(r) {
		return 0
	}
	b := make([]byte, 0, 32+len(r.Name)+len(r.DistinctID)+len(r.InsertID))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.ProjectID))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Time))
	for _, s := range []string{r.Name, r.DistinctID, r.InsertID} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return max(xxh3.Hash(b), 1)
}

func uniqueID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// errMidStream: an answer stopped being RowBinary rows, as when the
// server fails after it began answering (it then writes its error text).
var errMidStream = errors.New("the answer broke off (a server error after the answer began?)")

// dedupKey is the LIMIT BY list that keeps one copy of each stored row.
const dedupKey = "project_id, event, distinct_id, time, insert_id, nodup"

// eventWhere is the WHERE of reads of one project's events in [from, to)
// with names in events (names are schema, not values: literals).
func (s *Store) eventWhere(project, from, to int64, events []string) string {
	w := fmt.Sprintf("project_id = %d AND time >= %d AND time < %d", project, from, to)
	if len(events) > 0 {
		q := make([]string, len(events))
		for i, e := range events {
			q[i] = quote(e)
		}
		w += " AND event IN (" + strings.Join(q, ", ") + ")"
	}
	return w
}

// readsUser reports whether n reads a profile property (user[...]).
func readsUser(n expr.Node) bool {
	found := false
	expr.Walk(n, func(n expr.Node) {
		if p, ok := n.(*expr.Prop); ok && p.Scope == expr.UserScope {
			found = true
		}
	})
	return found
}

// readsEvent reports whether n reads the event name.
func readsEvent(n expr.Node) bool {
	found := false
	expr.Walk(n, func(n expr.Node) {
		if _, ok := n.(*expr.EventName); ok {
			found = true
		}
	})
	return found
}

// Export implements store.Store. Where is evaluated here, with expr.Eval,
// on the rows the cluster returns.
func (s *Store) Export(ctx context.Context, q store.ExportQuery, fn func(*event.Row) error) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	if err := s.syncLog(ctx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if q.Where != nil && readsUser(q.Where) {
		return fmt.Errorf("%w: an event export cannot read profile properties (user[...])", store.ErrUnsupported)
	}
	if q.From >= q.To {
		return nil
	}
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	stmt := "SELECT time, event, distinct_id, insert_id, props FROM " + s.db + ".events WHERE " + s.eventWhere(q.ProjectID, q.From, q.To, q.Events) +
		" ORDER BY time, event, distinct_id, insert_id, nodup, ver DESC, gen DESC LIMIT 1 BY " + dedupKey + " FORMAT RowBinary"
	rc, err := s.q.do(ctx, stmt, readSettings, nil, nil)
	if err != nil {
		return s.readErr(caller, "export", err)
	}
	defer rc.Close()
	rd := newRB(rc)
	var r event.Row
	var env expr.EventEnv
	var name, user, ins []byte
	for rd.more() {
		if ctx.Err() != nil {
			return s.readErr(caller, "export", ctx.Err())
		}
		r.ProjectID = q.ProjectID
		r.Time = rd.i64()
		name = rd.bytesInto(name)
		user = rd.bytesInto(user)
		ins = rd.bytesInto(ins)
		r.Props = rd.bytesInto(r.Props)
		if rd.err != nil {
			break
		}
		if len(r.Props) == 0 || r.Props[0] != '{' || !utf8.Valid(name) || !utf8.Valid(user) {
			// ClickHouse writes an error that happens after the answer
			// began into the body: stop before handing on what it decodes to.
			return s.readErr(caller, "export", errMidStream)
		}
		r.Name, r.DistinctID, r.InsertID = string(name), string(user), string(ins)
		if q.Where != nil {
			env = expr.EventEnv{Name: r.Name, DistinctID: r.DistinctID, InsertID: r.InsertID, Time: r.Time}
			if env.Props, err = expr.DecodeProps(r.Props); err != nil {
				return fmt.Errorf("clickhouse store: export: stored properties are not a JSON object")
			}
			if !expr.Truthy(expr.Eval(q.Where, &env)) {
				continue
			}
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return s.readErr(caller, "export", rd.err)
}

// readSettings let large sorted reads spill to disk instead of failing.
var readSettings = url.Values{"max_bytes_before_external_sort": {"500000000"}}

// CountByDay implements store.EventScanner.
func (s *Store) CountByDay(ctx context.Context, q store.ScanQuery) ([]store.DayCount, error) {
	done, err := s.begin()
	if err != nil {
		return nil, err
	}
	defer done()
	if err := s.syncLog(ctx); err != nil {
		return nil, err
	}
	if q.From >= q.To {
		return nil, nil
	}
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	const day = 86400000
	stmt := fmt.Sprintf("SELECT d, count() FROM (SELECT time - (((time %% %[1]d) + %[1]d) %% %[1]d) AS d FROM %[2]s.events WHERE %[3]s LIMIT 1 BY "+dedupKey+
		") GROUP BY d ORDER BY d FORMAT RowBinary", day, s.db, s.scanWhere(q))
	rc, err := s.q.do(ctx, stmt, nil, nil, nil)
	if err != nil {
		return nil, s.readErr(caller, "count by day", err)
	}
	defer rc.Close()
	var out []store.DayCount
	rd := newRB(rc)
	for rd.more() {
		out = append(out, store.DayCount{Day: rd.i64(), Events: int64(rd.u64())})
	}
	return out, s.readErr(caller, "count by day", rd.err)
}

// scanWhere is the WHERE of a ScanQuery. PropsContain strings are property
// names from the guard's rules (not values) and go in as literals.
func (s *Store) scanWhere(q store.ScanQuery) string {
	w := s.eventWhere(q.ProjectID, q.From, q.To, q.Events)
	if len(q.PropsContain) > 0 {
		var or []string
		for _, c := range q.PropsContain {
			or = append(or, "position(props, "+quote(c)+") > 0")
		}
		w += " AND (" + strings.Join(or, " OR ") + ")"
	}
	return w
}

// Scan implements store.EventScanner: the cluster returns the events q
// selects and pick runs here, on as many goroutines as there are shards
// plus one.
func (s *Store) Scan(ctx context.Context, q store.ScanQuery, pick store.Pick, seen func(n int),
	fn func(t int64, name, distinctID string, result []byte) error) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	if err := s.syncLog(ctx); err != nil {
		return err
	}
	if q.From >= q.To {
		return nil
	}
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	stmt := "SELECT time, event, distinct_id, props FROM " + s.db + ".events WHERE " + s.scanWhere(q) + " ORDER BY ver DESC, gen DESC LIMIT 1 BY " + dedupKey + " FORMAT RowBinary"
	rc, err := s.q.do(ctx, stmt, nil, nil, nil)
	if err != nil {
		return s.readErr(caller, "scan", err)
	}
	defer rc.Close()
	type item struct {
		t                 int64
		name, user, props string
	}
	type hit struct {
		t          int64
		name, user string
		result     []byte
	}
	work := make(chan []item, 4)
	var mu sync.Mutex
	var hits []hit
	var pickErr error
	var wg sync.WaitGroup
	for range len(s.nodes) + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range work {
				for _, it := range batch {
					if ctx.Err() != nil {
						break
					}
					res, err := pick(it.name, it.user, it.props)
					if err != nil {
						mu.Lock()
						if pickErr == nil {
							pickErr = err
						}
						mu.Unlock()
						cancel()
						break
					}
					if res != nil {
						mu.Lock()
						hits = append(hits, hit{it.t, it.name, it.user, slices.Clone(res)})
						mu.Unlock()
					}
				}
				if seen != nil {
					seen(len(batch))
				}
			}
		}()
	}
	rd := newRB(rc)
	batch := make([]item, 0, 256)
	for rd.more() && ctx.Err() == nil {
		it := item{t: rd.i64(), name: rd.str(), user: rd.str(), props: rd.str()}
		if rd.err == nil && (it.props == "" || it.props[0] != '{') {
			rd.err = errMidStream
			break
		}
		batch = append(batch, it)
		if len(batch) == cap(batch) {
			work <- batch
			batch = make([]item, 0, 256)
		}
	}
	if len(batch) > 0 && rd.err == nil && ctx.Err() == nil {
		work <- batch
	}
	close(work)
	wg.Wait()
	if pickErr != nil {
		return fmt.Errorf("clickhouse store: scan: %w", pickErr)
	}
	if err := s.readErr(caller, "scan", rd.err); err != nil {
		return err
	}
	if err := caller.Err(); err != nil {
		return err
	}
	for _, h := range hits {
		if err := fn(h.t, h.name, h.user, h.result); err != nil {
			return err
		}
	}
	return nil
}

// BulkLoad inserts rows with one synchronous distributed insert, without
// looking up their keys: ClickHouse's own bulk insert path, for `sieve
// bench` to compare Append with. Rows it stores twice are still read once.
func (s *Store) BulkLoad(ctx context.Context, rows []event.Row) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	var w rbWriter
	ver := math.MaxUint64 - uint64(time.Now().UnixNano())
	for i := range rows {
		w.event(&rows[i], ver)
	}
	if err := s.q.exec(ctx, s.insertEvents(),
		insertSettings, w.b); err != nil {
		return fmt.Errorf("clickhouse store: bulk load: %w", err)
	}
	return nil
}

// insertEvents is the INSERT statement whose RowBinary body rbWriter.event
// writes.
func (s *Store) insertEvents() string {
	return "INSERT INTO " + s.db + ".events (project_id, time, event, distinct_id, insert_id, nodup, props, ver, k) FORMAT RowBinary"
}

// event writes r as one row of insertEvents' body, with version ver. A row
// that cannot be de-duplicated gets a unique nodup so that no copy of it
// replaces another.
func (w *rbWriter) event(r *event.Row, ver uint64) {
	nodup := ""
	if !dedupable(r) {
		nodup = uniqueID()
	}
	w.i64(r.ProjectID)
	w.i64(r.Time)
	w.str(r.Name)
	w.str(r.DistinctID)
	w.str(r.InsertID)
	w.str(nodup)
	w.bytes(r.Props)
	w.u64(ver)
	w.u64(keyHash(r))
}
