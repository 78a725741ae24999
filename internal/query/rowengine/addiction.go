package rowengine

import (
	"slices"
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

// addictionState counts, per period, users by their number of distinct
// local units (hours or days) with the event.
type addictionState struct {
	hist   []map[string]map[int]int // period -> tuple key -> units -> users
	tuples map[string][]string
}

func newAddiction(e *Engine) *addictionState {
	return &addictionState{hist: make([]map[string]map[int]int, len(e.bk.Keys)), tuples: map[string][]string{}}
}

type periodTuple struct {
	b     int
	tuple string
}

func (a *addictionState) user(e *Engine) {
	layout := time.DateOnly
	if e.q.Addiction.Unit == query.Hour {
		layout = "2006-01-02T15"
	}
	units := map[periodTuple]map[string]struct{}{}
	for i := range e.buf {
		x := &e.buf[i]
		if x.time < e.start || x.time >= e.end || !e.matches(x, e.q.Series[0]) {
			continue
		}
		k := periodTuple{e.bucket(x.time), tupleKey(x.tuple)}
		if _, ok := a.tuples[k.tuple]; !ok {
			a.tuples[k.tuple] = x.tuple
			e.hold(64 + 2*len(k.tuple))
		}
		if units[k] == nil {
			units[k] = map[string]struct{}{}
		}
		units[k][time.UnixMilli(x.time).In(e.loc).Format(layout)] = struct{}{}
	}
	for k, us := range units {
		if a.hist[k.b] == nil {
			a.hist[k.b] = map[string]map[int]int{}
		}
		h := a.hist[k.b][k.tuple]
		if h == nil {
			h = map[int]int{}
			a.hist[k.b][k.tuple] = h
			e.hold(128)
		}
		h[len(us)]++
	}
}

func (a *addictionState) result(e *Engine) *query.AddictionResult {
	res := &query.AddictionResult{Periods: []query.AddictionPeriod{}}
	for b, k := range e.bk.Keys {
		n := query.AddictionUnits(e.q.Interval, e.q.Addiction.Unit, k)
		if !e.tuples {
			res.Periods = append(res.Periods, query.AddictionPeriod{Date: e.bk.Labels[b], Counts: query.AddictionCounts(a.hist[b][tupleKey(nil)], n)})
			continue
		}
		var ps []query.AddictionPeriod
		for tk, h := range a.hist[b] {
			ps = append(ps, query.AddictionPeriod{Date: e.bk.Labels[b], Breakdown: a.tuples[tk], Counts: query.AddictionCounts(h, n)})
		}
		slices.SortFunc(ps, func(x, y query.AddictionPeriod) int { return query.CompareTuples(x.Breakdown, y.Breakdown) })
		res.Periods = append(res.Periods, ps...)
	}
	return res
}
