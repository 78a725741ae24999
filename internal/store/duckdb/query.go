package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	ddb "github.com/duckdb/duckdb-go/v2"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
)

var _ query.Backend = (*Store)(nil)

// Query implements query.Backend: it answers trends and retention in SQL
// and funnels with a per-user scan in Go over the step events DuckDB
// returns sorted by user and time (query_funnel.go). Every value from the query
// document (event and property names) is a bound parameter; the SQL text
// holds only numbers and dates the code computed.
func (s *Store) Query(ctx context.Context, p query.Project, q *query.Query) (*query.Result, query.Stats, error) {
	release, err := s.enterQueryLimit(query.MemoryLimit(ctx))
	if err != nil {
		return nil, query.Stats{}, err
	}
	defer release()
	b := newQB(p, q)
	var res *query.Result
	var st query.Stats
	err = s.eventsAt(ctx, p.ID, 0, b.readEnd, q.Properties(), func(ctx context.Context, conn *sql.Conn, rel string, v *version, hot []string) error {
		b.rel = rel
		b.setHot(hot)
		b.linkRel = s.linkSource(v, p.ID, 0, b.readEnd)
		n, err := s.rowsIn(ctx, conn, v, p.ID, b.readStart, b.readEnd)
		if err != nil {
			return queryErr("query: count rows", err)
		}
		st.RowsScanned = n
		switch q.Kind {
		case query.Trends:
			var t *query.TrendsResult
			t, err = b.trends(ctx, conn)
			res = &query.Result{Trends: t}
		case query.Funnels:
			var f *query.FunnelResult
			f, err = b.funnel(ctx, conn)
			res = &query.Result{Funnel: f}
		case query.Addiction:
			var a *query.AddictionResult
			a, err = b.addiction(ctx, conn)
			res = &query.Result{Addiction: a}
		default:
			var r *query.RetentionResult
			r, err = b.retention(ctx, conn)
			res = &query.Result{Retention: r}
		}
		return err
	})
	if err != nil {
		return nil, st, err
	}
	return res, st, nil
}

// qb builds the SQL of one query.
type qb struct {
	q                  *query.Query
	loc                *time.Location
	start, end         int64 // the query range
	readStart, readEnd int64
	rel                string
	linkRel            string   // the link rows of the events before readEnd (linkSource)
	paths              []string // JSON pointers extracted into the list j, 1-based in SQL
	upaths             []string // the same for the user's profile, into uj
	project            int64
	profiles           bool // the query reads profile properties (see base)
	a                  sqlArgs
	flags              []string       // boolean columns over name and props (filters), f1..fn
	hot                map[string]int // hot properties the relation has as columns hs<n>, hj<n>
}

// setHot records the hot columns of the relation (eventsAt).
func (b *qb) setHot(hot []string) {
	b.hot = map[string]int{}
	for i, h := range hot {
		b.hot[h] = i + 1
	}
}

// hotCols are the relation's hot columns for a SELECT list (", hs1, hj1,
// ..."), each with prefix.
func (b *qb) hotCols(prefix string) string {
	var s strings.Builder
	for n := 1; n <= len(b.hot); n++ {
		fmt.Fprintf(&s, ", %shs%d, %shj%d", prefix, n, prefix, n)
	}
	return s.String()
}

// exprCols are the columns filters and expressions read.
func (b *qb) exprCols() exprCols {
	return exprCols{name: "name", props: "props", user: "pprops", hot: b.hot}
}

func newQB(p query.Project, q *query.Query) *qb {
	b := &qb{q: q, loc: p.Loc(), project: p.ID, profiles: q.ReadsProfiles()}
	b.start, b.end = q.Range(b.loc)
	b.readStart, b.readEnd = q.ReadRange(b.loc)
	return b
}

// reset starts a new statement.
func (b *qb) reset() { b.a, b.flags = sqlArgs{}, nil }

// arg binds v (a string or a float64) and returns its placeholder.
func (b *qb) arg(v any) string {
	if _, ok := v.(float64); ok {
		return b.a.param(v, "DOUBLE")
	}
	return b.a.param(v, "VARCHAR")
}

