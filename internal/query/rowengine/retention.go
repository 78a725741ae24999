package rowengine

import (
	"slices"
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

// retentionState counts cohorts by bucket and breakdown tuple.
type retentionState struct {
	cohorts map[cohortKey]*query.Cohort
}

type cohortKey struct {
	bucket int
	tuple  string
}

func newRetention(*Engine) *retentionState {
	return &retentionState{cohorts: map[cohortKey]*query.Cohort{}}
}

func (r *retentionState) user(e *Engine) {
	o := e.q.Retention
	e.sortUser(tieNameTuple)
	// What each event matches: 1 the start event, 2 the return event.
	dates := make([]time.Time, len(e.buf))
	for i := range e.buf {
		x := &e.buf[i]
		x.mask = 0
		if e.matches(x, o.Start) {
			x.mask |= 1
		}
		if e.matches(x, o.Return) {
			x.mask |= 2
			dates[i] = e.localDate(x.time)
		}
	}
	var seen []int // recurring: buckets the user is already in
	for i := range e.buf {
		x := &e.buf[i]
		if x.mask&1 == 0 {
			continue
		}
		in := x.time >= e.start && x.time < e.end
		if o.Type == query.FirstTime {
			if in {
				r.member(e, i, dates)
			}
			break // the first start event ever decides
		}
		if !in {
			continue
		}
		b := e.bucket(x.time)
		if slices.Contains(seen, b) {
			continue
		}
		seen = append(seen, b)
		r.member(e, i, dates)
	}
}

// member puts the user in the cohort of start event i and counts the
// intervals in which they returned.
func (r *retentionState) member(e *Engine, i int, dates []time.Time) {
	o := e.q.Retention
	x := &e.buf[i]
	b := e.bucket(x.time)
	t := e.groupTuple(x)
	k := cohortKey{b, tupleKey(t)}
	c := r.cohorts[k]
	if c == nil {
		c = &query.Cohort{Date: e.bk.Labels[b], Breakdown: t, Counts: make([]int, o.Intervals+1)}
		r.cohorts[k] = c
		e.hold(128 + 2*len(k.tuple) + 8*len(c.Counts))
	}
	c.Size++
	d := e.localDate(x.time)
	width := max(o.Width, 1)
	hit := make([]bool, o.Intervals+1)
	top := -1
	for j := range e.buf {
		y := &e.buf[j]
		// A return before the start event can only fall in interval 0,
		// which counts from the start event on.
		if y.mask&2 == 0 || y.time < x.time {
			continue
		}
		p := query.PeriodsBetween(e.q.Interval, d, dates[j])
		if p < 0 {
			continue
		}
		p /= width
		top = max(top, p)
		if p <= o.Intervals {
			hit[p] = true
		}
	}
	for iv := range hit {
		if hit[iv] || (o.Mode == query.OnOrAfter && iv <= top) {
			c.Counts[iv]++
		}
	}
}

func (r *retentionState) result(e *Engine) *query.RetentionResult {
	o := e.q.Retention
	res := &query.RetentionResult{}
	cohorts := r.cohorts
	if e.bins != nil {
		// Merge the pre-tuples' cohorts that fall in one range: a user is
		// in one cohort per bucket, so sizes and counts add.
		cohorts = map[cohortKey]*query.Cohort{}
		bins := e.bins.bins(e.q)
		for k, c := range r.cohorts {
			t := binTuple(e.q, c.Breakdown, bins)
			nk := cohortKey{k.bucket, tupleKey(t)}
			m := cohorts[nk]
			if m == nil {
				m = &query.Cohort{Date: c.Date, Breakdown: t, Counts: make([]int, len(c.Counts))}
				cohorts[nk] = m
			}
			m.Size += c.Size
			for i, n := range c.Counts {
				m.Counts[i] += n
			}
		}
	}
	byBucket := make([][]*query.Cohort, len(e.bk.Keys))
	for k, c := range cohorts {
		byBucket[k.bucket] = append(byBucket[k.bucket], c)
	}
	for b, cs := range byBucket {
		if len(cs) == 0 && !e.tuples {
			cs = []*query.Cohort{{Date: e.bk.Labels[b], Counts: make([]int, o.Intervals+1)}}
		}
		slices.SortFunc(cs, func(a, b *query.Cohort) int { return query.CompareTuples(a.Breakdown, b.Breakdown) })
		for _, c := range cs {
			res.Cohorts = append(res.Cohorts, *c)
		}
	}
	return res
}
