package rowengine

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

// trendsState aggregates each series per breakdown group and bucket.
type trendsState struct {
	series []*seriesState
	// days are the local midnights from 29 days before From to the day
	// after To (rolling maths place events by day index).
	days []int64
}

type seriesState struct {
	s      query.Series
	groups map[string]*group // by pre-tuple: binned slots hold the raw value
	// Binned breakdowns: the range of the property over the series'
	// events in the range.
	lo, hi []float64
	seen   []bool
}

// group is the aggregate of one pre-tuple.
type group struct {
	tuple   []string
	inRange int
	buckets []bucketAgg
	days    map[int32][]int32 // rolling: user -> sorted local day indexes
}

type bucketAgg struct {
	n     int
	users map[int32]struct{}
	xs    []float64
}

// Markers of a binned slot's pre-value: a JSON number's text, or another
// value's breakdown text (kept when the series has no numeric value).
const (
	binNum   = "\x01"
	binOther = "\x02"
)

func newTrends(e *Engine) *trendsState {
	t := &trendsState{}
	for _, s := range e.q.Series {
		n := len(e.q.Breakdown)
		t.series = append(t.series, &seriesState{s: s, groups: map[string]*group{}, lo: make([]float64, n), hi: make([]float64, n), seen: make([]bool, n)})
		if s.Math == query.WAU || s.Math == query.MAU {
			if t.days == nil {
				f, _ := time.Parse(time.DateOnly, e.q.From)
				to, _ := time.Parse(time.DateOnly, e.q.To)
				for d := f.AddDate(0, 0, -29); !d.After(to.AddDate(0, 0, 1)); d = d.AddDate(0, 0, 1) {
					t.days = append(t.days, query.LocalMidnight(d, e.loc).UnixMilli())
				}
			}
		}
	}
	return t
}

// dayIndex is the local day of t as an index into days, -1 outside.
func (t *trendsState) dayIndex(ms int64) int32 {
	i := sort.Search(len(t.days), func(i int) bool { return t.days[i] > ms }) - 1
	if i < 0 || i >= len(t.days)-1 {
		return -1
	}
	return int32(i)
}

// event counts x, an event of user uid, in every series it matches.
func (t *trendsState) event(e *Engine, x *ev, uid int32) {
	nb := len(e.bk.Starts)
	in := x.time >= e.start && x.time < e.end
	for _, ss := range t.series {
		rolling := ss.s.Math == query.WAU || ss.s.Math == query.MAU
		if !in && !rolling {
			continue
		}
		if !e.matches(x, ss.s) {
			continue
		}
		pre, cloned := x.tuple, false
		for j, p := range e.q.Breakdown {
			if p.Bins == 0 {
				continue
			}
			if !cloned {
				pre, cloned = slices.Clone(x.tuple), true
			}
			if v, ok := number(x.props, p.Name); ok {
				pre[j] = binNum + x.props[p.Name].(json.Number).String()
				if in {
					if !ss.seen[j] {
						ss.lo[j], ss.hi[j], ss.seen[j] = v, v, true
					}
					ss.lo[j], ss.hi[j] = min(ss.lo[j], v), max(ss.hi[j], v)
				}
			} else {
				pre[j] = binOther + pre[j]
			}
		}
		k := ""
		if len(pre) > 0 {
			k = tupleKey(pre)
		}
		g := ss.groups[k]
		if g == nil {
			g = &group{tuple: pre}
			ss.groups[k] = g
			e.hold(128 + 2*len(k))
		}
		if rolling {
			if d := t.dayIndex(x.time); d >= 0 {
				if g.days == nil {
					g.days = map[int32][]int32{}
				}
				ds := g.days[uid]
				switch {
				case len(ds) == 0 || ds[len(ds)-1] < d:
					g.days[uid] = append(ds, d)
					e.hold(8)
				case ds[len(ds)-1] > d: // the user's rows came apart
					ds = append(ds, d)
					slices.Sort(ds)
					g.days[uid] = slices.Compact(ds)
				}
			}
		}
		if !in {
			continue
		}
		g.inRange++
		if g.buckets == nil {
			g.buckets = make([]bucketAgg, nb)
			e.hold(40 * nb)
		}
		b := &g.buckets[e.bucket(x.time)]
		b.n++
		if ss.s.Math.NeedsUsers() {
			if b.users == nil {
				b.users = map[int32]struct{}{}
			}
			if _, ok := b.users[uid]; !ok {
				b.users[uid] = struct{}{}
				e.hold(16)
			}
		}
		if ss.s.Math.NeedsProperty() {
			if v, ok := number(x.props, ss.s.Property); ok {
				b.xs = append(b.xs, v)
				e.hold(8)
			}
		}
	}
}

// merge adds o's aggregates to g.
func (g *group) merge(o *group, nb int) {
	g.inRange += o.inRange
	if o.buckets != nil {
		if g.buckets == nil {
			g.buckets = make([]bucketAgg, nb)
		}
		for i := range o.buckets {
			a, b := &g.buckets[i], &o.buckets[i]
			a.n += b.n
			if b.users != nil {
				if a.users == nil {
					a.users = map[int32]struct{}{}
				}
				for u := range b.users {
					a.users[u] = struct{}{}
				}
			}
			a.xs = append(a.xs, b.xs...)
		}
	}
	if o.days != nil {
		if g.days == nil {
			g.days = map[int32][]int32{}
		}
		for u, ds := range o.days {
			m := append(g.days[u], ds...)
			slices.Sort(m)
			g.days[u] = slices.Compact(m)
		}
	}
}