// cond is the SQL condition of filter nodes (ANDed; nil ones skipped) over
// the stored columns: "true" for none.
func (b *qb) cond(ns ...expr.Node) (string, error) {
	n := query.And(ns...)
	if n == nil {
		return "true", nil
	}
	c, err := compileExpr(n, b.exprCols(), &b.a)
	if err != nil {
		return "", fmt.Errorf("duckdb store: query filter: %w", err)
	}
	return "(" + c + ")", nil
}

// flag registers a filter as a boolean column of u and returns its name
// ("true" for no filter).
func (b *qb) flag(n expr.Node) (string, error) {
	if n == nil {
		return "true", nil
	}
	c, err := b.cond(n)
	if err != nil {
		return "", err
	}
	b.flags = append(b.flags, c)
	return fmt.Sprintf("f%d", len(b.flags)), nil
}

// flagCols are the flags as SELECT columns.
func (b *qb) flagCols() string {
	var s strings.Builder
	for i, c := range b.flags {
		fmt.Fprintf(&s, ", %s AS f%d", c, i+1)
	}
	return s.String()
}

// flagNames are the flags' columns, for a SELECT list.
func (b *qb) flagNames(prefix string) string {
	var s strings.Builder
	for i := range b.flags {
		fmt.Fprintf(&s, ", %sf%d", prefix, i+1)
	}
	return s.String()
}

// prop is the SQL of property name's JSON value (NULL when absent).
func (b *qb) prop(name string) string { return "j" + jsonIndex(&b.paths, name) }

// uprop is the SQL of the JSON value of property name of the event's
// user's profile (NULL when absent or no profile).
func (b *qb) uprop(name string) string { return "uj" + jsonIndex(&b.upaths, name) }

// jsonIndex registers name's JSON pointer in paths and returns its SQL
// subscript, "[i]".
func jsonIndex(paths *[]string, name string) string {
	ptr := "/" + strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
	for i, p := range *paths {
		if p == ptr {
			return fmt.Sprintf("[%d]", i+1)
		}
	}
	*paths = append(*paths, ptr)
	return fmt.Sprintf("[%d]", len(*paths))
}

// value is the SQL of a property as a breakdown value (package query:
// strings as they are, numbers as integers when integral, "(none)").
func (b *qb) value(p query.Property) string {
	if n, ok := b.hot[p.Name]; ok && p.Scope != query.ScopeUser {
		// A string is in hs, anything else in hj (hotcols.go).
		return fmt.Sprintf("CASE WHEN hs%[1]d IS NOT NULL THEN hs%[1]d ELSE %[2]s END", n, b.jsonValue(fmt.Sprintf("hj%d", n)))
	}
	v := b.prop(p.Name)
	if p.Scope == query.ScopeUser {
		v = b.uprop(p.Name)
	}
	return b.jsonValue(v)
}

// jsonValue is the SQL of the JSON value v as a breakdown value.
func (b *qb) jsonValue(v string) string {
	return fmt.Sprintf(`CASE json_type(%[1]s) WHEN 'VARCHAR' THEN %[1]s->>'$' WHEN 'DOUBLE' THEN (CASE WHEN %[1]s::DOUBLE = trunc(%[1]s::DOUBLE) AND abs(%[1]s::DOUBLE) < 1e15 THEN (%[1]s::DOUBLE)::BIGINT::VARCHAR ELSE (%[1]s::DOUBLE)::VARCHAR END) WHEN 'NULL' THEN %[2]s ELSE coalesce(%[1]s::VARCHAR, %[2]s) END`, v, b.arg(query.None))
}

// number is the SQL of a property as a DOUBLE, NULL unless a JSON number.
func (b *qb) number(name string) string {
	v := fmt.Sprintf("hj%d", b.hot[name]) // a string is never a number
	if _, ok := b.hot[name]; !ok {
		v = b.prop(name)
	}
	return fmt.Sprintf(`CASE WHEN json_type(%[1]s) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN %[1]s::DOUBLE END`, v)
}

// names is a condition on the event name: one of events, or true when one
// of them is "" (any event).
func (b *qb) names(events ...string) string {
	var ps []string
	for _, e := range events {
		if e == "" {
			return "true"
		}
		ps = append(ps, b.arg(e))
	}
	return "name IN (" + strings.Join(ps, ", ") + ")"
}

