package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"time"
	"unicode/utf8"

	ddb "github.com/duckdb/duckdb-go/v2"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// maxPendingSeals bounds how many rotated active files may wait for the
// sealer; beyond it the writer keeps appending to the current one.
const maxPendingSeals = 8

func validUTF8(s string) bool      { return utf8.ValidString(s) }
func validUTF8Bytes(b []byte) bool { return utf8.Valid(b) }

// Append implements store.Store. The caller's goroutine checks the rows and
// hashes their keys; the writer goroutine de-duplicates, commits the group
// and answers.
func (s *Store) Append(ctx context.Context, rows []event.Row) (store.AppendResult, error) {
	if err := s.checkOpen(); err != nil {
		return store.AppendResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.AppendResult{}, err
	}
	if len(rows) == 0 {
		return store.AppendResult{}, nil
	}
	c := newCall(len(rows), 0)
	c.rows = rows
	c.keys = make([]uint64, len(rows))
	var scratch [256]byte
	for i := range rows {
		r := &rows[i]
		if err := validRow(i, r); err != nil {
			return store.AppendResult{}, err
		}
		if dedups(r) {
			c.keys[i] = rowKey(scratch[:0], r)
		}
		c.size += rowSize(r)
	}
	if err := s.events.push(c); err != nil {
		return store.AppendResult{}, err
	}
	if err := c.wait(ctx); err != nil {
		return store.AppendResult{}, err
	}
	return c.res, nil
}

// dedups reports whether r takes part in de-duplication: it has an
// InsertID the client sent (a generated one is unique by construction).
func dedups(r *event.Row) bool { return r.InsertID != "" && !r.GeneratedID }

func rowSize(r *event.Row) int {
	return len(r.Name) + len(r.DistinctID) + len(r.InsertID) + len(r.Props) + 24
}

// writer is the single goroutine that appends events, rotates the active
// file and keeps the de-duplication sets.
func (s *Store) writer() {
	defer s.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-s.events.signal:
			s.drainEvents()
		case d := <-s.sealDoneCh:
			s.applySealDone(d)
		case reply := <-s.sealReq:
			reply <- s.forceRotate()
		case <-tick.C:
			s.rotateIfOld()
		case <-s.closing:
			s.drainEvents()
			return
		}
	}
}

func (s *Store) drainEvents() {
	for {
		group := s.events.take(s.opts.GroupRows, s.opts.GroupBytes)
		if len(group) == 0 {
			return
		}
		s.commitEvents(group)
		if s.act.bytes >= s.opts.SealBytes {
			s.rotate()
		}
		// Under sustained load the queue never empties: serve seal
		// notifications, Seal requests and the age limit between groups too.
		s.pollControl()
	}
}

// pollControl handles pending control messages without blocking.
func (s *Store) pollControl() {
	for {
		select {
		case d := <-s.sealDoneCh:
			s.applySealDone(d)
		case reply := <-s.sealReq:
			reply <- s.forceRotate()
		default:
			s.rotateIfOld()
			return
		}
	}
}

func (s *Store) rotateIfOld() {
	if s.opts.SealAge > 0 && s.act.bytes > 0 && time.Since(s.act.first) >= s.opts.SealAge {
		s.rotate()
	}
}

// commitEvents commits a group and answers its callers. If the group's
// transaction fails, each call is retried alone so that one call's failure
// is not another's.
func (s *Store) commitEvents(group []*call) {
	err := s.commitGroup(group)
	if err != nil && len(group) > 1 {
		for _, c := range group {
			c.err = s.commitGroup([]*call{c})
			close(c.done)
		}
		return
	}
	for _, c := range group {
		c.err = err
		close(c.done)
	}
}

type pendKey struct {
	p partKey
	k uint64
}

// commitGroup de-duplicates and appends the rows of group in one
// transaction. On error nothing of the group is stored and the
// de-duplication sets are unchanged.
func (s *Store) commitGroup(group []*call) error {
	a := s.act
	pending := map[pendKey]struct{}{}
	pinned := map[partKey]*partKeys{}
	defer func() { s.dd.pinned = nil }()
	s.dd.pinned = pinned
	stored := 0
	for _, c := range group {
		c.res = store.AppendResult{}
		c.dup = nil
		for i := range c.rows {
			r := &c.rows[i]
			if dedups(r) {
				p := partOf(r.ProjectID, r.Time)
				pk := pinned[p]
				if pk == nil {
					var err error
					if pk, err = s.dd.part(p); err != nil {
						return err
					}
					pinned[p] = pk
				}
				key := pendKey{p, c.keys[i]}
				_, seen := pending[key]
				if seen || pk.has(key.k) {
					if c.dup == nil {
						c.dup = make([]bool, len(c.rows))
					}
					c.dup[i] = true
					c.res.Duplicates++
					continue
				}
				pending[key] = struct{}{}
			}
			c.res.Stored++
		}
		stored += c.res.Stored
	}
	if stored == 0 {
		return nil
	}
	if err := s.appendGroup(a, group, stored); err != nil {
		return err
	}
	// Committed: remember keys, sizes and partitions.
	for key := range pending {
		pinned[key.p].fresh[key.k] = a.gen
	}
	if a.bytes == 0 {
		a.first = time.Now()
	}
	s.mu.Lock()
	for _, c := range group {
		for i := range c.rows {
			if c.dup != nil && c.dup[i] {
				continue
			}
			r := &c.rows[i]
			a.days[partOf(r.ProjectID, r.Time)]++
			a.bytes += int64(rowSize(r))
		}
	}
	s.mu.Unlock()
	return nil
}

