package reference

import (
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

func retention(all []ev, loc *time.Location, q *query.Query) *query.RetentionResult {
	start, end := q.Range(loc)
	o := q.Retention
	bk := query.MakeBuckets(q.Interval, loc, q.From, q.To)
	type cohortKey struct {
		bucket int
		tuple  string
	}
	type member struct {
		at   int64 // the start event that put the user in the cohort
		date time.Time
	}
	members := map[cohortKey]map[string]member{}
	tuples := map[string][]string{}
	// Bins: over the start events in the range.
	bins := rangeBins(all, start, end, q, o.Start)
	users := byUser(all, q, func(ev) []uint64 { return nil })
	for u, evs := range users {
		seen := map[int]bool{}
		for _, e := range evs {
			if !matches(e, o.Start) {
				continue
			}
			inRange := e.time >= start && e.time < end
			if o.Type == query.FirstTime {
				if inRange {
					b := bk.Index(bucketKey(e.time, q.Interval, loc, start))
					t := binnedTuple(e, q, bins)
					ck := cohortKey{b, key(t)}
					tuples[ck.tuple] = t
					if members[ck] == nil {
						members[ck] = map[string]member{}
					}
					members[ck][u] = member{e.time, localDate(e.time, loc)}
				}
				break // the first start event ever decides
			}
			if !inRange {
				continue
			}
			b := bk.Index(bucketKey(e.time, q.Interval, loc, start))
			if seen[b] {
				continue
			}
			seen[b] = true
			t := binnedTuple(e, q, bins)
			ck := cohortKey{b, key(t)}
			tuples[ck.tuple] = t
			if members[ck] == nil {
				members[ck] = map[string]member{}
			}
			members[ck][u] = member{e.time, localDate(e.time, loc)}
		}
	}
	res := &query.RetentionResult{}
	for b := range bk.Keys {
		var keys []string
		for ck := range members {
			if ck.bucket == b {
				keys = append(keys, ck.tuple)
			}
		}
		if len(q.Breakdown) == 0 && len(keys) == 0 {
			keys = []string{key(nil)}
			tuples[key(nil)] = nil
		}
		var cs []query.Cohort
		for _, k := range keys {
			c := query.Cohort{Date: bk.Labels[b], Breakdown: tuples[k], Counts: make([]int, o.Intervals+1)}
			ms := members[cohortKey{b, k}]
			c.Size = len(ms)
			for u, m := range ms {
				for i := range c.Counts {
					if returned(users[u], m.at, m.date, i, q, loc) {
						c.Counts[i]++
					}
				}
			}
			cs = append(cs, c)
		}
		for i := 1; i < len(cs); i++ {
			for j := i; j > 0 && query.CompareTuples(cs[j].Breakdown, cs[j-1].Breakdown) < 0; j-- {
				cs[j], cs[j-1] = cs[j-1], cs[j]
			}
		}
		res.Cohorts = append(res.Cohorts, cs...)
	}
	return res
}

// returned reports whether a user who started at instant at (local date
// d) has a return event in interval i (of Width buckets) after their cohort (on or after it,
// with mode on_or_after); in interval 0 only from the start event on.
func returned(evs []ev, at int64, d time.Time, i int, q *query.Query, loc *time.Location) bool {
	for _, e := range evs {
		if !matches(e, q.Retention.Return) || e.time < at && i == 0 {
			continue
		}
		p := query.PeriodsBetween(q.Interval, d, localDate(e.time, loc))
		if p < 0 {
			continue
		}
		p /= max(q.Retention.Width, 1) // buckets to intervals
		if p == i || (q.Retention.Mode == query.OnOrAfter && p > i) {
			return true
		}
	}
	return false
}