// localDay is the SQL of an event's local calendar day, as days since
// 1970-01-01: the time zone's offsets over the read range are spelled out,
// so DuckDB needs no time-zone database, and buckets are integers.
func (b *qb) localDay() string {
	offs := query.Offsets(b.loc, b.readStart, b.readEnd)
	if len(offs) == 1 {
		return fmt.Sprintf("((time + %d) // 86400000)", offs[0].Offset)
	}
	var c strings.Builder
	c.WriteString("CASE")
	for i := 1; i < len(offs); i++ {
		fmt.Fprintf(&c, " WHEN time < %d THEN %d", offs[i].At, offs[i-1].Offset)
	}
	fmt.Fprintf(&c, " ELSE %d END", offs[len(offs)-1].Offset)
	return "((time + " + c.String() + ") // 86400000)"
}

// bucket is the SQL of the bucket number of an event whose local day is
// the column d: hours as Unix ms of their start, days as the local day,
// weeks (Monday first) and months counted from 1970 (see bucketKey).
func (b *qb) bucket(iv query.Interval, d string) string {
	switch iv {
	case query.Hour:
		return fmt.Sprintf("(%d + (time - %d) // 3600000 * 3600000)", b.start, b.start)
	case query.Day:
		return d
	case query.Week:
		return "((" + d + " + 3) // 7)" // 1970-01-01 was a Thursday
	}
	return "(year(DATE '1970-01-01' + CAST(" + d + " AS INTEGER)) * 12 + month(DATE '1970-01-01' + CAST(" + d + " AS INTEGER)) - 1)"
}

