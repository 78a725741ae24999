package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

const eventCols = "project_id, time, name, distinct_id, insert_id, props"

// days lists the partitions of a project overlapping [from, to) in v, in
// day order, with the actives holding rows of each.
func (s *Store) days(v *version, project, from, to int64) ([]partKey, map[partKey][]*active) {
	set := map[partKey]bool{}
	lo, hi := partOf(project, from).day, partOf(project, to-1).day
	in := func(p partKey) bool { return p.project == project && p.day >= lo && p.day <= hi }
	for p := range v.parts {
		if in(p) {
			set[p] = true
		}
	}
	acts := map[partKey][]*active{}
	s.mu.Lock()
	for _, a := range v.actives {
		for p, n := range a.days {
			if n > 0 && in(p) {
				set[p] = true
				acts[p] = append(acts[p], a)
			}
		}
	}
	s.mu.Unlock()
	out := make([]partKey, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b partKey) int { return cmpInt(a.day, b.day) })
	return out, acts
}

// partitionQuery selects the rows of partition p in [from, to), optionally
// of some event names and matching cond (a compiled expression over the
// event columns), from its sealed files and the given actives. Names are
// parameters in a.
func (s *Store) partitionQuery(v *version, p partKey, acts []*active, from, to int64, names []string, cond string, a *sqlArgs) string {
	lo, hi := max(from, p.start()), min(to, p.end())
	filter := fmt.Sprintf(" WHERE project_id = %d AND time >= %d AND time < %d", p.project, lo, hi)
	if len(names) > 0 {
		ps := make([]string, len(names))
		for i, n := range names {
			ps[i] = a.param(n, "VARCHAR")
		}
		filter += " AND name IN (" + strings.Join(ps, ", ") + ")"
	}
	if cond != "" {
		filter += " AND " + cond
	}
	var branches []string
	if files := v.parts[p]; len(files) > 0 {
		branches = append(branches, "SELECT "+eventCols+" FROM "+parquetList(s.dir, p, files)+filter)
	}
	for _, act := range acts {
		branches = append(branches, "SELECT "+eventCols+" FROM "+act.alias+".events"+filter)
	}
	return strings.Join(branches, " UNION ALL ")
}

