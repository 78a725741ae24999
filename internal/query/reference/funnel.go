package reference

import (
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

// attempt is one try at the funnel, opened by one event.
type attempt struct {
	start    int     // index of the opening event
	level    int     // furthest step reached
	times    []int64 // time each step was reached
	excluded bool
}

func funnel(all []ev, loc *time.Location, q *query.Query) *query.FunnelResult {
	start, end := q.Range(loc)
	n := len(q.Series)
	win := q.Funnel.WindowMillis()
	// Ties at one time: by the lowest step matched, then by the steps and
	// the exclusions matched (bit sets).
	stepRank := func(e ev) []uint64 {
		rank, mask, xmask := uint64(n), uint64(0), uint64(0)
		for k, s := range q.Series {
			if matches(e, s) {
				rank = min(rank, uint64(k))
				mask |= 1 << k
			}
		}
		for x, ex := range q.Funnel.Exclusions {
			if e.name == ex.Event && pass(e, ex.Filter) {
				xmask |= 1 << x
			}
		}
		return []uint64{rank, mask, xmask}
	}
	counts := map[string][]int{} // breakdown key -> users per step
	times := map[string][][]int64{}
	fromStart := map[string][][]int64{}
	tuples := map[string][]string{}
	total := make([]int, n)
	totalTimes := make([][]int64, n)
	totalFromStart := make([][]int64, n)
	bk := query.MakeBuckets(q.Interval, loc, q.From, q.To)
	over := make([]query.FunnelBucket, len(bk.Keys))
	// Bins: over the first step's events in the range.
	bins := rangeBins(all, start, end, q, q.Series[0])
	for _, evs := range byUser(all, q, stepRank) {
		var atts []attempt
		firstTouch := -1
		for i, e := range evs {
			if e.time < start || e.time >= end {
				continue
			}
			var a attempt
			var ok bool
			if q.Funnel.Order == query.AnyOrd {
				a, ok = anyOrder(evs, i, q, win)
			} else {
				a, ok = ordered(evs, i, q, win)
			}
			if ok {
				atts = append(atts, a)
				if firstTouch < 0 {
					firstTouch = i
				}
			}
		}
		if len(atts) == 0 {
			continue
		}
		best := atts[0]
		for _, a := range atts[1:] {
			if a.level > best.level || (a.level == best.level && best.excluded && !a.excluded) {
				best = a
			}
		}
		if best.excluded {
			continue
		}
		t := binnedTuple(evs[firstTouch], q, bins)
		k := key(t)
		if counts[k] == nil {
			counts[k], times[k], fromStart[k], tuples[k] = make([]int, n), make([][]int64, n), make([][]int64, n), t
		}
		for s := 0; s <= best.level; s++ {
			counts[k][s]++
			total[s]++
			if s > 0 {
				d := best.times[s] - best.times[s-1]
				times[k][s] = append(times[k][s], d)
				totalTimes[s] = append(totalTimes[s], d)
				fromStart[k][s] = append(fromStart[k][s], best.times[s]-best.times[0])
				totalFromStart[s] = append(totalFromStart[s], best.times[s]-best.times[0])
			}
		}
		b := bk.Index(bucketKey(evs[best.start].time, q.Interval, loc, start))
		over[b].Entered++
		if best.level == n-1 {
			over[b].Converted++
		}
	}
	res := &query.FunnelResult{Steps: query.FunnelSteps(q, total, totalTimes, totalFromStart)}
	for i := range over {
		over[i].Bucket = bk.Labels[i]
		if over[i].Entered > 0 {
			over[i].Conversion = float64(over[i].Converted) / float64(over[i].Entered)
		}
	}
	res.OverTime = over
	if len(q.Breakdown) > 0 {
		for k, c := range counts {
			res.Breakdowns = append(res.Breakdowns, query.FunnelBreakdown{Breakdown: tuples[k], Steps: query.FunnelSteps(q, c, times[k], fromStart[k])})
		}
		sortBreakdowns(res.Breakdowns)
	}
	return res
}

func sortBreakdowns(bs []query.FunnelBreakdown) {
	for i := 1; i < len(bs); i++ {
		for j := i; j > 0 && query.CompareTuples(bs[j].Breakdown, bs[j-1].Breakdown) < 0; j-- {
			bs[j], bs[j-1] = bs[j-1], bs[j]
		}
	}
}

// ordered runs the attempt opened by evs[i] (if it matches step 0) of an
// ordered or strict funnel: each next step is the first later event that
// matches it within the window (strict: the very next event).
func ordered(evs []ev, i int, q *query.Query, win int64) (attempt, bool) {
	if !matches(evs[i], q.Series[0]) {
		return attempt{}, false
	}
	t0 := evs[i].time
	a := attempt{start: i, times: []int64{t0}}
	idx := []int{i}
	pos := i
	for k := 1; k < len(q.Series); k++ {
		found := -1
		for j := pos + 1; j < len(evs) && evs[j].time-t0 <= win; j++ {
			if matches(evs[j], q.Series[k]) {
				found = j
				break
			}
			if q.Funnel.Order == query.Strict {
				break
			}
		}
		if found < 0 {
			break
		}
		a.level, pos = k, found
		a.times = append(a.times, evs[found].time)
		idx = append(idx, found)
	}
	for _, x := range q.Funnel.Exclusions {
		if a.level < x.From {
			continue
		}
		lo := idx[x.From]
		hi := len(evs) // not reached: until the window closes
		if a.level >= x.To {
			hi = idx[x.To]
		}
		for j := lo + 1; j < hi && evs[j].time-t0 <= win; j++ {
			if evs[j].name == x.Event && pass(evs[j], x.Filter) {
				a.excluded = true
			}
		}
	}
	return a, true
}

// anyOrder runs the attempt opened by evs[i] of an any-order funnel: every
// event within the window takes the first step it matches that is not done
// yet; the level is the number of steps done, minus one.
func anyOrder(evs []ev, i int, q *query.Query, win int64) (attempt, bool) {
	t0 := evs[i].time
	done := make([]bool, len(q.Series))
	a := attempt{start: i, level: -1}
	for j := i; j < len(evs) && evs[j].time-t0 <= win; j++ {
		for k, s := range q.Series {
			if !done[k] && matches(evs[j], s) {
				done[k] = true
				a.level++
				a.times = append(a.times, evs[j].time)
				break
			}
		}
		if j == i && a.level < 0 {
			return attempt{}, false // the opening event matches no step
		}
	}
	return a, true
}
