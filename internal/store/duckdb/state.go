package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	ddb "github.com/duckdb/duckdb-go/v2"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/profile"
	"github.com/sieve-analytics/sieve/internal/store"
)

// UpdateProfiles implements store.Store. Updates are checked with
// profile.Validate first; then the state writer folds them, in order, into
// the stored profiles and commits (one transaction per group of calls).
func (s *Store) UpdateProfiles(ctx context.Context, updates []event.ProfileRow) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(updates) == 0 {
		return nil
	}
	size := 0
	for i := range updates {
		u := &updates[i]
		if u.Kind != event.People && u.Kind != event.Group {
			return fmt.Errorf("%w: profile update %d: unknown profile kind", ErrInvalidRow, i)
		}
		if !validUTF8(u.ID) || !validUTF8(u.GroupKey) {
			return fmt.Errorf("%w: profile update %d: id is not valid UTF-8", ErrInvalidRow, i)
		}
		if err := profile.Validate(u); err != nil {
			return fmt.Errorf("duckdb store: profile update %d: %w", i, err)
		}
		for _, op := range u.Ops {
			if !validUTF8Bytes(op.Value) {
				return fmt.Errorf("%w: profile update %d: %s argument is not valid UTF-8", ErrInvalidRow, i, op.Op)
			}
			size += len(op.Value)
		}
		size += len(u.ID) + len(u.GroupKey) + 32
	}
	c := newCall(len(updates), size)
	c.profiles = updates
	if err := s.state.push(c); err != nil {
		return err
	}
	return c.wait(ctx)
}

// AppendFindings implements store.Store.
func (s *Store) AppendFindings(ctx context.Context, fs []event.Finding) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(fs) == 0 {
		return nil
	}
	size := 0
	for i := range fs {
		f := &fs[i]
		for _, t := range []string{f.DistinctID, f.Event, f.Path, f.Class, f.Detector, f.Action, f.Lib, f.LibVersion} {
			if !validUTF8(t) {
				return fmt.Errorf("%w: finding %d: text is not valid UTF-8", ErrInvalidRow, i)
			}
			size += len(t)
		}
	}
	c := newCall(len(fs), size)
	c.findings = fs
	if err := s.state.push(c); err != nil {
		return err
	}
	return c.wait(ctx)
}

// stateWriter commits profile updates and findings to state.duckdb.
func (s *Store) stateWriter() {
	defer s.wg.Done()
	conn, err := s.db.Conn(context.Background())
	if err != nil {
		s.log.Error("state writer: connect", "err", safeErr("connect", err))
	}
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	drain := func() {
		for {
			group := s.state.take(s.opts.GroupRows, s.opts.GroupBytes)
			if len(group) == 0 {
				return
			}
			var profs, finds []*call
			for _, c := range group {
				if c.findings != nil {
					finds = append(finds, c)
				} else {
					profs = append(profs, c)
				}
			}
			s.commitEach(profs, func(g []*call) error { return s.commitProfiles(conn, g) })
			s.commitEach(finds, func(g []*call) error { return s.commitFindings(conn, g) })
		}
	}
	// The global checkpoint threshold is huge (active files are sealed, not
	// checkpointed), so the state file is checkpointed here, when idle, to
	// keep its WAL and the replay at Open short.
	tick := time.NewTicker(stateCheckpointEvery)
	defer tick.Stop()
	dirty := false
	for {
		select {
		case <-s.state.signal:
			drain()
			dirty = true
		case req := <-s.stateReq:
			drain()
			req.res, req.err = s.purgeState(conn, req)
			close(req.done)
		case <-tick.C:
			if dirty && conn != nil && s.state.empty() {
				if _, err := conn.ExecContext(context.Background(), "CHECKPOINT st"); err != nil {
					s.log.Warn("checkpoint state file", "err", safeErr("checkpoint", err))
				}
				dirty = false
			}
		case <-s.closing:
			drain()
			return
		}
	}
}

