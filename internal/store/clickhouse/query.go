package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/rowengine"
	"github.com/sieve-analytics/sieve/internal/store"
)

var _ query.Backend = (*Store)(nil)

// Query implements query.Backend. It answers in one of two ways:
//
//   - In SQL (sqlPath): trends whose series count events (math total) or
//     users (unique, dau, avg_per_user, wau, mau) of one event name or of
//     all events, without filters, broken down by nothing or by the event
//     name. Buckets are computed here (query.MakeBuckets, which knows the
//     project's time zone and DST) and sent as an external table of
//     bucket starts: the cluster places each event with arrayCount over
//     them, so no time zone function of the server is relied on.
//   - By rows (rowQuery), every other query: filters and where, property
//     and profile breakdowns, numeric maths, funnels, retention,
//     addiction. ClickHouse 18.16 reads a JSON property only by a name
//     written in the statement, and no request value goes into a
//     statement; so the cluster selects what needs no property (project,
//     read range, event names, one copy of each row, each event's user)
//     and streams the rows, ordered by user and time, to a
//     query/rowengine Engine, which evaluates the rest.
//
// Event names, values of the request, travel in external tables, never in
// the statement text.
func (s *Store) Query(ctx context.Context, p query.Project, q *query.Query) (*query.Result, query.Stats, error) {
	var st query.Stats
	done, err := s.begin()
	if err != nil {
		return nil, st, err
	}
	defer done()
	if err := s.syncLog(ctx); err != nil {
		return nil, st, err
	}
	if err := ctx.Err(); err != nil {
		return nil, st, err
	}
	// rows_scanned: the project's stored rows in the read range (copies
	// of a row not merged yet included), counted beside the answer (a
	// scan of two small columns) rather than after it.
	loc := p.Loc()
	readStart, readEnd := q.ReadRange(loc)
	type count struct {
		n   int64
		err error
	}
	counted := make(chan count, 1)
	cctx, ccancel := s.readCtx(ctx)
	defer ccancel()
	go func() {
		n, err := s.q.queryString(cctx, fmt.Sprintf("SELECT count() FROM %s.events WHERE project_id = %d AND time >= %d AND time < %d", s.db, p.ID, readStart, readEnd))
		v, _ := strconv.ParseInt(n, 10, 64)
		counted <- count{v, err}
	}()
	var res *query.Result
	for try := 0; ; try++ {
		// Each stored row once (querydups.go): the shared hashes of the
		// partitions read, unless the parts changed under the last tries.
		d := &dedupPlan{inline: true}
		if try < planTries {
			if d, err = s.plan(ctx, p.ID, readStart, readEnd); err != nil {
				return nil, st, s.readErr(ctx, "query: parts", err)
			}
		}
		res, err = s.answer(withPlan(ctx, d), p, q)
		if err != nil || d.inline {
			break
		}
		same, err2 := s.unchanged(ctx, d, p.ID, readStart, readEnd)
		if err2 != nil {
			err = err2
			break
		}
		if same {
			break
		}
		planRetries.Add(1)
	}
	if err != nil {
		ccancel()
		<-counted
		return nil, st, err
	}
	c := <-counted
	if c.err != nil {
		return nil, st, s.readErr(ctx, "query: count rows", c.err)
	}
	st.RowsScanned = c.n
	return res, st, nil
}

// planRetries counts queries run again because parts changed under them
// (tests read it).
var planRetries atomic.Int64

// answer answers q by the first way that takes it (see Query).
func (s *Store) answer(ctx context.Context, p query.Project, q *query.Query) (*query.Result, error) {
	switch {
	case sqlPath(q) == nil:
		return s.sqlQuery(ctx, p, q, false)
	case propPath(p, q) == nil:
		res, err := s.sqlQuery(ctx, p, q, true)
		if errors.Is(err, errUnsure) {
			propUnsure.Add(1)
			return s.rowQuery(ctx, p, q)
		} else if err == nil {
			propAnswers.Add(1)
		}
		return res, err
	}
	return s.rowQuery(ctx, p, q)
}

