package rowengine

import (
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

// addictionState counts, per period, users by their number of distinct
// local units (hours or days) with the event.
type addictionState struct {
	hist []map[int]int // period -> units -> users
}

func newAddiction(e *Engine) *addictionState {
	return &addictionState{hist: make([]map[int]int, len(e.bk.Keys))}
}

func (a *addictionState) user(e *Engine) {
	layout := time.DateOnly
	if e.q.Addiction.Unit == query.Hour {
		layout = "2006-01-02T15"
	}
	units := map[int]map[string]struct{}{}
	for i := range e.buf {
		x := &e.buf[i]
		if x.time < e.start || x.time >= e.end || !e.matches(x, e.q.Series[0]) {
			continue
		}
		b := e.bucket(x.time)
		if units[b] == nil {
			units[b] = map[string]struct{}{}
		}
		units[b][time.UnixMilli(x.time).In(e.loc).Format(layout)] = struct{}{}
	}
	for b, us := range units {
		if a.hist[b] == nil {
			a.hist[b] = map[int]int{}
		}
		a.hist[b][len(us)]++
	}
}

func (a *addictionState) result(e *Engine) *query.AddictionResult {
	res := &query.AddictionResult{Periods: []query.AddictionPeriod{}}
	for b, k := range e.bk.Keys {
		res.Periods = append(res.Periods, query.AddictionPeriod{Date: e.bk.Labels[b],
			Counts: query.AddictionCounts(a.hist[b], query.AddictionUnits(e.q.Interval, e.q.Addiction.Unit, k))})
	}
	return res
}