// bucketKey turns a bucket number into a query.Buckets key.
func (b *qb) bucketKey(iv query.Interval, n int64) string {
	switch iv {
	case query.Hour:
		return time.UnixMilli(n).In(b.loc).Format(time.RFC3339)
	case query.Day:
		return time.Unix(n*86400, 0).UTC().Format(time.DateOnly)
	case query.Week:
		return time.Unix((n*7-3)*86400, 0).UTC().Format(time.DateOnly)
	}
	return time.Date(int(n/12), time.Month(n%12+1), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// dayNumber is the local day number of a date (a UTC midnight).
func dayNumber(d time.Time) int64 { return d.Unix() / 86400 }

// base is the WITH clause that every query starts from: the relation u of
// the events in the read range named by nameCond, with columns time, name,
// usr (the user's key: package query's rule over the user keys, see
// identity.go), d (local date), bucket and j (the extracted properties:
// call prop before base).
//
// Links can come from any stored event before the end of the read range:
// they are read from the sealed files' link files and the identity
// columns of the other rows (links.go), never from the JSON properties.
//
// Without users (usersToo false) usr is left out, and so are the links.
// When no property but the identity ones is needed, j is NULL and DuckDB
// does not read the properties at all.
func (b *qb) base(nameCond string, usersToo bool, cols ...string) string {
	j := "NULL::JSON[]"
	if len(b.paths) > 0 {
		j = b.extract("props", b.paths)
	}
	if b.profiles {
		return b.baseProfiles(nameCond, j, cols)
	}
	if !usersToo {
		return fmt.Sprintf(`WITH u1 AS (
  SELECT time, name, %[1]s AS j, %[2]s AS d%[9]s%[10]s FROM %[3]s WHERE time >= %[4]d AND time < %[5]d AND %[6]s
), u AS (
  SELECT *, %[7]s AS bucket%[8]s FROM u1
)`, j, b.localDay(), b.rel, b.readStart, b.readEnd, nameCond, b.bucket(b.q.Interval, "d"), prefixed(strings.Join(cols, ", ")), b.flagCols(), b.hotCols(""))
	}
	extra := prefixed(strings.Join(cols, ", "))
	return fmt.Sprintf(`WITH %[1]s, ev AS (
  SELECT time, name, uk, dk, %[2]s AS j%[3]s%[13]s FROM %[4]s
  WHERE time >= %[5]d AND time < %[6]d AND %[7]s
), u0 AS (
  SELECT ev.time, ev.name, ev.j%[8]s%[14]s, %[9]s AS usr
  FROM ev LEFT JOIN links ON links.dk = ev.dk
), u1 AS (
  SELECT *, %[10]s AS d FROM u0
), u AS (
  SELECT *, %[11]s AS bucket%[12]s FROM u1
)`, linkKeys(b.linkRel), j, b.flagCols(), b.rel, b.readStart, b.readEnd, nameCond, b.flagNames("ev."),
		userKeyOf("ev.uk", "links.uk", "ev.dk"),
		b.localDay(), b.bucket(b.q.Interval, "d"), extra, b.hotCols(""), b.hotCols("ev."))
}

// baseProfiles is base for a query that reads profile properties: the
// events' users are found first (their strings, to find their profiles,
// and their keys), then their profiles (pprops, the JSON text, and uj,
// the properties read), then filters apply.
func (b *qb) baseProfiles(nameCond, j string, cols []string) string {
	uj := "NULL::JSON[]"
	if len(b.upaths) > 0 {
		uj = b.extract("pprops", b.upaths)
	}
	return fmt.Sprintf(`WITH %[1]s, ev AS (
  SELECT time, name, distinct_id, user_id, device_id, uk, dk, props%[14]s FROM %[2]s WHERE time >= %[3]d AND time < %[4]d
), eu AS (
  SELECT ev.time, ev.name, ev.props%[15]s, %[5]s AS uid, %[16]s AS usr
  FROM ev LEFT JOIN links ON links.dev = coalesce(ev.device_id, ev.distinct_id)
), ep AS (
  SELECT eu.*, pr.props AS pprops FROM eu LEFT JOIN (%[6]s) pr ON pr.id = eu.uid
), u0 AS (
  SELECT time, name, usr, %[7]s AS j, %[8]s AS uj%[9]s%[14]s FROM ep WHERE %[10]s
), u1 AS (
  SELECT *, %[11]s AS d FROM u0
), u AS (
  SELECT *, %[12]s AS bucket%[13]s FROM u1
)`, links(b.linkRel), b.rel, b.readStart, b.readEnd, userOf("ev.user_id", "links.usr", "ev.device_id", "ev.distinct_id"),
		userProfiles(b.project), j, uj, b.flagCols(), nameCond, b.localDay(), b.bucket(b.q.Interval, "d"),
		prefixed(strings.Join(cols, ", ")), b.hotCols(""), b.hotCols("ev."), userKeyOf("ev.uk", "links.uk", "ev.dk"))
}

// userProfiles is the SQL of the user profiles of a project: columns id
// and props (JSON text), as they are now.
func userProfiles(project int64) string {
	return fmt.Sprintf("SELECT id, props FROM st.profiles WHERE project_id = %d AND kind = %d AND group_key = ''", project, event.People)
}

// links is the CTE "links" over the link rows src (dev, usr, time; see
// linksOf and linkSource): per device (or anonymous distinct_id), the user
// it is linked to (usr, and its key uk). An $identify event links
// $anon_distinct_id to $identified_id (else its distinct_id); an event
// carrying both $device_id and $user_id links them. The earliest link wins
// (ties: the smallest user). Sealed files' links are read from their link
// files (links.go).
func links(src string) string {
	return "links AS (\n  SELECT dev, usr, " + userKey("usr") + " AS uk FROM (SELECT dev, first(usr ORDER BY time, usr) AS usr FROM (" + src + ") GROUP BY dev)\n)"
}

// linkKeys is links by key: per device key dk, the linked user's key uk
// (the strings are chosen as links chooses them, then turned into keys;
// should two devices share a key, one row is kept).
func linkKeys(src string) string {
	return "links AS (\n  SELECT dk, min(uk) AS uk FROM (SELECT " + userKey("dev") + " AS dk, " + userKey("first(usr ORDER BY time, usr)") +
		" AS uk FROM (" + src + ") GROUP BY dev) GROUP BY dk\n)"
}

// userOf is the SQL of an event's user from its identity columns and its
// device's link: $user_id, else the linked user, else $device_id, else
// distinct_id. userKeyOf is the same rule over the keys (identity.go).
func userOf(userID, linked, deviceID, distinctID string) string {
	return "coalesce(" + strings.Join([]string{userID, linked, deviceID, distinctID}, ", ") + ")"
}

func userKeyOf(userKey, linkedKey, deviceKey string) string {
	return "coalesce(" + userKey + ", " + linkedKey + ", " + deviceKey + ")"
}

// extract is the SQL of the list of the JSON values at paths in the JSON
// text column col.
func (b *qb) extract(col string, paths []string) string {
	ps := make([]string, len(paths))
	for i, p := range paths {
		ps[i] = b.arg(p)
	}
	return "json_extract(" + col + ", [" + strings.Join(ps, ", ") + "])"
}

// binned is the SQL of a numeric property's range label (query.Bins).
func (b *qb) binned(name string, bins query.Bins) string {
	labels := bins.Labels()
	ps := make([]string, len(labels))
	for i, l := range labels {
		ps[i] = b.arg(l)
	}
	x := b.number(name)
	idx := "0"
	if w := (bins.Hi - bins.Lo) / float64(bins.N); w != 0 {
		// Clamped as query.Bins.Index clamps.
		idx = fmt.Sprintf("greatest(least(floor((%s - %s) / %s), %d), 0)::BIGINT", x, b.arg(bins.Lo), b.arg(w), bins.N-1)
	}
	return fmt.Sprintf("CASE WHEN %s IS NULL THEN %s ELSE [%s][%s + 1] END", x, b.arg(query.None), strings.Join(ps, ", "), idx)
}

// tupleCols are the SQL of the breakdown values, aliased v1..vn. An
// expression breakdown is computed beside the filters, where the JSON
// properties (and the profile's) are at hand, as a column of base.
func (b *qb) tupleCols(bins ...*query.Bins) ([]string, error) {
	var out []string
	for i, p := range b.q.Breakdown {
		v := "name"
		switch {
		case p.Expr != nil:
			c, err := compileText(p.Expr, b.exprCols(), &b.a)
			if err != nil {
				return nil, fmt.Errorf("duckdb store: breakdown expression: %w", err)
			}
			b.flags = append(b.flags, fmt.Sprintf("coalesce(%s, %s)", c, b.arg(query.None)))
			v = fmt.Sprintf("f%d", len(b.flags))
		case i < len(bins) && bins[i] != nil:
			v = b.binned(p.Name, *bins[i])
		case p.Scope != query.ScopeEventName:
			v = b.value(p)
		}
		out = append(out, fmt.Sprintf("%s AS v%d", v, i+1))
	}
	return out, nil
}

// tieCols are the breakdown columns ties at one instant are ordered by, as
// the oracle orders them: a binned property's raw value (column r<i>, added
// to cols), not its range.
func (b *qb) tieCols(cols *[]string, bins []*query.Bins) []string {
	var out []string
	for i, p := range b.q.Breakdown {
		if i < len(bins) && bins[i] != nil {
			*cols = append(*cols, fmt.Sprintf("%s AS r%d", b.value(p), i+1))
			out = append(out, fmt.Sprintf("r%d", i+1))
			continue
		}
		out = append(out, fmt.Sprintf("v%d", i+1))
	}
	return out
}

func vlist(n int, prefix string) string {
	var s []string
	for i := 1; i <= n; i++ {
		s = append(s, fmt.Sprintf("%sv%d", prefix, i))
	}
	return strings.Join(s, ", ")
}

func (b *qb) query(ctx context.Context, conn *sql.Conn, sqlText string) (*sql.Rows, error) {
	sqlText, args := b.a.finish(sqlText)
	rows, err := conn.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, queryErr("query", err)
	}
	return rows, nil
}

// queryErr is safeErr, with DuckDB running out of memory reported as
// query.ErrMemoryLimit.
func queryErr(op string, err error) error {
	var de *ddb.Error
	if errors.As(err, &de) && de.Type == ddb.ErrorTypeOutOfMemory {
		return fmt.Errorf("duckdb store: %s: %w: %w", op, query.ErrMemoryLimit, err)
	}
	return safeErr(op, err)
}
