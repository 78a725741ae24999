package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sieve-analytics/sieve/internal/query"
)

var _ query.Backend = (*Store)(nil)

// Query implements query.Backend, first part: trends whose series count
// events (math total) of one event name or of all events, without
// filters or breakdowns, in any interval and time zone. Every other query
// fails with an error wrapping query.ErrUnsupported that says what is
// missing (the API answers 400 with it).
//
// Buckets are computed here (query.MakeBuckets, which knows the project's
// time zone and DST) and go into the statement as numbers: the cluster
// places each event with arrayCount over the bucket starts, so no time
// zone function of the server is relied on. The event name, a value of
// the request, travels in an external table, never in the statement text.
func (s *Store) Query(ctx context.Context, p query.Project, q *query.Query) (*query.Result, query.Stats, error) {
	var st query.Stats
	if err := supported(q); err != nil {
		return nil, st, err
	}
	done, err := s.begin()
	if err != nil {
		return nil, st, err
	}
	defer done()
	if err := ctx.Err(); err != nil {
		return nil, st, err
	}
	loc := p.Loc()
	start, end := q.Range(loc)
	bk := query.MakeBuckets(q.Interval, loc, q.From, q.To)
	res := &query.TrendsResult{Buckets: bk.Labels}
	for i, sr := range q.Series {
		vals, n, err := s.countSeries(ctx, p.ID, start, end, bk, sr)
		if err != nil {
			return nil, st, err
		}
		st.RowsScanned += n
		res.Series = append(res.Series, query.TrendSeries{Series: i, Name: query.SeriesName(i), Values: vals})
	}
	res.SortSeries()
	return &query.Result{Trends: res}, st, nil
}

// supported says why q is beyond this first part, wrapping
// query.ErrUnsupported; nil when it can answer q.
func supported(q *query.Query) error {
	unsup := func(what string) error {
		return fmt.Errorf("%w: the ClickHouse store does not answer %s yet (docs/CLICKHOUSE.md)", query.ErrUnsupported, what)
	}
	if q.Kind != query.Trends {
		return unsup(string(q.Kind) + " queries")
	}
	if q.Filter != nil || q.Where != nil {
		return unsup("trends with a global filter or where expression")
	}
	if len(q.Breakdown) > 0 {
		return unsup("trends with a breakdown")
	}
	for _, sr := range q.Series {
		if sr.Math != query.Total && sr.Math != "" {
			return unsup("trends with math " + strconv.Quote(string(sr.Math)))
		}
		if sr.Filter != nil {
			return unsup("trends with a series filter")
		}
	}
	return nil
}

// countSeries counts sr's events per bucket of bk in [start, end), one
// copy of each stored row (LIMIT 1 BY the de-duplication key, which holds
// distinct_id: all copies sit on one shard).
func (s *Store) countSeries(ctx context.Context, project, start, end int64, bk *query.Buckets, sr query.Series) ([]float64, int64, error) {
	starts := make([]string, len(bk.Starts))
	for i, v := range bk.Starts {
		starts[i] = strconv.FormatInt(v, 10)
	}
	where := fmt.Sprintf("project_id = %d AND time >= %d AND time < %d", project, start, end)
	var ext []extTable
	if sr.Event != "" {
		var w rbWriter
		w.str(sr.Event)
		ext = append(ext, extTable{name: "q_events", structure: "e String", data: w.b})
		where += " AND event IN (SELECT e FROM q_events)"
	}
	stmt := fmt.Sprintf("SELECT toInt64(arrayCount(x -> x <= time, [%s])) AS b, count() FROM (SELECT time FROM %s.events WHERE %s LIMIT 1 BY "+
		dedupKey+") GROUP BY b ORDER BY b FORMAT RowBinary", strings.Join(starts, ", "), s.db, where)
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rc, err := s.q.do(ctx, stmt, readSettings, nil, ext)
	if err != nil {
		return nil, 0, s.readErr(caller, "query", err)
	}
	defer rc.Close()
	vals := make([]float64, len(bk.Starts))
	var total int64
	rd := newRB(rc)
	for rd.more() {
		b, n := rd.i64(), int64(rd.u64())
		if rd.err != nil {
			break
		}
		if b < 1 || b > int64(len(vals)) {
			return nil, 0, s.readErr(caller, "query", errMidStream)
		}
		vals[b-1] += float64(n)
		total += n
	}
	if err := s.readErr(caller, "query", rd.err); err != nil {
		return nil, 0, err
	}
	return vals, total, nil
}
