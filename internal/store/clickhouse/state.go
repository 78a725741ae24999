package clickhouse

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/profile"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

type profKey struct {
	project int64
	kind    event.ProfileKind
	group   string
	id      string
}

func groupKeyOf(u *event.ProfileRow) string {
	if u.Kind == event.Group {
		return u.GroupKey
	}
	return ""
}

// UpdateProfiles implements store.Store: the current versions of the
// profiles named are read, the updates applied in order (package profile),
// and the changed profiles written as new versions in one insert. Within
// this process updates are serialised; between Sieve nodes the later
// version wins.
func (s *Store) UpdateProfiles(ctx context.Context, updates []event.ProfileRow) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(updates) == 0 {
		return nil
	}
	for i := range updates {
		u := &updates[i]
		if u.Kind != event.People && u.Kind != event.Group {
			return fmt.Errorf("%w: profile update %d: unknown profile kind", ErrInvalidRow, i)
		}
		if !utf8.ValidString(u.ID) || !utf8.ValidString(u.GroupKey) {
			return fmt.Errorf("%w: profile update %d: id is not valid UTF-8", ErrInvalidRow, i)
		}
		if err := profile.Validate(u); err != nil {
			return fmt.Errorf("clickhouse store: profile update %d: %w", i, err)
		}
	}
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	type entry struct {
		existed bool
		st      *profile.State
	}
	entries := map[profKey]*entry{}
	var order []profKey
	for i := range updates {
		u := &updates[i]
		k := profKey{u.ProjectID, u.Kind, groupKeyOf(u), u.ID}
		if _, ok := entries[k]; !ok {
			entries[k] = &entry{}
			order = append(order, k)
		}
	}
	// Load the current versions, keys in an external table.
	var kw rbWriter
	for _, k := range order {
		kw.i64(k.project)
		kw.u8(uint8(k.kind))
		kw.str(k.group)
		kw.str(k.id)
	}
	stmt := "SELECT project_id, kind, group_key, id, props FROM (SELECT project_id, kind, group_key, id, props, deleted FROM " + s.db +
		".profiles WHERE (project_id, kind, group_key, id) GLOBAL IN (SELECT p, k, g, i FROM keys) ORDER BY ver DESC LIMIT 1 BY project_id, kind, group_key, id)" +
		" WHERE deleted = 0 FORMAT RowBinary"
	rc, err := s.q.do(ctx, stmt, nil, nil, []extTable{{name: "keys", structure: "p Int64, k UInt8, g String, i String", data: kw.b}})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("clickhouse store: read profiles: %w", err)
	}
	rd := newRB(rc)
	for rd.more() {
		var k profKey
		k.project = rd.i64()
		k.kind = event.ProfileKind(rd.u8())
		k.group = rd.str()
		k.id = rd.str()
		props := rd.bytesInto(nil)
		if rd.err != nil {
			break
		}
		if e := entries[k]; e != nil {
			st, err := profile.Parse(props)
			if err != nil {
				rc.Close()
				return fmt.Errorf("clickhouse store: a stored profile is not valid: %w", err)
			}
			e.existed, e.st = true, st
		}
	}
	rc.Close()
	if rd.err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("clickhouse store: read profiles: %w", rd.err)
	}
	for i := range updates {
		u := &updates[i]
		e := entries[profKey{u.ProjectID, u.Kind, groupKeyOf(u), u.ID}]
		if e.st == nil {
			e.st = &profile.State{}
		}
		if err := e.st.Apply(u); err != nil {
			return fmt.Errorf("clickhouse store: profile update %d: %w", i, err)
		}
	}
	ver := uint64(time.Now().UnixNano())
	if ver <= s.lastVer {
		ver = s.lastVer + 1
	}
	s.lastVer = ver
	var w rbWriter
	n := 0
	for _, k := range order {
		e := entries[k]
		var deleted uint8
		var props []byte
		switch {
		case e.st.Exists():
			props = e.st.AppendJSON(nil)
		case e.existed:
			deleted = 1
		default:
			continue
		}
		w.i64(k.project)
		w.u8(uint8(k.kind))
		w.str(k.group)
		w.str(k.id)
		w.bytes(props)
		w.u8(deleted)
		w.u64(ver)
		n++
	}
	if n == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
	defer cancel()
	if err := s.q.exec(ictx, "INSERT INTO "+s.db+".profiles (project_id, kind, group_key, id, props, deleted, ver) FORMAT RowBinary", insertSettings, w.b); err != nil {
		return fmt.Errorf("clickhouse store: write profiles: %w", err)
	}
	return nil
}

// profileEnv is an expr.Env over one profile: properties[...] and
// user[...] both read its properties.
type profileEnv struct{ props map[string]any }

func (profileEnv) Event() string { return "" }
func (e profileEnv) Prop(k string) (any, bool) {
	v, ok := e.props[k]
	return v, ok
}
func (e profileEnv) User(k string) (any, bool) { return e.Prop(k) }