// sqlQuery answers a trends query that sqlPath accepts in SQL, or with
// props one that propPath accepts (which may fail with errUnsure).
func (s *Store) sqlQuery(ctx context.Context, p query.Project, q *query.Query, props bool) (*query.Result, error) {
	loc := p.Loc()
	start, end := q.Range(loc)
	_, readEnd := q.ReadRange(loc)
	bk := query.MakeBuckets(q.Interval, loc, q.From, q.To)
	res := &query.TrendsResult{Buckets: bk.Labels}
	for i, sr := range q.Series {
		var rows []query.TrendSeries
		var err error
		if props {
			rows, err = s.propSeries(ctx, q, p, start, end, readEnd, bk, sr)
		} else {
			rows, err = s.countSeries(ctx, q, loc, p.ID, start, end, readEnd, bk, sr)
		}
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			r.Series, r.Name = i, query.SeriesName(i)
			res.Series = append(res.Series, r)
		}
	}
	res.SortSeries()
	return &query.Result{Trends: res}, nil
}

// sqlPath says why q is not answered in SQL (it then goes by rows); nil
// when it is.
func sqlPath(q *query.Query) error {
	rows := func(what string) error { return fmt.Errorf("by rows: %s", what) }
	if q.Kind != query.Trends {
		return rows(string(q.Kind) + " queries")
	}
	if q.Filter != nil || q.Where != nil {
		return rows("trends with a global filter or where expression")
	}
	for _, b := range q.Breakdown {
		if b.Scope != query.ScopeEventName || b.Expr != nil {
			return rows("trends with a breakdown by a property or expression")
		}
	}
	for _, sr := range q.Series {
		switch sr.Math {
		case query.WAU, query.MAU:
			if len(q.Breakdown) > 0 {
				return rows("trends with math " + strconv.Quote(string(sr.Math)) + " and a breakdown")
			}
		case "", query.Total, query.Unique, query.DAU, query.AvgPerUser:
		default:
			return rows("trends with math " + strconv.Quote(string(sr.Math)))
		}
		if sr.Filter != nil {
			return rows("trends with a series filter")
		}
	}
	return nil
}

// rowQuery answers q with a rowengine.Engine over the project's rows in
// q's read range (of q's event names when rowengine.Events names them),
// one copy of each, with each event's user (usersSQL), ordered by user
// and time when the engine needs a user's rows together.
func (s *Store) rowQuery(ctx context.Context, p query.Project, q *query.Query) (*query.Result, error) {
	loc := p.Loc()
	readStart, readEnd := q.ReadRange(loc)
	where := fmt.Sprintf("project_id = %d AND time >= %d AND time < %d", p.ID, readStart, readEnd)
	var ext []extTable
	if from, names := rowengine.Early(q, loc); from > readStart {
		// Before from, only rows of these names (first-time retention:
		// the start event, to find each user's first).
		var w rbWriter
		for _, n := range names {
			w.str(n)
		}
		ext = append(ext, extTable{name: "q_early", structure: "e String", data: w.b})
		where += fmt.Sprintf(" AND (time >= %d OR event IN (SELECT e FROM q_early))", from)
	}
	if names := rowengine.Events(q); names != nil {
		var w rbWriter
		for _, n := range names {
			w.str(n)
		}
		ext = append(ext, extTable{name: "q_events", structure: "e String", data: w.b})
		where += " AND event IN (SELECT e FROM q_events)"
	}
	// The memory budget (the API's --query-memory) covers the profiles
	// read and what the engine holds.
	limit := query.MemoryLimit(ctx)
	var profiles rowengine.Profiles
	if q.ReadsProfiles() {
		m, size, err := s.profileMap(ctx, p.ID, limit)
		if err != nil {
			return nil, err
		}
		profiles = func(u string) []byte { return m[u] }
		if limit > 0 {
			limit = max(1, limit-size)
		}
	}
	eng := rowengine.New(q, p, profiles)
	eng.SetMemoryLimit(limit)
	// Only what the engine reads crosses the network: properties when it
	// reads some, users (the join of links) when it counts users or reads
	// profiles, the order by user when it keeps per-user state.
	// A key's copy read for its properties is the one with the highest
	// ver, then gen (a property purge inserts a rewritten copy with ver + 1
	// before it deletes the old one).
	props, extra := "'{}'", ""
	if eng.NeedsProps() {
		props, extra = "props", ", props"
	}
	d := planOf(ctx)
	from, dext := s.dedupRows(d, where, "time, event, materialize('') AS usr"+extra)
	if eng.NeedsUsers() {
		from, dext = s.usersSQL(d, p.ID, readEnd, where, extra)
	}
	ext = addExt(ext, dext)
	order := ""
	if eng.NeedsUserOrder() {
		order = " ORDER BY usr, time"
	}
	stmt := "SELECT time, event, usr, " + props + " FROM " + from + order + " FORMAT RowBinary"
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rc, err := s.q.do(ctx, stmt, readSettings, nil, ext)
	if err != nil {
		return nil, s.readErr(caller, "query", err)
	}
	defer rc.Close()
	rd := newRB(rc)
	var name, usr, pj []byte
	var r rowengine.Row
	names := map[string]string{}
	for n := 0; rd.more(); n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, s.readErr(caller, "query", ctx.Err())
		}
		r.Time = rd.i64()
		name = rd.bytesInto(name)
		usr = rd.bytesInto(usr)
		pj = rd.bytesInto(pj)
		if rd.err != nil {
			break
		}
		if len(pj) == 0 || pj[0] != '{' || !utf8.Valid(name) || !utf8.Valid(usr) {
			return nil, s.readErr(caller, "query", errMidStream)
		}
		nm, ok := names[string(name)]
		if !ok {
			nm = string(name)
			names[nm] = nm
		}
		if r.User != string(usr) {
			r.User = string(usr)
		}
		r.Name, r.Props = nm, pj
		if err := eng.Add(r); err != nil {
			return nil, fmt.Errorf("clickhouse store: query: %w", err)
		}
	}
	if err := s.readErr(caller, "query", rd.err); err != nil {
		return nil, err
	}
	return eng.Result()
}