const stateCheckpointEvery = 5 * time.Minute

// commitEach commits group as one transaction, or each call alone if that
// fails, and answers the callers.
func (s *Store) commitEach(group []*call, commit func([]*call) error) {
	if len(group) == 0 {
		return
	}
	err := commit(group)
	if err != nil && len(group) > 1 {
		for _, c := range group {
			c.err = commit([]*call{c})
			close(c.done)
		}
		return
	}
	for _, c := range group {
		c.err = err
		close(c.done)
	}
}

// inTx runs fn in a transaction on conn.
func inTx(conn *sql.Conn, op string, fn func(ctx context.Context) error) error {
	if conn == nil {
		return fmt.Errorf("duckdb store: %s: no connection", op)
	}
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return safeErr(op, err)
	}
	err := fn(ctx)
	if err == nil {
		if _, err = conn.ExecContext(ctx, "COMMIT"); err != nil {
			err = safeErr(op, err)
		}
	}
	if err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
	}
	return err
}

type profKey struct {
	project int64
	kind    event.ProfileKind
	group   string
	id      string
}

type profEntry struct {
	existed bool
	st      *profile.State
}

// commitProfiles folds the updates of group into the stored states and
// writes the changed profiles in one transaction. People ids are read
// through person_ids; a merge (MergeFrom) folds the source person's profile
// into the target's, deletes it and re-points its ids.
func (s *Store) commitProfiles(conn *sql.Conn, group []*call) error {
	if conn == nil {
		return errors.New("duckdb store: write profiles: no connection")
	}
	ctx := context.Background()
	pm, err := loadPersons(ctx, conn, group)
	if err != nil {
		return err
	}
	entries := map[profKey]*profEntry{}
	var order []profKey
	// Which ids to load, per (project, kind, group key).
	type scope struct {
		project int64
		kind    event.ProfileKind
		group   string
	}
	want := map[scope][]string{}
	keyOf := func(u *event.ProfileRow, id string) profKey {
		if u.Kind == event.People {
			id = pm.resolve(u.ProjectID, id)
		}
		return profKey{u.ProjectID, u.Kind, groupKeyOf(u), id}
	}
	note := func(k profKey) {
		if _, ok := entries[k]; !ok {
			entries[k] = &profEntry{}
			order = append(order, k)
			sc := scope{k.project, k.kind, k.group}
			want[sc] = append(want[sc], k.id)
		}
	}
	load := func() error {
		for sc, ids := range want {
			for len(ids) > 0 {
				chunk := ids[:min(len(ids), 500)]
				ids = ids[len(chunk):]
				args := []any{sc.project, uint8(sc.kind), sc.group}
				for _, id := range chunk {
					args = append(args, id)
				}
				rows, err := conn.QueryContext(ctx, "SELECT id, props FROM st.profiles WHERE project_id = ? AND kind = ? AND group_key = ? AND id IN ("+
					placeholders(len(chunk))+")", args...)
				if err != nil {
					return safeErr("read profiles", err)
				}
				for rows.Next() {
					var id string
					var props []byte
					if err := rows.Scan(&id, &props); err != nil {
						rows.Close()
						return safeErr("read profiles", err)
					}
					st, err := profile.Parse(props)
					if err != nil {
						rows.Close()
						return err
					}
					e := entries[profKey{sc.project, sc.kind, sc.group, id}]
					e.existed, e.st = true, st
				}
				err = rows.Err()
				rows.Close()
				if err != nil {
					return safeErr("read profiles", err)
				}
			}
		}
		clear(want)
		return nil
	}
	// entry returns the state of k, reading it when a merge made it needed.
	entry := func(k profKey) (*profEntry, error) {
		if _, ok := entries[k]; !ok {
			note(k)
			if err := load(); err != nil {
				return nil, err
			}
		}
		e := entries[k]
		if e.st == nil {
			e.st = &profile.State{}
		}
		return e, nil
	}
	for _, c := range group {
		for i := range c.profiles {
			u := &c.profiles[i]
			note(keyOf(u, u.ID))
			if u.MergeFrom != "" {
				note(keyOf(u, u.MergeFrom))
			}
		}
	}
	if err := load(); err != nil {
		return err
	}
	for _, c := range group {
		for i := range c.profiles {
			u := &c.profiles[i]
			if u.MergeFrom != "" && u.Kind == event.People {
				src, dst := keyOf(u, u.MergeFrom), keyOf(u, u.ID)
				if src != dst {
					es, err := entry(src)
					if err != nil {
						return err
					}
					ed, err := entry(dst)
					if err != nil {
						return err
					}
					ed.st.Merge(es.st)
					es.st = &profile.State{}
					pm.merge(u.ProjectID, u.MergeFrom, src.id, dst.id)
				}
			}
			e, err := entry(keyOf(u, u.ID))
			if err != nil {
				return err
			}
			if err := e.st.Apply(u); err != nil {
				return fmt.Errorf("duckdb store: profile update %d: %w", i, err)
			}
		}
	}
	// Each key appears once in order, so one multi-row statement per chunk
	// never names a key twice.
	var upserts []any
	dels := map[scope][]any{}
	for _, k := range order {
		e := entries[k]
		switch {
		case e.st != nil && e.st.Exists():
			upserts = append(upserts, k.project, uint8(k.kind), k.group, k.id, string(e.st.AppendJSON(nil)))
		case e.existed:
			sc := scope{k.project, k.kind, k.group}
			dels[sc] = append(dels[sc], k.id)
		}
	}
	return inTx(conn, "write profiles", func(ctx context.Context) error {
		const chunk = 500 * 5
		for len(upserts) > 0 {
			args := upserts[:min(len(upserts), chunk)]
			upserts = upserts[len(args):]
			q := "INSERT OR REPLACE INTO st.profiles VALUES " +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(args)/5), ", ")
			if _, err := conn.ExecContext(ctx, q, args...); err != nil {
				return safeErr("write profiles", err)
			}
		}
		for sc, ids := range dels {
			args := append([]any{sc.project, uint8(sc.kind), sc.group}, ids...)
			if _, err := conn.ExecContext(ctx, "DELETE FROM st.profiles WHERE project_id = ? AND kind = ? AND group_key = ? AND id IN ("+
				placeholders(len(ids))+")", args...); err != nil {
				return safeErr("delete profiles", err)
			}
		}
		return pm.write(ctx, conn)
	})
}