func (t *trendsState) result(e *Engine) *query.TrendsResult {
	q := e.q
	res := &query.TrendsResult{Buckets: e.bk.Labels}
	nb := len(e.bk.Starts)
	for si, ss := range t.series {
		// Bin the pre-tuples.
		bins := make([]*query.Bins, len(q.Breakdown))
		for j, p := range q.Breakdown {
			if p.Bins > 0 && ss.seen[j] {
				bins[j] = &query.Bins{Lo: ss.lo[j], Hi: ss.hi[j], N: p.Bins}
			}
		}
		final := map[string]*group{}
		for _, g := range ss.groups {
			tu := binTuple(q, g.tuple, bins)
			k := tupleKey(tu)
			f := final[k]
			if f == nil {
				f = &group{tuple: tu}
				final[k] = f
			}
			f.merge(g, nb)
		}
		// Rank tuples by events in range; beyond the limit, Other.
		var ranked []*group
		for _, g := range final {
			if g.inRange > 0 {
				ranked = append(ranked, g)
			}
		}
		sort.Slice(ranked, func(i, j int) bool {
			a, b := ranked[i], ranked[j]
			if a.inRange != b.inRange {
				return a.inRange > b.inRange
			}
			return slices.Compare(a.tuple, b.tuple) < 0
		})
		rows := map[string]*group{}
		if len(q.Breakdown) == 0 {
			g := final[tupleKey(nil)]
			if g == nil {
				g = final[tupleKey([]string{})]
			}
			if g == nil {
				g = &group{}
			}
			g.tuple = nil
			rows[""] = g
		} else {
			keep := map[*group]bool{}
			for i, g := range ranked {
				if i < q.BreakdownLimit {
					keep[g] = true
				}
			}
			other := make([]string, len(q.Breakdown))
			for i := range other {
				other[i] = query.Other
			}
			var og *group
			for k, g := range final {
				if keep[g] {
					rows[k] = g
					continue
				}
				if og == nil {
					og = &group{tuple: other}
				}
				og.merge(g, nb)
			}
			if og != nil && og.inRange > 0 {
				rows[tupleKey(other)] = og
			}
		}
		for _, g := range rows {
			vals := make([]float64, nb)
			for b := range vals {
				switch ss.s.Math {
				case query.WAU, query.MAU:
					vals[b] = t.rolling(e, g, b, ss.s.Math)
				default:
					if g.buckets != nil {
						vals[b] = aggregate(&g.buckets[b], ss.s.Math)
					}
				}
			}
			res.Series = append(res.Series, query.TrendSeries{Series: si, Name: query.SeriesName(si), Breakdown: g.tuple, Values: vals})
		}
	}
	res.SortSeries()
	return res
}

// rolling counts g's users with an event on one of the 7 or 30 local days
// ending with bucket b's last day (at most To).
func (t *trendsState) rolling(e *Engine, g *group, b int, m query.Math) float64 {
	n := 7
	if m == query.MAU {
		n = 30
	}
	first, _ := time.Parse(time.DateOnly, e.bk.Keys[b])
	last := first.AddDate(0, 0, 1)
	switch e.q.Interval {
	case query.Week:
		last = first.AddDate(0, 0, 7)
	case query.Month:
		last = first.AddDate(0, 1, 0)
	}
	last = last.AddDate(0, 0, -1)
	if to, _ := time.Parse(time.DateOnly, e.q.To); last.After(to) {
		last = to
	}
	from, _ := time.Parse(time.DateOnly, e.q.From)
	base := from.AddDate(0, 0, -29)
	hi := int32(last.Sub(base).Hours()/24 + 0.5)
	lo := hi - int32(n-1)
	users := 0
	for _, ds := range g.days {
		i, _ := slices.BinarySearch(ds, lo)
		if i < len(ds) && ds[i] <= hi {
			users++
		}
	}
	return float64(users)
}

func aggregate(b *bucketAgg, m query.Math) float64 {
	switch m {
	case query.Total:
		return float64(b.n)
	case query.Unique, query.DAU:
		return float64(len(b.users))
	case query.AvgPerUser:
		if len(b.users) == 0 {
			return 0
		}
		return float64(b.n) / float64(len(b.users))
	}
	xs := b.xs
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	switch m {
	case query.Sum, query.Avg:
		sum := 0.0
		for _, x := range xs {
			sum += x
		}
		if m == query.Avg {
			return sum / float64(len(xs))
		}
		return sum
	case query.Min:
		return xs[0]
	case query.Max:
		return xs[len(xs)-1]
	}
	pos := m.Quantile() * float64(len(xs)-1)
	lo := math.Floor(pos)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[i]
	}
	return xs[i] + (pos-lo)*(xs[i+1]-xs[i])
}