// profileMap is the project's user profiles' properties by id, and about
// the bytes it takes; beyond limit (0: none) it fails with
// query.ErrMemoryLimit.
func (s *Store) profileMap(ctx context.Context, project, limit int64) (map[string][]byte, int64, error) {
	m := map[string][]byte{}
	var size int64
	_, err := s.Profiles(ctx, store.ProfileQuery{ProjectID: project, Kind: event.People}, func(p *store.Profile) error {
		m[p.ID] = append([]byte(nil), p.Properties...)
		size += int64(64 + len(p.ID) + len(p.Properties))
		if limit > 0 && size > limit {
			return fmt.Errorf("%w (the profiles the query reads)", query.ErrMemoryLimit)
		}
		return nil
	})
	return m, size, err
}

// countSeries computes sr per bucket of bk over its events in [start,
// end), one copy of each stored row. Users (unique, dau, avg_per_user,
// wau, mau) follow package query's rule with the links of the project's
// events before readEnd (see usersSQL).
//
// A breakdown by the event name (the only one this part answers) keeps the
// BreakdownLimit names with the most events in the range (ties: the
// smaller name) and groups the others as query.Other.
func (s *Store) countSeries(ctx context.Context, q *query.Query, loc *time.Location, project, start, end, readEnd int64, bk *query.Buckets, sr query.Series) ([]query.TrendSeries, error) {
	if !sr.Math.NeedsUsers() {
		return s.eventCountSeries(ctx, q, project, start, end, bk, sr)
	}
	var ext []extTable
	names := ""
	if sr.Event != "" {
		var w rbWriter
		w.str(sr.Event)
		ext = append(ext, extTable{name: "q_events", structure: "e String", data: w.b})
		names = " AND event IN (SELECT e FROM q_events)"
	}
	where := fmt.Sprintf("project_id = %d AND time >= %d AND time < %d", project, start, end) + names
	d := planOf(ctx)
	group := "''"
	if len(q.Breakdown) > 0 {
		// The top names by events, each stored row once (dedupCount).
		top, dext := s.dedupCount(d, "", where, "event", "event")
		ext = addExt(ext, dext)
		group = fmt.Sprintf("if(event IN (SELECT event FROM (SELECT event, sum(c) AS n FROM (%s) GROUP BY event ORDER BY n DESC, event LIMIT %d)), event, %s)",
			top, q.BreakdownLimit, quote(query.Other))
	}
	bs := makeBucketSQL(bk, start, end)
	with, bucketOf, bext := bs.with, bs.expr, bs.ext
	if sr.Math == query.WAU || sr.Math == query.MAU {
		// An event counts in every bucket whose window (the 7 or 30
		// local days ending with the bucket's last day, at most To)
		// holds it.
		los, his, wstart := rollingWindows(q, loc, bk, sr.Math)
		where = fmt.Sprintf("project_id = %d AND time >= %d AND time < %d", project, wstart, end) + names
		var w rbWriter
		for i := range los {
			w.i64(int64(i + 1))
			w.i64(los[i])
			w.i64(his[i])
		}
		bext = extTable{name: "q_windows", structure: "k Int64, lo Int64, hi Int64", data: w.b}
		with = "WITH (SELECT groupArray((k, lo, hi)) FROM q_windows) AS ws"
		bucketOf = "arrayJoin(arrayMap(w -> tupleElement(w, 1), arrayFilter((w, t) -> tupleElement(w, 2) <= t AND t < tupleElement(w, 3), ws, replicate(time, ws))))"
	}
	ext = append(ext, bext)
	from, dext := s.usersSQL(d, project, readEnd, where, "")
	ext = addExt(ext, dext)
	stmt := fmt.Sprintf("%s SELECT toInt64(%s) AS b, %s AS g, count(), uniqExact(usr) FROM %s GROUP BY b, g ORDER BY b, g FORMAT RowBinary", with, bucketOf, group, from)
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rc, err := s.q.do(ctx, stmt, readSettings, nil, ext)
	if err != nil {
		return nil, s.readErr(caller, "query", err)
	}
	defer rc.Close()
	out := map[string]*query.TrendSeries{}
	var order []string
	if len(q.Breakdown) == 0 {
		out[""] = &query.TrendSeries{Values: make([]float64, len(bk.Starts))}
		order = append(order, "")
	}
	rd := newRB(rc)
	for rd.more() {
		b, g, n, u := rd.i64(), rd.str(), int64(rd.u64()), float64(rd.u64())
		if rd.err != nil {
			break
		}
		if b < 1 || b > int64(len(bk.Starts)) || !utf8.ValidString(g) {
			return nil, s.readErr(caller, "query", errMidStream)
		}
		r := out[g]
		if r == nil {
			r = &query.TrendSeries{Values: make([]float64, len(bk.Starts))}
			for range q.Breakdown {
				r.Breakdown = append(r.Breakdown, g)
			}
			out[g] = r
			order = append(order, g)
		}
		vals := r.Values
		switch sr.Math {
		case query.AvgPerUser:
			if u > 0 {
				vals[b-1] = float64(n) / u
			}
		default:
			vals[b-1] = u
		}
	}
	if err := s.readErr(caller, "query", rd.err); err != nil {
		return nil, err
	}
	rows := make([]query.TrendSeries, len(order))
	for i, g := range order {
		rows[i] = *out[g]
	}
	return rows, nil
}