// Export implements store.Store. It reads one UTC day at a time (days are
// disjoint time ranges, so the output is in time order) and lets DuckDB sort
// each day, spilling under the data directory if a day is large; memory
// stays bounded by one day's sort, within DuckDB's memory limit.
func (s *Store) Export(ctx context.Context, q store.ExportQuery, fn func(*event.Row) error) error {
	// Close cancels ctx too: readErr tells the two apart by the caller's.
	caller := ctx
	ctx, done, err := s.readContext(ctx)
	if err != nil {
		return err
	}
	defer done()
	if q.To <= q.From {
		return nil
	}
	cond := ""
	var a sqlArgs
	if q.Where != nil {
		if cond, err = compileExpr(q.Where, eventExprCols(""), &a); err != nil {
			return fmt.Errorf("duckdb store: export: %w", err)
		}
	}
	v := s.acquire()
	defer s.release(v)
	parts, acts := s.days(v, q.ProjectID, q.From, q.To)
	if len(parts) == 0 {
		return nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.readErr(caller, safeErr("export: connect", err))
	}
	defer conn.Close()
	var row event.Row
	var props sql.RawBytes
	n := 0
	for _, p := range parts {
		pa := a // the where clause's parameters, then this partition's
		pa.vals = slices.Clip(pa.vals)
		query, args := pa.finish("SELECT * FROM (" + s.partitionQuery(v, p, acts[p], q.From, q.To, q.Events, cond, &pa) + ") ORDER BY time")
		rows, err := conn.QueryContext(ctx, query, args...)
		if err != nil {
			return s.readErr(caller, safeErr("export", err))
		}
		for rows.Next() {
			if err := rows.Scan(&row.ProjectID, &row.Time, &row.Name, &row.DistinctID, &row.InsertID, &props); err != nil {
				rows.Close()
				return s.readErr(caller, safeErr("export: read row", err))
			}
			row.Props = props
			if err := fn(&row); err != nil {
				rows.Close()
				return err
			}
			if n++; n%256 == 0 && ctx.Err() != nil {
				rows.Close()
				return s.readErr(caller, fmt.Errorf("duckdb store: export: %w", ctx.Err()))
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return s.readErr(caller, safeErr("export", err))
		}
	}
	return nil
}

// Events gives fn a connection and a SQL relation (a parenthesized
// subquery, usable after FROM) over the events of one project in
// [from, to), with columns project_id, time (Unix ms), name, distinct_id,
// insert_id, props (JSON text), the identity columns user_id,
// device_id, anon_id and identified_id and the user keys uk and dk
// (identity.go). Only the partitions overlapping the range
// are read. The files stay in place while fn runs; fn must not keep the
// connection. This is how queries (trends, funnels, retention) read events;
// compileExpr(n, eventExprCols(alias), &args) turns a where expression or
// filter into a condition over the relation, with its parameters.
func (s *Store) Events(ctx context.Context, project, from, to int64, fn func(ctx context.Context, conn *sql.Conn, relation string) error) error {
	return s.eventsAt(ctx, project, from, to, nil, func(ctx context.Context, conn *sql.Conn, rel string, _ *version, _ []string) error {
		return fn(ctx, conn, rel)
	})
}

// eventsAt is Events, also giving fn the version of the files the relation
// reads (see rowsIn) and the hot properties the relation carries as
// columns hs<n>, hj<n> (hotcols.go): those of props (event property names)
// that some file of the project stores as columns.
func (s *Store) eventsAt(ctx context.Context, project, from, to int64, props []string, fn func(ctx context.Context, conn *sql.Conn, relation string, v *version, hot []string) error) error {
	// Close cancels ctx too: readErr tells the two apart by the caller's.
	caller := ctx
	ctx, done, err := s.readContext(ctx)
	if err != nil {
		return err
	}
	defer done()
	v := s.acquire()
	defer s.release(v)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.readErr(caller, safeErr("events: connect", err))
	}
	defer conn.Close()
	var hot []string
	if len(props) > 0 {
		hot = s.hotWanted(v, project, props)
	}
	var none strings.Builder
	for n := range hot {
		fmt.Fprintf(&none, ", NULL::VARCHAR AS hs%d, NULL::JSON AS hj%d", n+1, n+1)
	}
	relation := fmt.Sprintf("(SELECT * FROM (SELECT 0::BIGINT AS project_id, 0::BIGINT AS time, ''::VARCHAR AS name, ''::VARCHAR AS distinct_id, ''::VARCHAR AS insert_id, '{}'::VARCHAR AS props, NULL::VARCHAR AS user_id, NULL::VARCHAR AS device_id, NULL::VARCHAR AS anon_id, NULL::VARCHAR AS identified_id, NULL::UBIGINT AS uk, NULL::UBIGINT AS dk%s) WHERE false)", none.String())
	if to > from {
		parts, acts := s.days(v, project, from, to)
		var groups []hotGroup // sealed files by layout
		actSet := map[*active]bool{}
		for _, p := range parts {
			for _, f := range v.parts[p] {
				groups = groupFiles(groups, f, quote(f.parquet(s.dir, p)))
			}
			for _, a := range acts[p] {
				actSet[a] = true
			}
		}
		filter := fmt.Sprintf(" WHERE project_id = %d AND time >= %d AND time < %d", project, from, to)
		var branches []string
		for _, g := range groups {
			branches = append(branches, eventSelect("read_parquet(["+strings.Join(g.paths, ", ")+"])", filter, g.schema, g.hot, hot))
		}
		for _, a := range v.actives {
			if actSet[a] {
				branches = append(branches, eventSelect(a.alias+".events", filter, 0, nil, hot))
			}
		}
		if len(branches) > 0 {
			relation = "(" + strings.Join(branches, " UNION ALL ") + ")"
		}
	}
	return s.readErr(caller, fn(ctx, conn, relation, v, hot))
}

// rowsIn counts the stored rows of a project in [from, to) in version v:
// a sealed file of a partition that lies wholly inside the range counts
// its rows from the manifest, without a read; only the partitions at the
// range's edges and the active files are counted in SQL, over the time
// column.
func (s *Store) rowsIn(ctx context.Context, conn *sql.Conn, v *version, project, from, to int64) (int64, error) {
	if to <= from {
		return 0, nil
	}
	parts, acts := s.days(v, project, from, to)
	var n int64
	var edge []string
	actSet := map[*active]bool{}
	for _, p := range parts {
		whole := p.start() >= from && p.end() <= to
		for _, f := range v.parts[p] {
			if whole {
				n += f.Rows
			} else {
				edge = append(edge, quote(f.parquet(s.dir, p)))
			}
		}
		for _, a := range acts[p] {
			actSet[a] = true
		}
	}
	filter := fmt.Sprintf(" WHERE project_id = %d AND time >= %d AND time < %d", project, from, to)
	var branches []string
	if len(edge) > 0 {
		branches = append(branches, "SELECT count(*) AS c FROM read_parquet(["+strings.Join(edge, ", ")+"])"+filter)
	}
	for _, a := range v.actives {
		if actSet[a] {
			branches = append(branches, "SELECT count(*) AS c FROM "+a.alias+".events"+filter)
		}
	}
	if len(branches) == 0 {
		return n, nil
	}
	var m int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(sum(c), 0)::BIGINT FROM ("+strings.Join(branches, " UNION ALL ")+")").Scan(&m); err != nil {
		return 0, err
	}
	return n + m, nil
}
