package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

func (b *qb) trends(ctx context.Context, conn *sql.Conn) (*query.TrendsResult, error) {
	bk := query.MakeBuckets(b.q.Interval, b.loc, b.q.From, b.q.To)
	res := &query.TrendsResult{Buckets: bk.Labels}
	for i, s := range b.q.Series {
		rows, err := b.series(ctx, conn, bk, s)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			r.Series, r.Name = i, query.SeriesName(i)
			res.Series = append(res.Series, r)
		}
	}
	res.SortSeries()
	return res, nil
}

func (b *qb) series(ctx context.Context, conn *sql.Conn, bk *query.Buckets, s query.Series) ([]query.TrendSeries, error) {
	bins, err := b.binRanges(ctx, conn, s)
	if err != nil {
		return nil, err
	}
	b.reset()
	n := len(b.q.Breakdown)
	cols, err := b.tupleCols(bins...)
	if err != nil {
		return nil, err
	}
	x := "NULL::DOUBLE"
	if s.Property != "" {
		x = b.number(s.Property)
	}
	cols = append(cols, x+" AS x")
	var sb strings.Builder
	cond, err := b.seriesCond(s)
	if err != nil {
		return nil, err
	}
	sb.WriteString(b.base(cond, s.Math.NeedsUsers(), cols...))
	// g: the series' events with their group (top N tuples, else other).
	if n == 0 {
		sb.WriteString(", g AS (SELECT * FROM u)")
	} else {
		other := b.arg(query.Other)
		var gcols []string
		for i := 1; i <= n; i++ {
			gcols = append(gcols, fmt.Sprintf("CASE WHEN top.keep THEN u.v%d ELSE %s END AS g%d", i, other, i))
		}
		fmt.Fprintf(&sb, `, top AS (
  SELECT %[1]s, true AS keep FROM u WHERE time >= %[2]d GROUP BY ALL ORDER BY count(*) DESC, %[1]s LIMIT %[3]d
), g AS (
  SELECT u.*, %[4]s FROM u LEFT JOIN top USING (%[1]s)
)`, vlist(n, ""), b.start, b.q.BreakdownLimit, strings.Join(gcols, ", "))
	}
	groups := strings.ReplaceAll(vlist(n, "g"), "gv", "g")
	sel := "bucket"
	if n > 0 {
		sel += ", " + groups
	}
	switch s.Math {
	case query.WAU, query.MAU:
		days := 7
		if s.Math == query.MAU {
			days = 30
		}
		var win []string
		to, _ := time.Parse(time.DateOnly, b.q.To)
		for i, k := range bk.Keys {
			first, _ := time.Parse(time.DateOnly, k)
			last := nextBucket(first, b.q.Interval).AddDate(0, 0, -1)
			if last.After(to) {
				last = to
			}
			win = append(win, fmt.Sprintf("(%d, %d, %d)", i, dayNumber(last.AddDate(0, 0, 1-days)), dayNumber(last)))
		}
		join := ""
		if n > 0 {
			join = fmt.Sprintf(" JOIN (SELECT DISTINCT %[1]s FROM g WHERE time >= %[2]d) USING (%[1]s)", groups, b.start)
		}
		fmt.Fprintf(&sb, ` SELECT w.k AS bucket%[1]s, count(DISTINCT usr)::DOUBLE FROM g%[2]s JOIN (VALUES %[3]s) w(k, lo, hi) ON g.d BETWEEN w.lo AND w.hi GROUP BY ALL`,
			strings.TrimPrefix(sel, "bucket"), join, strings.Join(win, ", "))
	case query.Unique, query.DAU:
		// Distinct (bucket, group, user) rows first, then counted: a
		// plain aggregate over integer keys, faster in DuckDB than
		// count(DISTINCT) per group.
		fmt.Fprintf(&sb, " SELECT %[1]s, count(*)::DOUBLE FROM (SELECT DISTINCT %[1]s, usr FROM g WHERE time >= %[2]d) GROUP BY ALL", sel, b.start)
	default:
		fmt.Fprintf(&sb, " SELECT %s, %s FROM g WHERE time >= %d GROUP BY ALL", sel, aggregate(s.Math), b.start)
	}
	rows, err := b.query(ctx, conn, sb.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*query.TrendSeries{}
	var order []string
	if n == 0 {
		out[""] = &query.TrendSeries{Values: make([]float64, len(bk.Keys))}
		order = append(order, "")
	}
	dest := make([]any, n+2)
	var bucket int64
	var v float64
	tup := make([]string, n)
	dest[0] = &bucket
	for i := range tup {
		dest[i+1] = &tup[i]
	}
	dest[n+1] = &v
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, queryErr("query: read row", err)
		}
		k := strings.Join(tup, "\x00")
		r := out[k]
		if r == nil {
			r = &query.TrendSeries{Values: make([]float64, len(bk.Keys))}
			if n > 0 {
				r.Breakdown = append([]string(nil), tup...)
			}
			out[k] = r
			order = append(order, k)
		}
		idx := int(bucket) // the window's index
		if s.Math != query.WAU && s.Math != query.MAU {
			idx = bk.Index(b.bucketKey(b.q.Interval, bucket))
		}
		if idx >= 0 {
			r.Values[idx] = v
		}
	}
	if err := rows.Err(); err != nil {
		return nil, queryErr("query", err)
	}
	res := make([]query.TrendSeries, 0, len(order))
	for _, k := range order {
		res = append(res, *out[k])
	}
	return res, nil
}