// dupHash is a row's candidate key for de-duplication: k, the 64-bit
// hash of the de-duplication key, for rows with a client insert id, and a
// hash of nodup (a random id unique to the row and its rewritten copies)
// for the others. Copies of a stored row share it (and a shard: the
// Distributed table shards by distinct_id); rows that share it are
// candidates only, read once by the full key (dedupRows).
const dupHash = "if(k != 0, k, cityHash64(nodup))"

// dedupCount is a UNION ALL of two aggregating SELECTs over the
// Distributed table whose rows, added up by the columns of group, count
// each stored row of where once: rows whose dupHash no other row of where
// on their shard shares, counted directly on the shards; and the others,
// one copy of each full key (LIMIT 1 BY), which are few (two Sieve nodes
// that stored one event at once, a property purge between its rewrite and
// its delete). The shared hashes are found on each shard in its local
// table (an IN subquery over events_local runs on the shard that reads
// the rows), so the Distributed query needs no de-duplication of all rows
// on the entry node. with is each branch's WITH clause ("" none), cols
// the SELECT list before count() AS c (with aliases), group the GROUP BY
// list, both over time and event.
//
// Before this, every row went through LIMIT 1 BY the five-column key on
// the entry server, and a trends total took 27x DuckDB's time
// (docs/PERFORMANCE.md).
func (s *Store) dedupCount(d *dedupPlan, with, where, cols, group string) (string, []extTable) {
	if with != "" {
		with += " "
	}
	dups, ext := s.dups(d, where)
	if dups == "" {
		return fmt.Sprintf("%sSELECT %s, count() AS c FROM %s.events WHERE %s GROUP BY %s", with, cols, s.db, where, group), ext
	}
	return fmt.Sprintf("%[8]sSELECT %[1]s, count() AS c FROM %[2]s.events WHERE %[3]s AND %[4]s NOT IN %[5]s GROUP BY %[6]s"+
		" UNION ALL %[8]sSELECT %[1]s, count() AS c FROM (SELECT time, event FROM %[2]s.events WHERE %[3]s AND %[4]s IN %[5]s ORDER BY ver DESC, gen DESC LIMIT 1 BY %[7]s) GROUP BY %[6]s",
		cols, s.db, where, dupHash, dups, group, dedupKey, with), ext
}

