package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sieve-analytics/sieve/internal/query"
)

// addiction counts, per period and user, the distinct local hours or days
// with a matching event in the range; the histogram of those counts per
// period becomes query.AddictionCounts.
func (b *qb) addiction(ctx context.Context, conn *sql.Conn) (*query.AddictionResult, error) {
	b.reset()
	nv := len(b.q.Breakdown)
	cols, err := b.tupleCols()
	if err != nil {
		return nil, err
	}
	cond, err := b.seriesCond(b.q.Series[0])
	if err != nil {
		return nil, err
	}
	unit := "d"
	if b.q.Addiction.Unit == query.Hour {
		// The local clock hour, as localDay counts local days.
		unit = strings.Replace(b.localDay(), "// 86400000", "// 3600000", 1)
	}
	var sb strings.Builder
	sb.WriteString(b.base(cond, true, append(cols, unit+" AS unit")...))
	vs := prefixed(vlist(nv, ""))
	fmt.Fprintf(&sb, ` SELECT bucket, n, count(*)%[3]s FROM (
  SELECT bucket, usr%[3]s, count(DISTINCT unit) AS n FROM u WHERE time >= %[1]d AND time < %[2]d GROUP BY ALL
) GROUP BY ALL`, b.start, b.end, vs)
	rows, err := b.query(ctx, conn, sb.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bk := query.MakeBuckets(b.q.Interval, b.loc, b.q.From, b.q.To)
	hists := make([]map[string]map[int]int, len(bk.Keys)) // period -> tuple key -> units -> users
	tuples := map[string][]string{}
	tup := make([]string, nv)
	var bucket int64
	var n, users int
	dest := []any{&bucket, &n, &users}
	for i := range tup {
		dest = append(dest, &tup[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, queryErr("query: read row", err)
		}
		bi := bk.Index(b.bucketKey(b.q.Interval, bucket))
		if bi < 0 {
			continue
		}
		var t []string
		if nv > 0 {
			t = slices.Clone(tup)
		}
		k := tupleKey(t)
		tuples[k] = t
		if hists[bi] == nil {
			hists[bi] = map[string]map[int]int{}
		}
		if hists[bi][k] == nil {
			hists[bi][k] = map[int]int{}
		}
		hists[bi][k][n] += users
	}
	if err := rows.Err(); err != nil {
		return nil, queryErr("query", err)
	}
	res := &query.AddictionResult{Periods: []query.AddictionPeriod{}}
	for bi, k := range bk.Keys {
		units := query.AddictionUnits(b.q.Interval, b.q.Addiction.Unit, k)
		if nv == 0 {
			res.Periods = append(res.Periods, query.AddictionPeriod{Date: bk.Labels[bi], Counts: query.AddictionCounts(hists[bi][tupleKey(nil)], units)})
			continue
		}
		var ps []query.AddictionPeriod
		for tk, h := range hists[bi] {
			ps = append(ps, query.AddictionPeriod{Date: bk.Labels[bi], Breakdown: tuples[tk], Counts: query.AddictionCounts(h, units)})
		}
		slices.SortFunc(ps, func(x, y query.AddictionPeriod) int { return query.CompareTuples(x.Breakdown, y.Breakdown) })
		res.Periods = append(res.Periods, ps...)
	}
	return res, nil
}

// tupleKey is a breakdown tuple as a map key.
func tupleKey(t []string) string {
	b, _ := json.Marshal(t)
	return string(b)
}
