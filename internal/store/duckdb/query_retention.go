package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sieve-analytics/sieve/internal/query"
)

// retention computes cohorts in SQL: each cohort member's start (time and
// local date), then, per member, the periods of their return events. The
// return events are first reduced to one row per member and bucket (its
// last return's time: in the start's own bucket a return counts when it is
// not before the start), so the join with the cohorts is over users'
// active buckets, not their events.
func (b *qb) retention(ctx context.Context, conn *sql.Conn) (*query.RetentionResult, error) {
	o := b.q.Retention
	n := len(b.q.Breakdown)
	// Bins: over the start events in the range.
	bins, err := b.binRanges(ctx, conn, o.Start)
	if err != nil {
		return nil, err
	}
	b.reset()
	cols, err := b.tupleCols(bins...)
	if err != nil {
		return nil, err
	}
	order := "name"
	if ties := b.tieCols(&cols, bins); len(ties) > 0 {
		order = strings.Join(ties, ", ")
	}
	fs, err := b.flag(query.Node(o.Start.Filter))
	if err != nil {
		return nil, err
	}
	fr, err := b.flag(query.Node(o.Return.Filter))
	if err != nil {
		return nil, err
	}
	global, err := b.cond(b.q.GlobalNode())
	if err != nil {
		return nil, err
	}
	startName, retName := b.arg(o.Start.Event)+" AND "+fs, fr
	nameCond := global
	if o.Return.Event != "" {
		retName = "name = " + b.arg(o.Return.Event) + " AND " + fr
		nameCond = b.names(o.Start.Event, o.Return.Event) + " AND " + global
	}
	vs := vlist(n, "")
	firsts := []string{"first(time ORDER BY time, " + order + ") AS t0", "first(d ORDER BY time, " + order + ") AS d0"}
	for i := 1; i <= n; i++ {
		firsts = append(firsts, fmt.Sprintf("first(v%d ORDER BY time, %s) AS v%d", i, order, i))
	}
	var cohorts string
	if o.Type == query.FirstTime {
		cohorts = fmt.Sprintf(`SELECT * FROM (SELECT usr, %s FROM u WHERE name = %s GROUP BY usr) WHERE t0 >= %d AND t0 < %d`,
			strings.Join(firsts, ", "), startName, b.start, b.end)
	} else {
		cohorts = fmt.Sprintf(`SELECT usr, %s FROM u WHERE name = %s AND time >= %d AND time < %d GROUP BY usr, bucket`,
			strings.Join(firsts, ", "), startName, b.start, b.end)
	}
	diff := "(r.rb - c.cb)"
	periodSQL := diff // in buckets; below in intervals of Width buckets
	if w := max(o.Width, 1); w > 1 {
		periodSQL = fmt.Sprintf("(CASE WHEN %[1]s < 0 THEN -1 ELSE %[1]s // %[2]d END)", diff, w)
	}
	withV := ""
	if n > 0 {
		withV = ", " + vlist(n, "c.")
	}
	var sb strings.Builder
	sb.WriteString(b.base(nameCond, true, cols...))
	fmt.Fprintf(&sb, `, c AS (
  SELECT *, %[1]s AS cb FROM (%[2]s)
), r AS (
  SELECT usr, bucket AS rb, max(time) AS tmax FROM u WHERE %[3]s AND usr IN (SELECT usr FROM c) GROUP BY usr, bucket
), p AS (
  SELECT c.usr, c.cb%[4]s, %[5]s AS period FROM c JOIN r ON r.usr = c.usr WHERE r.tmax >= c.t0 OR %[5]s > 0
)
SELECT cb%[6]s, -1 AS period, count(*) FROM c GROUP BY ALL
UNION ALL `, b.bucket(b.q.Interval, "d0"), cohorts, retName, withV, periodSQL, prefixed(vs))
	if o.Mode == query.On {
		fmt.Fprintf(&sb, `SELECT cb%[1]s, period, count(DISTINCT usr) FROM p WHERE period BETWEEN 0 AND %[2]d GROUP BY ALL`, prefixed(vs), o.Intervals)
	} else {
		fmt.Fprintf(&sb, `SELECT cb%[1]s, least(maxp, %[2]d), count(*) FROM (SELECT usr, cb%[1]s, max(period) AS maxp FROM p GROUP BY ALL) WHERE maxp >= 0 GROUP BY ALL`, prefixed(vs), o.Intervals)
	}
	rows, err := b.query(ctx, conn, sb.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bk := query.MakeBuckets(b.q.Interval, b.loc, b.q.From, b.q.To)
	type ck struct {
		b int
		t string
	}
	cs := map[ck]*query.Cohort{}
	get := func(bi int, tup []string) *query.Cohort {
		k := ck{bi, strings.Join(tup, "\x00")}
		if cs[k] == nil {
			c := &query.Cohort{Date: bk.Labels[bi], Counts: make([]int, o.Intervals+1)}
			if n > 0 {
				c.Breakdown = append([]string(nil), tup...)
			}
			cs[k] = c
		}
		return cs[k]
	}
	if n == 0 {
		for i := range bk.Keys {
			get(i, nil)
		}
	}
	var bucket int64
	var period, count int
	tup := make([]string, n)
	dest := []any{&bucket}
	for i := range tup {
		dest = append(dest, &tup[i])
	}
	dest = append(dest, &period, &count)
	var mode []struct {
		c      *query.Cohort
		period int
		count  int
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, queryErr("query: read row", err)
		}
		bi := bk.Index(b.bucketKey(b.q.Interval, bucket))
		if bi < 0 {
			continue
		}
		c := get(bi, tup)
		switch {
		case period < 0:
			c.Size = count
		case o.Mode == query.On:
			c.Counts[period] = count
		default:
			mode = append(mode, struct {
				c      *query.Cohort
				period int
				count  int
			}{c, period, count})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, queryErr("query", err)
	}
	// on_or_after: a member whose last return is in period p counts in 0..p.
	for _, m := range mode {
		for i := 0; i <= m.period; i++ {
			m.c.Counts[i] += m.count
		}
	}
	res := &query.RetentionResult{}
	for bi := range bk.Keys {
		var here []query.Cohort
		for k, c := range cs {
			if k.b == bi {
				here = append(here, *c)
			}
		}
		sortCohorts(here)
		res.Cohorts = append(res.Cohorts, here...)
	}
	return res, nil
}

func sortCohorts(cs []query.Cohort) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && query.CompareTuples(cs[j].Breakdown, cs[j-1].Breakdown) < 0; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func prefixed(vs string) string {
	if vs == "" {
		return ""
	}
	return ", " + vs
}