// dedupRows is a relation (in parentheses) of cols (a SELECT list over
// the events table) for each stored row of where once, its newest copy
// (the highest ver, then gen: a property purge's rewrite): the rows whose
// dupHash no other row of where on their shard shares pass as they are;
// the others, few, go through ORDER BY ver DESC, gen DESC LIMIT 1 BY the
// full key (see dedupCount). A constant of cols must be written
// materialize(c), and the LIMIT BY branch comes first: 18.16 takes a
// union's column types, constant or not, from its first branch and
// refuses a branch that would turn a column into a constant.
func (s *Store) dedupRows(d *dedupPlan, where, cols string) (string, []extTable) {
	dups, ext := s.dups(d, where)
	if dups == "" {
		return fmt.Sprintf("(SELECT %s FROM %s.events WHERE %s)", cols, s.db, where), ext
	}
	return fmt.Sprintf("(SELECT %[1]s FROM %[2]s.events WHERE %[3]s AND %[4]s IN %[5]s ORDER BY ver DESC, gen DESC LIMIT 1 BY %[6]s"+
		" UNION ALL SELECT %[1]s FROM %[2]s.events WHERE %[3]s AND %[4]s NOT IN %[5]s)",
		cols, s.db, where, dupHash, dups, dedupKey), ext
}

