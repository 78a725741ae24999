package rowengine

import (
	"math/bits"
	"slices"

	"github.com/sieve-analytics/sieve/internal/query"
)

// funnelState counts, per breakdown tuple, the users reaching each step.
type funnelState struct {
	n       int
	win     int64
	byTuple map[string]*funnelAgg
	total   *funnelAgg
	over    []query.FunnelBucket
}

type funnelAgg struct {
	tuple     []string
	counts    []int
	times     [][]int64 // ms from the previous step, per converting user
	fromStart [][]int64
}

func newFunnelAgg(n int, t []string) *funnelAgg {
	return &funnelAgg{tuple: t, counts: make([]int, n), times: make([][]int64, n), fromStart: make([][]int64, n)}
}

func newFunnel(e *Engine) *funnelState {
	n := len(e.q.Series)
	return &funnelState{n: n, win: e.q.Funnel.WindowMillis(), byTuple: map[string]*funnelAgg{}, total: newFunnelAgg(n, nil),
		over: make([]query.FunnelBucket, len(e.bk.Starts))}
}

// attempt is one try at the funnel, opened by one event.
type attempt struct {
	start    int       // index of the opening event
	level    int       // furthest step reached (any order: steps done - 1)
	times    [20]int64 // when each step was reached
	excluded bool
}

func (f *funnelState) user(e *Engine) {
	q := e.q
	for i := range e.buf {
		x := &e.buf[i]
		x.rank, x.mask, x.xmask = f.n, 0, 0
		for k, s := range q.Series {
			if e.matches(x, s) {
				x.rank = min(x.rank, k)
				x.mask |= 1 << k
			}
		}
		for k, ex := range q.Funnel.Exclusions {
			if x.name == ex.Event && e.pass(x, ex.Filter) {
				x.xmask |= 1 << k
			}
		}
	}
	// Ties at one instant: the lowest step matched, then the steps and
	// exclusions matched, then name and breakdown values.
	e.sortUser(func(a, b *ev) int {
		switch {
		case a.rank != b.rank:
			return a.rank - b.rank
		case a.mask != b.mask:
			return cmpU(a.mask, b.mask)
		case a.xmask != b.xmask:
			return cmpU(a.xmask, b.xmask)
		}
		return tieNameTuple(a, b)
	})
	evs := e.buf
	var best attempt
	found, firstTouch := false, -1
	for i := range evs {
		if evs[i].time < e.start || evs[i].time >= e.end {
			continue
		}
		var a attempt
		var ok bool
		if q.Funnel.Order == query.AnyOrd {
			a, ok = f.anyOrder(evs, i)
		} else {
			a, ok = f.ordered(e, evs, i)
		}
		if !ok {
			continue
		}
		if !found {
			best, found, firstTouch = a, true, i
		} else if a.level > best.level || (a.level == best.level && best.excluded && !a.excluded) {
			best = a
		}
		if best.level == f.n-1 && !best.excluded {
			break // no later attempt can be better
		}
	}
	if !found || best.excluded {
		return
	}
	var agg *funnelAgg
	if e.tuples {
		t := e.groupTuple(&evs[firstTouch])
		k := tupleKey(t)
		agg = f.byTuple[k]
		if agg == nil {
			agg = newFunnelAgg(f.n, t)
			f.byTuple[k] = agg
			e.hold(128 + 2*len(k) + 56*f.n)
		}
	}
	for s := 0; s <= best.level; s++ {
		for _, g := range []*funnelAgg{f.total, agg} {
			if g == nil {
				continue
			}
			g.counts[s]++
			if s > 0 {
				e.hold(16)
				g.times[s] = append(g.times[s], best.times[s]-best.times[s-1])
				g.fromStart[s] = append(g.fromStart[s], best.times[s]-best.times[0])
			}
		}
	}
	b := &f.over[e.bucket(evs[best.start].time)]
	b.Entered++
	if best.level == f.n-1 {
		b.Converted++
	}
}

