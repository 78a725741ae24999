package reference

import (
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

// addiction counts, per period, each user's distinct local hours or days
// with a matching event in the range.
func addiction(all []ev, loc *time.Location, q *query.Query) *query.AddictionResult {
	start, end := q.Range(loc)
	bk := query.MakeBuckets(q.Interval, loc, q.From, q.To)
	units := make([]map[string]map[string]bool, len(bk.Keys)) // period -> user -> unit
	layout := time.DateOnly
	if q.Addiction.Unit == query.Hour {
		layout = "2006-01-02T15"
	}
	for _, e := range all {
		if e.time < start || e.time >= end || !matches(e, q.Series[0]) {
			continue
		}
		b := bk.Index(bucketKey(e.time, q.Interval, loc, start))
		if units[b] == nil {
			units[b] = map[string]map[string]bool{}
		}
		if units[b][e.user] == nil {
			units[b][e.user] = map[string]bool{}
		}
		units[b][e.user][time.UnixMilli(e.time).In(loc).Format(layout)] = true
	}
	res := &query.AddictionResult{Periods: []query.AddictionPeriod{}}
	for b, k := range bk.Keys {
		hist := map[int]int{}
		for _, us := range units[b] {
			hist[len(us)]++
		}
		res.Periods = append(res.Periods, query.AddictionPeriod{Date: bk.Labels[b],
			Counts: query.AddictionCounts(hist, query.AddictionUnits(q.Interval, q.Addiction.Unit, k))})
	}
	return res
}