func groupKeyOf(u *event.ProfileRow) string {
	if u.Kind == event.Group {
		return u.GroupKey
	}
	return ""
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// commitFindings appends the findings of group in one transaction.
func (s *Store) commitFindings(conn *sql.Conn, group []*call) error {
	return inTx(conn, "write findings", func(context.Context) error {
		return conn.Raw(func(dc any) error {
			app, err := ddb.NewAppender(dc.(driver.Conn), "st", "main", "findings")
			if err != nil {
				return safeErr("write findings", err)
			}
			for _, c := range group {
				for i := range c.findings {
					f := &c.findings[i]
					if err := app.AppendRow(f.Time, f.ProjectID, f.DistinctID, f.Event, f.Path, f.Class, f.Detector, f.Action, f.Lib, f.LibVersion); err != nil {
						return safeErr("write findings", errors.Join(err, app.Close()))
					}
				}
			}
			return safeErr("write findings", app.Close())
		})
	})
}

// Profiles implements store.Store. The count and the page are read in one
// transaction, so they agree.
func (s *Store) Profiles(ctx context.Context, q store.ProfileQuery, fn func(*store.Profile) error) (int, error) {
	caller := ctx // Close cancels ctx too: readErr tells them apart by the caller's
	ctx, done, err := s.readContext(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	s.stMu.RLock()
	defer s.stMu.RUnlock()
	var a sqlArgs
	where := "project_id = " + a.param(q.ProjectID, "BIGINT") + " AND kind = " + a.param(uint8(q.Kind), "UTINYINT")
	if q.GroupKey != "" {
		where += " AND group_key = " + a.param(q.GroupKey, "VARCHAR")
	}
	if len(q.IDs) > 0 {
		ps := make([]string, len(q.IDs))
		for i, id := range q.IDs {
			ps[i] = a.param(id, "VARCHAR")
		}
		list := strings.Join(ps, ", ")
		if q.Kind == event.People {
			// An id merged into another person finds that person's profile.
			ps2 := make([]string, len(q.IDs))
			for i, id := range q.IDs {
				ps2[i] = a.param(id, "VARCHAR")
			}
			where += " AND (id IN (" + list + ") OR id IN (SELECT person FROM st.person_ids WHERE project_id = " +
				a.param(q.ProjectID, "BIGINT") + " AND id IN (" + strings.Join(ps2, ", ") + ")))"
		} else {
			where += " AND id IN (" + list + ")"
		}
	}
	if q.Where != nil {
		cond, err := compileExpr(q.Where, exprCols{props: "props", user: "props"}, &a)
		if err != nil {
			return 0, fmt.Errorf("duckdb store: profiles: %w", err)
		}
		where += " AND " + cond
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, s.readErr(caller, safeErr("profiles: connect", err))
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.readErr(caller, safeErr("profiles", err))
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var total int
	countQuery, args := a.finish("SELECT count(*) FROM st.profiles WHERE " + where)
	if err := tx.QueryRowContext(ctx, countQuery, args...).Scan(&total); err != nil {
		return 0, s.readErr(caller, safeErr("profiles: count", err))
	}
	page := " ORDER BY id, group_key"
	if q.Limit > 0 {
		page += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	if q.Offset > 0 {
		page += fmt.Sprintf(" OFFSET %d", q.Offset)
	}
	pageQuery, args := a.finish("SELECT id, group_key, props FROM st.profiles WHERE " + where + page)
	rows, err := tx.QueryContext(ctx, pageQuery, args...)
	if err != nil {
		return 0, s.readErr(caller, safeErr("profiles", err))
	}
	defer rows.Close()
	var p store.Profile
	var props sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&p.ID, &p.GroupKey, &props); err != nil {
			return 0, s.readErr(caller, safeErr("profiles: read row", err))
		}
		p.Properties = props
		if err := fn(&p); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, s.readErr(caller, safeErr("profiles", err))
	}
	return total, nil
}

// Findings implements store.Store.
func (s *Store) Findings(ctx context.Context, q store.FindingQuery, fn func(*event.Finding) error) error {
	caller := ctx // Close cancels ctx too: readErr tells them apart by the caller's
	ctx, done, err := s.readContext(ctx)
	if err != nil {
		return err
	}
	defer done()
	s.stMu.RLock()
	defer s.stMu.RUnlock()
	query := "SELECT time, project_id, distinct_id, event, path, class, detector, action, lib, lib_version FROM st.findings WHERE project_id = ? AND time >= ? AND time < ?"
	args := []any{q.ProjectID, q.From, q.To}
	if q.Class != "" {
		query += " AND class = ?"
		args = append(args, q.Class)
	}
	rows, err := s.db.QueryContext(ctx, query+" ORDER BY time", args...)
	if err != nil {
		return s.readErr(caller, safeErr("findings", err))
	}
	defer rows.Close()
	var f event.Finding
	for rows.Next() {
		if err := rows.Scan(&f.Time, &f.ProjectID, &f.DistinctID, &f.Event, &f.Path, &f.Class, &f.Detector, &f.Action, &f.Lib, &f.LibVersion); err != nil {
			return s.readErr(caller, safeErr("findings: read row", err))
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return s.readErr(caller, safeErr("findings", rows.Err()))
}