// Profiles implements store.Store. Where, Offset and Limit are applied
// here, over the current versions the cluster returns in id order; the
// count is of the same stream, so count and page agree.
func (s *Store) Profiles(ctx context.Context, q store.ProfileQuery, fn func(*store.Profile) error) (int, error) {
	done, err := s.begin()
	if err != nil {
		return 0, err
	}
	defer done()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if q.Where != nil && readsEvent(q.Where) {
		return 0, fmt.Errorf("%w: a profile query cannot read the event name", store.ErrUnsupported)
	}
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	where := fmt.Sprintf("project_id = %d AND kind = %d", q.ProjectID, uint8(q.Kind))
	if q.GroupKey != "" {
		where += " AND group_key = " + quote(q.GroupKey)
	}
	var ext []extTable
	if len(q.IDs) > 0 {
		var w rbWriter
		for _, id := range q.IDs {
			w.str(id)
		}
		ext = append(ext, extTable{name: "ids", structure: "i String", data: w.b})
		where += " AND id GLOBAL IN (SELECT i FROM ids)"
	}
	stmt := "SELECT id, group_key, props FROM (SELECT id, group_key, props, deleted FROM " + s.db + ".profiles WHERE " + where +
		" ORDER BY id, group_key, ver DESC LIMIT 1 BY project_id, kind, group_key, id) WHERE deleted = 0 ORDER BY id, group_key FORMAT RowBinary"
	rc, err := s.q.do(ctx, stmt, readSettings, nil, ext)
	if err != nil {
		return 0, s.readErr(caller, "profiles", err)
	}
	defer rc.Close()
	rd := newRB(rc)
	var p store.Profile
	var id, gk []byte
	total := 0
	for rd.more() {
		if ctx.Err() != nil {
			return 0, s.readErr(caller, "profiles", ctx.Err())
		}
		id = rd.bytesInto(id)
		gk = rd.bytesInto(gk)
		p.Properties = rd.bytesInto(p.Properties)
		if rd.err != nil {
			break
		}
		if len(p.Properties) == 0 || p.Properties[0] != '{' {
			return 0, s.readErr(caller, "profiles", errMidStream)
		}
		if q.Where != nil {
			props, err := expr.DecodeProps(p.Properties)
			if err != nil {
				return 0, fmt.Errorf("clickhouse store: profiles: a stored profile is not a JSON object")
			}
			if !expr.Truthy(expr.Eval(q.Where, profileEnv{props})) {
				continue
			}
		}
		total++
		if total <= q.Offset || (q.Limit > 0 && total > q.Offset+q.Limit) {
			continue
		}
		p.ID, p.GroupKey = string(id), string(gk)
		if err := fn(&p); err != nil {
			return 0, err
		}
	}
	if err := s.readErr(caller, "profiles", rd.err); err != nil {
		return 0, err
	}
	return total, nil
}

// AppendFindings implements store.Store.
func (s *Store) AppendFindings(ctx context.Context, fs []event.Finding) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(fs) == 0 {
		return nil
	}
	var w rbWriter
	for i := range fs {
		f := &fs[i]
		w.i64(f.Time)
		w.i64(f.ProjectID)
		for _, t := range []string{f.DistinctID, f.Event, f.Path, f.Class, f.Detector, f.Action, f.Lib, f.LibVersion} {
			if !utf8.ValidString(t) {
				return fmt.Errorf("%w: finding %d: text is not valid UTF-8", ErrInvalidRow, i)
			}
			w.str(t)
		}
	}
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
	defer cancel()
	if err := s.q.exec(ictx, "INSERT INTO "+s.db+".findings (time, project_id, distinct_id, event, path, class, detector, action, lib, lib_version) FORMAT RowBinary",
		insertSettings, w.b); err != nil {
		return fmt.Errorf("clickhouse store: write findings: %w", err)
	}
	return nil
}

// Findings implements store.Store.
func (s *Store) Findings(ctx context.Context, q store.FindingQuery, fn func(*event.Finding) error) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	if err := ctx.Err(); err != nil {
		return err
	}
	if q.From >= q.To {
		return nil
	}
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	where := fmt.Sprintf("project_id = %d AND time >= %d AND time < %d", q.ProjectID, q.From, q.To)
	if q.Class != "" {
		where += " AND class = " + quote(q.Class)
	}
	stmt := "SELECT time, project_id, distinct_id, event, path, class, detector, action, lib, lib_version FROM " + s.db + ".findings WHERE " + where +
		" ORDER BY time FORMAT RowBinary"
	rc, err := s.q.do(ctx, stmt, readSettings, nil, nil)
	if err != nil {
		return s.readErr(caller, "findings", err)
	}
	defer rc.Close()
	rd := newRB(rc)
	for rd.more() {
		if ctx.Err() != nil {
			return s.readErr(caller, "findings", ctx.Err())
		}
		var f event.Finding
		f.Time = rd.i64()
		f.ProjectID = rd.i64()
		fields := []*string{&f.DistinctID, &f.Event, &f.Path, &f.Class, &f.Detector, &f.Action, &f.Lib, &f.LibVersion}
		for _, p := range fields {
			*p = rd.str()
		}
		if rd.err != nil {
			break
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return s.readErr(caller, "findings", rd.err)
}
