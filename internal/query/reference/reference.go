// Package reference is the oracle of package query: a slow, plain,
// in-memory evaluator of the query semantics written for obviousness, not
// speed. Differential tests compare every backend with it. It shares with
// the backends only the definitions of package query (buckets, ranges,
// result shapes), never an algorithm.
//
// reference must not import store, api, server or ingest.
package reference

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
)

// ev is one event, its properties decoded.
type ev struct {
	time  int64
	name  string
	user  string
	props map[string]any // json.Number for numbers
	env   env            // what filters read
}

// env is what a filter reads of an event: its name, its properties and
// its user's profile properties.
type env struct {
	name  string
	props map[string]any
	user  map[string]any
}

func (e env) Event() string                { return e.name }
func (e env) Prop(name string) (any, bool) { v, ok := e.props[name]; return v, ok }
func (e env) User(name string) (any, bool) { v, ok := e.user[name]; return v, ok }

// Eval answers q (validated) over rows, the events of project p, without
// user profiles.
func Eval(rows []event.Row, p query.Project, q *query.Query) (*query.Result, error) {
	return EvalProfiles(rows, nil, p, q)
}

// EvalProfiles answers q (validated) over rows, the events of project p,
// and profiles, the user profiles' properties (JSON objects) by user id:
// an event reads the profile of its user (package query's identity rule).
func EvalProfiles(rows []event.Row, profiles map[string][]byte, p query.Project, q *query.Query) (*query.Result, error) {
	loc := p.Loc()
	_, readEnd := q.ReadRange(loc)
	var all []ev
	for _, r := range rows {
		if r.ProjectID != p.ID || r.Time >= readEnd {
			continue
		}
		e := ev{time: r.Time, name: r.Name, user: r.DistinctID}
		// A repeated key keeps its first value (expr.DecodeProps).
		props, err := expr.DecodePropsNumber(r.Props)
		if err != nil {
			return nil, fmt.Errorf("reference: event properties: %w", err)
		}
		e.props = props
		e.env = env{name: r.Name, props: e.props}
		all = append(all, e)
	}
	resolveUsers(all)
	decoded := map[string]map[string]any{}
	for id, b := range profiles {
		m, err := expr.DecodePropsNumber(b)
		if err != nil {
			return nil, fmt.Errorf("reference: profile properties: %w", err)
		}
		decoded[id] = m
	}
	for i := range all {
		all[i].env.user = decoded[all[i].user]
	}
	// The global filter selects the events counted; links came from all.
	if g := q.GlobalNode(); g != nil {
		var kept []ev
		for _, e := range all {
			if expr.Truthy(expr.Eval(g, e.env)) {
				kept = append(kept, e)
			}
		}
		all = kept
	}
	switch q.Kind {
	case query.Trends:
		return &query.Result{Trends: trends(all, loc, q)}, nil
	case query.Funnels:
		return &query.Result{Funnel: funnel(all, loc, q)}, nil
	case query.Addiction:
		return &query.Result{Addiction: addiction(all, loc, q)}, nil
	default:
		return &query.Result{Retention: retention(all, loc, q)}, nil
	}
}

func str(props map[string]any, k string) string {
	s, _ := props[k].(string)
	return s
}

// resolveUsers replaces each event's distinct_id by its user, per the
// package query's rule.
func resolveUsers(all []ev) {
	type link struct {
		time int64
		user string
	}
	links := map[string]link{}
	offer := func(dev, user string, t int64) {
		if dev == "" || user == "" {
			return
		}
		l, ok := links[dev]
		if !ok || t < l.time || (t == l.time && user < l.user) {
			links[dev] = link{t, user}
		}
	}
	for _, e := range all {
		if e.name == "$identify" {
			id := str(e.props, "$identified_id")
			if id == "" {
				id = e.user
			}
			offer(str(e.props, "$anon_distinct_id"), id, e.time)
		}
		if e.name == "$create_alias" || e.name == "$merge_dangerously" {
			offer(str(e.props, "alias"), e.user, e.time)
		}
		offer(str(e.props, "$device_id"), str(e.props, "$user_id"), e.time)
	}
	for i := range all {
		e := &all[i]
		if u := str(e.props, "$user_id"); u != "" {
			e.user = u
			continue
		}
		dev := e.user
		if d := str(e.props, "$device_id"); d != "" {
			dev = d
		}
		if l, ok := links[dev]; ok {
			dev = l.user
		}
		e.user = dev
	}
}