func cmpU(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}

// ordered runs the attempt opened by evs[i] (if it matches step 0) of an
// ordered or strict funnel: each next step is the first later event that
// matches it within the window (strict: the very next event).
func (f *funnelState) ordered(e *Engine, evs []ev, i int) (attempt, bool) {
	if evs[i].mask&1 == 0 {
		return attempt{}, false
	}
	strict := e.q.Funnel.Order == query.Strict
	t0 := evs[i].time
	a := attempt{start: i}
	a.times[0] = t0
	var idx [20]int
	idx[0] = i
	pos := i
	for k := 1; k < f.n; k++ {
		hit := -1
		for j := pos + 1; j < len(evs) && evs[j].time-t0 <= f.win; j++ {
			if evs[j].mask&(1<<k) != 0 {
				hit = j
				break
			}
			if strict {
				break
			}
		}
		if hit < 0 {
			break
		}
		a.level, pos = k, hit
		a.times[k] = evs[hit].time
		idx[k] = hit
	}
	for x, ex := range e.q.Funnel.Exclusions {
		if a.level < ex.From {
			continue
		}
		hi := len(evs) // not reached: until the window closes
		if a.level >= ex.To {
			hi = idx[ex.To]
		}
		for j := idx[ex.From] + 1; j < hi && evs[j].time-t0 <= f.win; j++ {
			if evs[j].xmask&(1<<x) != 0 {
				a.excluded = true
				break
			}
		}
	}
	return a, true
}

// anyOrder runs the attempt opened by evs[i] of an any-order funnel: every
// event within the window takes the first step it matches that is not done
// yet.
func (f *funnelState) anyOrder(evs []ev, i int) (attempt, bool) {
	if evs[i].mask == 0 {
		return attempt{}, false // the opening event matches no step
	}
	t0 := evs[i].time
	var done uint64
	a := attempt{start: i, level: -1}
	for j := i; j < len(evs) && evs[j].time-t0 <= f.win; j++ {
		if open := evs[j].mask &^ done; open != 0 {
			k := bits.TrailingZeros64(open)
			done |= 1 << k
			a.level++
			a.times[a.level] = evs[j].time
		}
	}
	return a, true
}

func (f *funnelState) result(e *Engine) *query.FunnelResult {
	res := &query.FunnelResult{Steps: query.FunnelSteps(e.q, f.total.counts, f.total.times, f.total.fromStart)}
	for i := range f.over {
		f.over[i].Bucket = e.bk.Labels[i]
		if f.over[i].Entered > 0 {
			f.over[i].Conversion = float64(f.over[i].Converted) / float64(f.over[i].Entered)
		}
	}
	res.OverTime = f.over
	if e.tuples {
		groups := f.byTuple
		if e.bins != nil {
			groups = map[string]*funnelAgg{}
			bins := e.bins.bins(e.q)
			for _, g := range f.byTuple {
				t := binTuple(e.q, g.tuple, bins)
				k := tupleKey(t)
				m := groups[k]
				if m == nil {
					m = newFunnelAgg(f.n, t)
					groups[k] = m
				}
				for s := range m.counts {
					m.counts[s] += g.counts[s]
					m.times[s] = append(m.times[s], g.times[s]...)
					m.fromStart[s] = append(m.fromStart[s], g.fromStart[s]...)
				}
			}
		}
		for _, g := range groups {
			res.Breakdowns = append(res.Breakdowns, query.FunnelBreakdown{Breakdown: g.tuple, Steps: query.FunnelSteps(e.q, g.counts, g.times, g.fromStart)})
		}
		sortBreakdowns(res.Breakdowns)
	}
	return res
}

func sortBreakdowns(bs []query.FunnelBreakdown) {
	slices.SortStableFunc(bs, func(a, b query.FunnelBreakdown) int { return query.CompareTuples(a.Breakdown, b.Breakdown) })
}