func nextBucket(d time.Time, iv query.Interval) time.Time {
	switch iv {
	case query.Week:
		return d.AddDate(0, 0, 7)
	case query.Month:
		return d.AddDate(0, 1, 0)
	}
	return d.AddDate(0, 0, 1)
}

// aggregate is the SQL aggregate of a math, a DOUBLE (0 for no values).
func aggregate(m query.Math) string {
	switch m {
	case query.Total:
		return "count(*)::DOUBLE"
	case query.Unique, query.DAU:
		return "count(DISTINCT usr)::DOUBLE"
	case query.AvgPerUser:
		return "(count(*) / count(DISTINCT usr))::DOUBLE"
	case query.Sum, query.Avg, query.Min, query.Max:
		return fmt.Sprintf("coalesce(%s(x), 0)::DOUBLE", m)
	}
	return fmt.Sprintf("coalesce(quantile_cont(x, %g), 0)::DOUBLE", m.Quantile())
}

// binRanges finds the range of each binned breakdown property over the
// series' events in the range (nil where a property is not binned or has
// no numeric value).
func (b *qb) binRanges(ctx context.Context, conn *sql.Conn, s query.Series) ([]*query.Bins, error) {
	b.reset() // a statement of its own
	var cols, aggs []string
	for i, p := range b.q.Breakdown {
		if p.Bins > 0 {
			cols = append(cols, fmt.Sprintf("%s AS x%d", b.number(p.Name), i))
			aggs = append(aggs, fmt.Sprintf("min(x%[1]d), max(x%[1]d)", i))
		}
	}
	if len(cols) == 0 {
		return nil, nil
	}
	cond, err := b.seriesCond(s)
	if err != nil {
		return nil, err
	}
	text := b.base(cond, false, cols...) + fmt.Sprintf(" SELECT %s FROM u WHERE time >= %d AND time < %d", strings.Join(aggs, ", "), b.start, b.end)
	rows, err := b.query(ctx, conn, text)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals := make([]sql.NullFloat64, 2*len(aggs))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if !rows.Next() {
		return nil, queryErr("query: bins", rows.Err())
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, queryErr("query: bins", err)
	}
	out := make([]*query.Bins, len(b.q.Breakdown))
	k := 0
	for i, p := range b.q.Breakdown {
		if p.Bins > 0 {
			if vals[k].Valid {
				out[i] = &query.Bins{Lo: vals[k].Float64, Hi: vals[k+1].Float64, N: p.Bins}
			}
			k += 2
		}
	}
	return out, nil
}

// seriesCond is the condition on a series' events: its name, the query's
// filter and its own.
func (b *qb) seriesCond(s query.Series) (string, error) {
	c, err := b.cond(b.q.GlobalNode(), query.Node(s.Filter))
	if err != nil {
		return "", err
	}
	return b.names(s.Event) + " AND " + c, nil
}
