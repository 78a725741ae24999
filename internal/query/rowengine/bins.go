package rowengine

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/sieve-analytics/sieve/internal/query"
)

// binState tracks, for a funnel or retention query with binned breakdown
// properties, the range of each one's numeric values over the binning
// series' events in the range (the first step, or the start event).
type binState struct {
	s      query.Series
	lo, hi []float64
	seen   []bool
}

func newBinState(q *query.Query) *binState {
	var s query.Series
	switch {
	case q.Kind == query.Funnels:
		s = q.Series[0]
	case q.Kind == query.Retention:
		s = q.Retention.Start
	default:
		return nil
	}
	if !slices.ContainsFunc(q.Breakdown, func(p query.Property) bool { return p.Bins > 0 }) {
		return nil
	}
	n := len(q.Breakdown)
	return &binState{s: s, lo: make([]float64, n), hi: make([]float64, n), seen: make([]bool, n)}
}

// observe widens the ranges by x when x is an event of the binning series
// in the range.
func (b *binState) observe(e *Engine, x *ev) {
	if x.time < e.start || x.time >= e.end || !e.matches(x, b.s) {
		return
	}
	for j, p := range e.q.Breakdown {
		if p.Bins == 0 {
			continue
		}
		if v, ok := number(x.props, p.Name); ok {
			if !b.seen[j] {
				b.lo[j], b.hi[j], b.seen[j] = v, v, true
			}
			b.lo[j], b.hi[j] = min(b.lo[j], v), max(b.hi[j], v)
		}
	}
}

// bins are the final ranges (nil where a property is not binned or had no
// numeric value).
func (b *binState) bins(q *query.Query) []*query.Bins {
	out := make([]*query.Bins, len(q.Breakdown))
	for j, p := range q.Breakdown {
		if p.Bins > 0 && b.seen[j] {
			out[j] = &query.Bins{Lo: b.lo[j], Hi: b.hi[j], N: p.Bins}
		}
	}
	return out
}

// preTuple is x's tuple with each binned slot marked: binNum and the
// number's text, or binOther and the value's breakdown text.
func preTuple(q *query.Query, x *ev) []string {
	pre, cloned := x.tuple, false
	for j, p := range q.Breakdown {
		if p.Bins == 0 {
			continue
		}
		if !cloned {
			pre, cloned = slices.Clone(x.tuple), true
		}
		if _, ok := number(x.props, p.Name); ok {
			pre[j] = binNum + x.props[p.Name].(json.Number).String()
		} else {
			pre[j] = binOther + pre[j]
		}
	}
	return pre
}

// binTuple turns a pre-tuple (preTuple) into the reported tuple.
func binTuple(q *query.Query, pre []string, bins []*query.Bins) []string {
	tu := slices.Clone(pre)
	for j, p := range q.Breakdown {
		if p.Bins == 0 {
			continue
		}
		num, rest := tu[j][:1], tu[j][1:]
		switch {
		case bins[j] == nil:
			tu[j] = rest
		case num == binNum:
			v, _ := strconv.ParseFloat(rest, 64)
			tu[j] = bins[j].Labels()[bins[j].Index(v)]
		default:
			tu[j] = query.None
		}
	}
	return tu
}
