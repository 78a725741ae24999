package reference

import (
	"sort"
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

// addiction counts, per period, each user's distinct local hours or days
// with a matching event in the range.
func addiction(all []ev, loc *time.Location, q *query.Query) *query.AddictionResult {
	start, end := q.Range(loc)
	bk := query.MakeBuckets(q.Interval, loc, q.From, q.To)
	type key2 struct{ tuple, user string }
	units := make([]map[key2]map[string]bool, len(bk.Keys)) // period -> (tuple, user) -> unit
	tuples := map[string][]string{}
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
			units[b] = map[key2]map[string]bool{}
		}
		t := tuple(e, q)
		k := key2{key(t), e.user}
		tuples[k.tuple] = t
		if units[b][k] == nil {
			units[b][k] = map[string]bool{}
		}
		units[b][k][time.UnixMilli(e.time).In(loc).Format(layout)] = true
	}
	res := &query.AddictionResult{Periods: []query.AddictionPeriod{}}
	for b, k := range bk.Keys {
		hists := map[string]map[int]int{}
		for uk, us := range units[b] {
			if hists[uk.tuple] == nil {
				hists[uk.tuple] = map[int]int{}
			}
			hists[uk.tuple][len(us)]++
		}
		n := query.AddictionUnits(q.Interval, q.Addiction.Unit, k)
		if len(q.Breakdown) == 0 {
			res.Periods = append(res.Periods, query.AddictionPeriod{Date: bk.Labels[b], Counts: query.AddictionCounts(hists[key(nil)], n)})
			continue
		}
		var ps []query.AddictionPeriod
		for tk, h := range hists {
			ps = append(ps, query.AddictionPeriod{Date: bk.Labels[b], Breakdown: tuples[tk], Counts: query.AddictionCounts(h, n)})
		}
		sort.Slice(ps, func(i, j int) bool { return query.CompareTuples(ps[i].Breakdown, ps[j].Breakdown) < 0 })
		res.Periods = append(res.Periods, ps...)
	}
	return res
}