// appenderTxRows is the largest group appended in the appender's own
// transaction. DuckDB's appender commits what it buffered on its own once
// it holds 204,800 rows (BaseAppender's DEFAULT_FLUSH_COUNT); a larger
// group would then be split over several transactions, so it is appended
// inside an explicit one instead.
const appenderTxRows = 100_000

// appendGroup appends the stored rows of group to the active file a in one
// durable transaction: nothing of them is stored if it fails.
//
// A group of up to s.txRows (appenderTxRows) rows is committed by the appender's
// flush, which runs in a transaction of its own and commits it (WAL write
// and fsync, as COMMIT does): no BEGIN and COMMIT statements, each of which
// costs the single writer a statement's parse, plan and round trip, about
// a third of the CPU time of a small group's commit. On an error before the
// flush, the appender's rows are cleared, so closing it stores nothing.
func (s *Store) appendGroup(a *active, group []*call, stored int) error {
	ctx := context.Background()
	explicit := stored > s.txRows
	if explicit {
		if _, err := s.wconn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
			return safeErr("begin append", err)
		}
	}
	err := s.wconn.Raw(func(dc any) error {
		app, err := ddb.NewAppender(dc.(driver.Conn), a.alias, "main", "events")
		if err != nil {
			return err
		}
		if err := s.appendRows(app, group); err != nil {
			return errors.Join(err, app.Clear(), app.Close())
		}
		return app.Close()
	})
	if explicit {
		if err == nil {
			_, err = s.wconn.ExecContext(ctx, "COMMIT")
		}
		if err != nil {
			if _, rerr := s.wconn.ExecContext(ctx, "ROLLBACK"); rerr != nil {
				s.log.Error("rollback append", "err", safeErr("rollback", rerr))
			}
		}
	}
	return safeErr("append", err)
}

// appendRows hands the rows of group that are not duplicates to app.
func (s *Store) appendRows(app *ddb.Appender, group []*call) error {
	for _, c := range group {
		for i := range c.rows {
			if c.dup != nil && c.dup[i] {
				continue
			}
			r := &c.rows[i]
			if s.failRow != nil && s.failRow(r) {
				return errors.New("injected failure")
			}
			var k driver.Value
			if dedups(r) {
				k = int64(c.keys[i])
			}
			if err := app.AppendRow(r.ProjectID, r.Time, r.Name, r.DistinctID, r.InsertID, r.Props, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// rotate starts a fresh active file and hands the current one to the
// sealer, unless too many seals are pending or it is empty.
func (s *Store) rotate() {
	if s.act.bytes == 0 {
		return
	}
	s.mu.Lock()
	pending := len(s.cur.actives) - 1
	s.mu.Unlock()
	if pending >= maxPendingSeals {
		s.log.Warn("seals are falling behind; not rotating the active file", "pending", pending)
		return
	}
	if err := s.rotateTo(context.Background()); err != nil {
		s.log.Error("rotate active file", "err", err)
	}
}

type rotateResult struct {
	keep uint64 // actives older than this gen are to be sealed
	err  error
}

// forceRotate rotates for Seal and tells it which actives to wait for.
func (s *Store) forceRotate() rotateResult {
	if s.act.bytes > 0 {
		if err := s.rotateTo(context.Background()); err != nil {
			return rotateResult{err: err}
		}
	}
	return rotateResult{keep: s.act.gen}
}

// rotateTo attaches a new active file, makes it durable in the manifest and
// switches appends to it; the previous one goes to the sealer.
func (s *Store) rotateTo(ctx context.Context) error {
	a := newActive(s.dir, s.allocGen())
	if err := s.attach(ctx, a); err != nil {
		return err
	}
	s.manifestMu.Lock()
	s.mu.Lock()
	nv := s.cur.clone()
	next := s.nextGen
	s.mu.Unlock()
	nv.actives = append(nv.actives, a)
	if err := writeManifest(s.dir, next, nv.actives, nv.parts, s.applied); err != nil {
		s.manifestMu.Unlock()
		s.removeFiles(nil, []*active{a})
		return err
	}
	s.install(nv, nil, nil)
	s.manifestMu.Unlock()
	old := s.act
	s.act = a
	if old != nil {
		s.sealCh <- old
	}
	return nil
}

// applySealDone updates the de-duplication sets after a seal.
func (s *Store) applySealDone(d sealDone) {
	for _, sp := range d.parts {
		s.dd.applySeal(d.gen, sp.p, sp.merged, sp.file.Gen, sp.keys)
	}
	s.dd.evict(partKey{project: -1, day: -1})
}

// Seal rotates the active file and waits until every row appended before
// the call is in sealed partition files.
func (s *Store) Seal(ctx context.Context) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	reply := make(chan rotateResult, 1)
	select {
	case s.sealReq <- reply:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return store.ErrClosed
	}
	var r rotateResult
	select {
	case r = <-reply:
	case <-s.closing:
		return store.ErrClosed
	}
	if r.err != nil {
		return r.err
	}
	for {
		s.mu.Lock()
		done := true
		for _, a := range s.cur.actives {
			if a.gen < r.keep {
				done = false
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closing:
			return store.ErrClosed
		}
	}
}