// eventCountSeries is countSeries for a math counting events (total):
// counts per bucket and event name, added up here, the top names chosen
// here.
func (s *Store) eventCountSeries(ctx context.Context, q *query.Query, project, start, end int64, bk *query.Buckets, sr query.Series) ([]query.TrendSeries, error) {
	var ext []extTable
	where := fmt.Sprintf("project_id = %d AND time >= %d AND time < %d", project, start, end)
	if sr.Event != "" {
		var w rbWriter
		w.str(sr.Event)
		ext = append(ext, extTable{name: "q_events", structure: "e String", data: w.b})
		where += " AND event IN (SELECT e FROM q_events)"
	}
	group := "''"
	if len(q.Breakdown) > 0 {
		group = "event"
	}
	bs := makeBucketSQL(bk, start, end)
	ext = append(ext, bs.ext)
	stmt, dext := s.dedupCount(planOf(ctx), bs.with, where, fmt.Sprintf("toInt64(%s) AS b, %s AS g", bs.expr, group), "b, g")
	stmt += " FORMAT RowBinary"
	ext = addExt(ext, dext)
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rc, err := s.q.do(ctx, stmt, readSettings, nil, ext)
	if err != nil {
		return nil, s.readErr(caller, "query", err)
	}
	defer rc.Close()
	nb := len(bk.Starts)
	counts := map[string][]int64{}
	totals := map[string]int64{}
	rd := newRB(rc)
	for rd.more() {
		b, g, n := rd.i64(), rd.str(), int64(rd.u64())
		if rd.err != nil {
			break
		}
		if b < 1 || b > int64(nb) || !utf8.ValidString(g) {
			return nil, s.readErr(caller, "query", errMidStream)
		}
		c := counts[g]
		if c == nil {
			c = make([]int64, nb)
			counts[g] = c
		}
		c[b-1] += n
		totals[g] += n
	}
	if err := s.readErr(caller, "query", rd.err); err != nil {
		return nil, err
	}
	if len(q.Breakdown) == 0 {
		vals := make([]float64, nb)
		for b, n := range counts[""] {
			vals[b] = float64(n)
		}
		return []query.TrendSeries{{Values: vals}}, nil
	}
	// The top BreakdownLimit names by events in the range (ties: the
	// smaller name); the others as Other.
	names := make([]string, 0, len(counts))
	for g := range counts {
		names = append(names, g)
	}
	sort.Slice(names, func(i, j int) bool {
		if totals[names[i]] != totals[names[j]] {
			return totals[names[i]] > totals[names[j]]
		}
		return names[i] < names[j]
	})
	keep := map[string][]int64{}
	for i, g := range names {
		key := g
		if i >= q.BreakdownLimit {
			key = query.Other
		}
		k := keep[key]
		if k == nil {
			k = make([]int64, nb)
			keep[key] = k
		}
		for b, n := range counts[g] {
			k[b] += n
		}
	}
	rows := make([]query.TrendSeries, 0, len(keep))
	for g, c := range keep {
		r := query.TrendSeries{Values: make([]float64, nb)}
		for range q.Breakdown {
			r.Breakdown = append(r.Breakdown, g)
		}
		for b, n := range c {
			r.Values[b] = float64(n)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// addExt adds the external tables more to ext, but one of a name ext
// holds already (q_dups of two parts of one statement).
func addExt(ext, more []extTable) []extTable {
	for _, m := range more {
		if !slices.ContainsFunc(ext, func(e extTable) bool { return e.name == m.name }) {
			ext = append(ext, m)
		}
	}
	return ext
}

// jstr is the SQL of the top-level string property name (a constant of
// this package, never a request's) of the JSON text props, the empty string when absent
// or not a string. ClickHouse 18.16 has visitParamExtractString only: it
// takes the first "name": in the text, at any depth, so a nested object
// holding the same key before the top-level one is read instead (the
// identity keys start with $; SDKs do not nest them).
func jstr(name string) string { return "visitParamExtractString(props, " + quote(name) + ")" }

// usersSQL is the FROM relation (time, event, usr, then the columns of
// extra, e.g. ", props") of the events matching where,
// usr being each event's user (package query): $user_id, else the link of
// its device ($device_id, else distinct_id), else the device. Links come
// from the project's events before readEnd and are computed once on the
// entry node (GLOBAL JOIN): an event and the event that links its device
// may sit on different shards.
func (s *Store) usersSQL(d *dedupPlan, project, readEnd int64, where, extra string) (string, []extTable) {
	return s.usersSQLCols(d, project, readEnd, where, extra, extra)
}

// usersSQLCols is usersSQL with inner, the extra columns of the select of
// the events (expressions with their aliases, e.g. ", props" or ", f(props)
// AS x"), and outer, the same columns as the relation shows them (", x").
func (s *Store) usersSQLCols(d *dedupPlan, project, readEnd int64, where, inner, outer string) (string, []extTable) {
	scope := fmt.Sprintf("%s.events WHERE project_id = %d AND time < %d", s.db, project, readEnd)
	links := fmt.Sprintf(`SELECT dev, argMin(u, (time, u)) AS lusr FROM (
  SELECT %[2]s AS dev, if(%[3]s != '', %[3]s, distinct_id) AS u, time FROM %[1]s AND event = '$identify'
  UNION ALL SELECT %[4]s AS dev, distinct_id AS u, time FROM %[1]s AND event IN ('$create_alias', '$merge_dangerously')
  UNION ALL SELECT %[5]s AS dev, %[6]s AS u, time FROM %[1]s
) WHERE dev != '' AND u != '' GROUP BY dev`, scope, jstr("$anon_distinct_id"), jstr("$identified_id"), jstr("alias"), jstr("$device_id"), jstr("$user_id"))
	rows, ext := s.dedupRows(d, where, fmt.Sprintf("time, event, %[1]s AS uid, if(%[2]s != '', %[2]s, distinct_id) AS dev%[3]s", jstr("$user_id"), jstr("$device_id"), inner))
	return fmt.Sprintf(`(SELECT time, event, if(uid != '', uid, if(lusr != '', lusr, dev)) AS usr%[3]s FROM (
  SELECT time, event, uid, dev%[3]s FROM %[1]s
) AS e GLOBAL ANY LEFT JOIN (%[2]s) AS l USING dev)`, rows, links, outer), ext
}

// rollingWindows are, per bucket of bk, the bounds [lo, hi) in Unix ms of
// the 7 (wau) or 30 (mau) local days ending with the bucket's last day,
// at most To, and the earliest lo.
func rollingWindows(q *query.Query, loc *time.Location, bk *query.Buckets, m query.Math) (los, his []int64, first int64) {
	days := 7
	if m == query.MAU {
		days = 30
	}
	to, _ := time.Parse(time.DateOnly, q.To)
	first = 1<<63 - 1
	for _, k := range bk.Keys {
		d, _ := time.Parse(time.DateOnly, k)
		last := d.AddDate(0, 0, 1)
		switch q.Interval {
		case query.Week:
			last = d.AddDate(0, 0, 7)
		case query.Month:
			last = d.AddDate(0, 1, 0)
		}
		last = last.AddDate(0, 0, -1)
		if last.After(to) {
			last = to
		}
		lo := query.LocalMidnight(last.AddDate(0, 0, 1-days), loc).UnixMilli()
		los = append(los, lo)
		his = append(his, query.LocalMidnight(last.AddDate(0, 0, 1), loc).UnixMilli())
		first = min(first, lo)
	}
	return los, his, first
}