// value is a property as a breakdown value.
func value(props map[string]any, k string) string {
	switch v := props[k].(type) {
	case nil:
		return query.None
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func tuple(e ev, q *query.Query) []string { return binnedTuple(e, q, nil) }

// binnedTuple is tuple with binned properties (bins[i] set) as ranges.
func binnedTuple(e ev, q *query.Query, bins []*query.Bins) []string {
	if len(q.Breakdown) == 0 {
		return nil
	}
	t := make([]string, len(q.Breakdown))
	for i, p := range q.Breakdown {
		switch {
		case p.Expr != nil:
			var ok bool
			if t[i], ok = expr.StringOf(expr.Eval(p.Expr, e.env)); !ok {
				t[i] = query.None
			}
		case p.Scope == query.ScopeEventName:
			t[i] = e.name
		case p.Scope == query.ScopeUser:
			t[i] = value(e.env.user, p.Name)
		default:
			t[i] = value(e.props, p.Name)
		}
		if i < len(bins) && bins[i] != nil {
			t[i] = query.None
			if x, ok := number(e.props, p.Name); ok {
				t[i] = bins[i].Labels()[bins[i].Index(x)]
			}
		}
	}
	return t
}

// rangeBins are the bins of each binned breakdown property: the range of
// its numeric values over the events of s in [start, end) (nil where a
// property is not binned or has no numeric value there).
func rangeBins(all []ev, start, end int64, q *query.Query, s query.Series) []*query.Bins {
	bins := make([]*query.Bins, len(q.Breakdown))
	for i, p := range q.Breakdown {
		if p.Bins == 0 {
			continue
		}
		for _, e := range all {
			if x, ok := number(e.props, p.Name); ok && e.time >= start && e.time < end && matches(e, s) {
				if bins[i] == nil {
					bins[i] = &query.Bins{Lo: x, Hi: x, N: p.Bins}
				}
				bins[i].Lo, bins[i].Hi = min(bins[i].Lo, x), max(bins[i].Hi, x)
			}
		}
	}
	return bins
}

func key(t []string) string {
	b, _ := json.Marshal(t)
	return string(b)
}

// number is a numeric property, if it is a JSON number.
func number(props map[string]any, k string) (float64, bool) {
	n, ok := props[k].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func matches(e ev, s query.Series) bool {
	return (s.Event == "" || s.Event == e.name) && pass(e, s.Filter)
}

// pass reports whether e passes filter f (none: true).
func pass(e ev, f query.Filter) bool {
	n := query.Node(f)
	return n == nil || expr.Truthy(expr.Eval(n, e.env))
}

// localDate is the local calendar date of t, as a UTC midnight.
func localDate(t int64, loc *time.Location) time.Time {
	l := time.UnixMilli(t).In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// bucketKey is the key of the bucket holding t (see query.Buckets).
func bucketKey(t int64, iv query.Interval, loc *time.Location, rangeStart int64) string {
	if iv == query.Hour {
		h := rangeStart + (t-rangeStart)/3_600_000*3_600_000
		return time.UnixMilli(h).In(loc).Format(time.RFC3339)
	}
	return query.TruncDate(localDate(t, loc), iv).Format(time.DateOnly)
}

func trends(all []ev, loc *time.Location, q *query.Query) *query.TrendsResult {
	start, end := q.Range(loc)
	bk := query.MakeBuckets(q.Interval, loc, q.From, q.To)
	res := &query.TrendsResult{Buckets: bk.Labels}
	to, _ := time.Parse(time.DateOnly, q.To)
	for si, s := range q.Series {
		bins := rangeBins(all, start, end, q, s)
		tuple := func(e ev, q *query.Query) []string { return binnedTuple(e, q, bins) }
		// Rank tuples by events in range.
		counts := map[string]int{}
		tuples := map[string][]string{}
		for _, e := range all {
			if e.time >= start && e.time < end && matches(e, s) {
				t := tuple(e, q)
				counts[key(t)]++
				tuples[key(t)] = t
			}
		}
		keep := map[string]bool{}
		ranked := make([]string, 0, len(counts))
		for k := range counts {
			ranked = append(ranked, k)
		}
		sort.Slice(ranked, func(i, j int) bool {
			a, b := ranked[i], ranked[j]
			if counts[a] != counts[b] {
				return counts[a] > counts[b]
			}
			return slices.Compare(tuples[a], tuples[b]) < 0
		})
		for i, k := range ranked {
			if i < q.BreakdownLimit {
				keep[k] = true
			}
		}
		other := make([]string, len(q.Breakdown))
		for i := range other {
			other[i] = query.Other
		}
		group := func(e ev) []string {
			t := tuple(e, q)
			if len(q.Breakdown) > 0 && !keep[key(t)] {
				return other
			}
			return t
		}
		rows := map[string][]ev{} // tuple key -> events in range
		rowTuple := map[string][]string{}
		if len(q.Breakdown) == 0 {
			rows[key(nil)] = nil
			rowTuple[key(nil)] = nil
		}
		for _, e := range all {
			if e.time >= start && e.time < end && matches(e, s) {
				t := group(e)
				rows[key(t)] = append(rows[key(t)], e)
				rowTuple[key(t)] = t
			}
		}
		for k, evs := range rows {
			vals := make([]float64, len(bk.Keys))
			for b := range vals {
				var in []ev
				for _, e := range evs {
					if bucketKey(e.time, q.Interval, loc, start) == bk.Keys[b] {
						in = append(in, e)
					}
				}
				switch s.Math {
				case query.WAU, query.MAU:
					vals[b] = rolling(all, s, q, loc, bk, b, to, k, group)
				default:
					vals[b] = aggregate(in, s)
				}
			}
			res.Series = append(res.Series, query.TrendSeries{Series: si, Name: query.SeriesName(si), Breakdown: rowTuple[k], Values: vals})
		}
	}
	res.SortSeries()
	return res
}

// rolling counts the users of tuple k with a matching event on one of the
// 7 or 30 local days ending with bucket b's last day (at most To).
func rolling(all []ev, s query.Series, q *query.Query, loc *time.Location, bk *query.Buckets, b int, to time.Time, k string, group func(ev) []string) float64 {
	days := 7
	if s.Math == query.MAU {
		days = 30
	}
	first, _ := time.Parse(time.DateOnly, bk.Keys[b])
	last := first.AddDate(0, 0, 1)
	switch q.Interval {
	case query.Week:
		last = first.AddDate(0, 0, 7)
	case query.Month:
		last = first.AddDate(0, 1, 0)
	}
	last = last.AddDate(0, 0, -1)
	if last.After(to) {
		last = to
	}
	lo := last.AddDate(0, 0, -(days - 1))
	users := map[string]bool{}
	for _, e := range all {
		d := localDate(e.time, loc)
		if d.Before(lo) || d.After(last) || !matches(e, s) || key(group(e)) != k {
			continue
		}
		users[e.user] = true
	}
	return float64(len(users))
}

func aggregate(in []ev, s query.Series) float64 {
	users := map[string]bool{}
	for _, e := range in {
		users[e.user] = true
	}
	var xs []float64
	for _, e := range in {
		if x, ok := number(e.props, s.Property); ok {
			xs = append(xs, x)
		}
	}
	switch s.Math {
	case query.Total:
		return float64(len(in))
	case query.Unique, query.DAU:
		return float64(len(users))
	case query.AvgPerUser:
		if len(users) == 0 {
			return 0
		}
		return float64(len(in)) / float64(len(users))
	}
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	switch s.Math {
	case query.Sum, query.Avg:
		sum := 0.0
		for _, x := range xs {
			sum += x
		}
		if s.Math == query.Avg {
			return sum / float64(len(xs))
		}
		return sum
	case query.Min:
		return xs[0]
	case query.Max:
		return xs[len(xs)-1]
	}
	pos := s.Math.Quantile() * float64(len(xs)-1)
	lo := math.Floor(pos)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[i]
	}
	return xs[i] + (pos-lo)*(xs[i+1]-xs[i])
}

// byUser groups events by user, each list sorted by time, then by the
// lowest funnel step an event matches (steps first), then by name, then by
// breakdown values.
func byUser(all []ev, q *query.Query, rank func(ev) []uint64) map[string][]ev {
	out := map[string][]ev{}
	for _, e := range all {
		out[e.user] = append(out[e.user], e)
	}
	for _, evs := range out {
		sort.SliceStable(evs, func(i, j int) bool {
			a, b := evs[i], evs[j]
			if a.time != b.time {
				return a.time < b.time
			}
			if c := slices.Compare(rank(a), rank(b)); c != 0 {
				return c < 0
			}
			if a.name != b.name {
				return a.name < b.name
			}
			return slices.Compare(tuple(a, q), tuple(b, q)) < 0
		})
	}
	return out
}

// Backend serves EvalProfiles over a fixed set of rows and profiles as a
// query.Backend.
type Backend struct {
	Rows     []event.Row
	Profiles map[string][]byte // user id -> properties (a JSON object)
}

// Query implements query.Backend.
func (b Backend) Query(_ context.Context, p query.Project, q *query.Query) (*query.Result, query.Stats, error) {
	r, err := EvalProfiles(b.Rows, b.Profiles, p, q)
	return r, query.Stats{RowsScanned: int64(len(b.Rows))}, err
}
