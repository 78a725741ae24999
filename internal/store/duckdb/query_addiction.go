package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sieve-analytics/sieve/internal/query"
)

// addiction counts, per period and user, the distinct local hours or days
// with a matching event in the range; the histogram of those counts per
// period becomes query.AddictionCounts.
func (b *qb) addiction(ctx context.Context, conn *sql.Conn) (*query.AddictionResult, error) {
	b.reset()
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
	sb.WriteString(b.base(cond, true, unit+" AS unit"))
	fmt.Fprintf(&sb, ` SELECT bucket, n, count(*) FROM (
  SELECT bucket, usr, count(DISTINCT unit) AS n FROM u WHERE time >= %d AND time < %d GROUP BY bucket, usr
) GROUP BY bucket, n`, b.start, b.end)
	rows, err := b.query(ctx, conn, sb.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bk := query.MakeBuckets(b.q.Interval, b.loc, b.q.From, b.q.To)
	hists := make([]map[int]int, len(bk.Keys))
	for rows.Next() {
		var bucket int64
		var n, users int
		if err := rows.Scan(&bucket, &n, &users); err != nil {
			return nil, queryErr("query: read row", err)
		}
		bi := bk.Index(b.bucketKey(b.q.Interval, bucket))
		if bi < 0 {
			continue
		}
		if hists[bi] == nil {
			hists[bi] = map[int]int{}
		}
		hists[bi][n] += users
	}
	if err := rows.Err(); err != nil {
		return nil, queryErr("query", err)
	}
	res := &query.AddictionResult{Periods: []query.AddictionPeriod{}}
	for bi, k := range bk.Keys {
		res.Periods = append(res.Periods, query.AddictionPeriod{Date: bk.Labels[bi],
			Counts: query.AddictionCounts(hists[bi], query.AddictionUnits(b.q.Interval, b.q.Addiction.Unit, k))})
	}
	return res, nil
}
