package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/sieve-analytics/sieve/internal/query"
)

// fev is one event of a user in a funnel scan.
type fev struct {
	t      int64
	mask   uint64 // bit k: matches step k
	xmask  uint64 // bit x: matches exclusion x
	bucket int64
	tuple  []string
}

// funnel reads the events that match a step or an exclusion (every event
// of the users for a strict funnel), sorted by user, time, lowest step
// matched, name and breakdown values, and scans each user's list.
func (b *qb) funnel(ctx context.Context, conn *sql.Conn) (*query.FunnelResult, error) {
	q := b.q
	n := len(q.Series)
	// Bins: over the first step's events in the range.
	bins, err := b.binRanges(ctx, conn, q.Series[0])
	if err != nil {
		return nil, err
	}
	b.reset()
	cols, err := b.tupleCols(bins...)
	if err != nil {
		return nil, err
	}
	ties := b.tieCols(&cols, bins)
	var names []string
	var mask, rank, xmask []string
	for k, s := range q.Series {
		f, err := b.flag(query.Node(s.Filter))
		if err != nil {
			return nil, err
		}
		m := fmt.Sprintf("name = %s AND %s", b.arg(s.Event), f)
		names = append(names, s.Event)
		mask = append(mask, fmt.Sprintf("CASE WHEN %s THEN %d ELSE 0 END", m, uint64(1)<<k))
		rank = append(rank, fmt.Sprintf("WHEN %s THEN %d", m, k))
	}
	xmask = append(xmask, "0")
	for x, e := range q.Funnel.Exclusions {
		f, err := b.flag(query.Node(e.Filter))
		if err != nil {
			return nil, err
		}
		names = append(names, e.Event)
		xmask = append(xmask, fmt.Sprintf("CASE WHEN name = %s AND %s THEN %d ELSE 0 END", b.arg(e.Event), f, uint64(1)<<x))
	}
	global, err := b.cond(q.GlobalNode())
	if err != nil {
		return nil, err
	}
	nameCond := global // strict: every event can break the chain
	if q.Funnel.Order != query.Strict {
		nameCond = b.names(names...) + " AND " + global
	}
	nv := len(q.Breakdown)
	var sb strings.Builder
	sb.WriteString(b.base(nameCond, true, cols...))
	fmt.Fprintf(&sb, ` SELECT usr, time, (%[1]s)::UBIGINT AS mask, (%[2]s)::UBIGINT AS xmask, bucket%[3]s FROM u
ORDER BY usr, time, CASE %[4]s ELSE %[5]d END, mask, xmask, name%[6]s`,
		strings.Join(mask, " + "), strings.Join(xmask, " + "), prefixed(vlist(nv, "")), strings.Join(rank, " "), n, prefixed(strings.Join(ties, ", ")))
	rows, err := b.query(ctx, conn, sb.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	sc := newFunnelScan(b)
	limit := query.MemoryLimit(ctx)
	var usr, cur uint64
	var e fev
	tup := make([]string, nv)
	dest := []any{&usr, &e.t, &e.mask, &e.xmask, &e.bucket}
	for i := range tup {
		dest = append(dest, &tup[i])
	}
	var evs []fev
	first := true
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, queryErr("query: read row", err)
		}
		if !first && usr != cur {
			sc.user(evs)
			evs = evs[:0]
		}
		first, cur = false, usr
		e.tuple = nil
		if nv > 0 {
			e.tuple = append([]string(nil), tup...)
		}
		evs = append(evs, e)
		// The Go side holds one user's events and a conversion time per
		// converting user and step.
		if limit > 0 && int64(len(evs))*fevBytes(nv)+sc.held*8 > limit {
			return nil, fmt.Errorf("duckdb store: funnel: %w", query.ErrMemoryLimit)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, queryErr("query", err)
	}
	if len(evs) > 0 {
		sc.user(evs)
	}
	return sc.result(), nil
}

// funnelScan accumulates the funnel over users.
type funnelScan struct {
	b          *qb
	held       int64 // conversion times kept
	n          int
	win        int64
	total      []int
	totalTimes [][]int64
	totalFrom  [][]int64
	byTuple    map[string]*tupleFunnel
	bk         *query.Buckets
	over       []query.FunnelBucket
}

type tupleFunnel struct {
	tuple  []string
	counts []int
	times  [][]int64 // from the previous step
	from   [][]int64 // from the first step
}

func newFunnelScan(b *qb) *funnelScan {
	n := len(b.q.Series)
	bk := query.MakeBuckets(b.q.Interval, b.loc, b.q.From, b.q.To)
	return &funnelScan{b: b, n: n, win: b.q.Funnel.WindowMillis(), total: make([]int, n), totalTimes: make([][]int64, n), totalFrom: make([][]int64, n),
		byTuple: map[string]*tupleFunnel{}, bk: bk, over: make([]query.FunnelBucket, len(bk.Keys))}
}

// run is the outcome of one attempt.
type run struct {
	start    int
	level    int
	at       []int // event index of each step reached
	excluded bool
}

// user scans one user's sorted events. Ordered funnels find each next step
// with a table of next occurrences, and exclusions with prefix counts.
func (f *funnelScan) user(evs []fev) {
	o := f.b.q.Funnel
	n := f.n
	var next [][]int // next[k][j]: first index >= j matching step k, or len
	var xcount [][]int
	if o.Order != query.AnyOrd {
		next = make([][]int, n)
		for k := range next {
			nk := make([]int, len(evs)+1)
			nk[len(evs)] = len(evs)
			for j := len(evs) - 1; j >= 0; j-- {
				nk[j] = nk[j+1]
				if evs[j].mask&(1<<k) != 0 {
					nk[j] = j
				}
			}
			next[k] = nk
		}
		xcount = make([][]int, len(o.Exclusions))
		for x := range xcount {
			c := make([]int, len(evs)+1)
			for j, e := range evs {
				c[j+1] = c[j]
				if e.xmask&(1<<x) != 0 {
					c[j+1]++
				}
			}
			xcount[x] = c
		}
	}
	best := run{level: -1}
	firstTouch := -1
	for i, e := range evs {
		if e.t < f.b.start || e.t >= f.b.end {
			continue
		}
		// last: the last event inside the window opened at i.
		last := i + sort.Search(len(evs)-i, func(j int) bool { return evs[i+j].t-e.t > f.win }) - 1
		var r run
		switch {
		case o.Order == query.AnyOrd:
			if e.mask == 0 {
				continue
			}
			r = run{start: i, level: -1}
			var done uint64
			for j := i; j <= last && r.level < n-1; j++ {
				if m := evs[j].mask &^ done; m != 0 {
					done |= m & -m
					r.level++
					r.at = append(r.at, j)
				}
			}
		default:
			if e.mask&1 == 0 {
				continue
			}
			r = run{start: i, at: []int{i}}
			for k := 1; k < n; k++ {
				j := r.at[k-1] + 1
				if o.Order == query.Ordered {
					j = next[k][j]
				} else if j < len(evs) && evs[j].mask&(1<<k) == 0 {
					break
				}
				if j > last {
					break
				}
				r.level = k
				r.at = append(r.at, j)
			}
			for x, ex := range o.Exclusions {
				if r.level < ex.From {
					continue
				}
				hi := last + 1
				if r.level >= ex.To {
					hi = r.at[ex.To]
				}
				if lo := r.at[ex.From] + 1; hi > lo && xcount[x][hi]-xcount[x][lo] > 0 {
					r.excluded = true
				}
			}
		}
		if firstTouch < 0 {
			firstTouch = i
		}
		if r.level > best.level || (r.level == best.level && best.excluded && !r.excluded) {
			best = r
		}
	}
	if best.level < 0 || best.excluded {
		return
	}
	t := f.byTuple[strings.Join(evs[firstTouch].tuple, "\x00")]
	if t == nil {
		t = &tupleFunnel{tuple: evs[firstTouch].tuple, counts: make([]int, n), times: make([][]int64, n), from: make([][]int64, n)}
		f.byTuple[strings.Join(evs[firstTouch].tuple, "\x00")] = t
	}
	for s := 0; s <= best.level; s++ {
		t.counts[s]++
		f.total[s]++
		if s > 0 {
			d := evs[best.at[s]].t - evs[best.at[s-1]].t
			t.times[s] = append(t.times[s], d)
			d0 := evs[best.at[s]].t - evs[best.at[0]].t
			t.from[s] = append(t.from[s], d0)
			f.totalFrom[s] = append(f.totalFrom[s], d0)
			f.held += 4
			f.totalTimes[s] = append(f.totalTimes[s], d)
		}
	}
	if bi := f.bk.Index(f.b.bucketKey(f.b.q.Interval, evs[best.start].bucket)); bi >= 0 {
		f.over[bi].Entered++
		if best.level == n-1 {
			f.over[bi].Converted++
		}
	}
}

func (f *funnelScan) result() *query.FunnelResult {
	q := f.b.q
	res := &query.FunnelResult{Steps: query.FunnelSteps(q, f.total, f.totalTimes, f.totalFrom), OverTime: f.over}
	for i := range f.over {
		f.over[i].Bucket = f.bk.Labels[i]
		if f.over[i].Entered > 0 {
			f.over[i].Conversion = float64(f.over[i].Converted) / float64(f.over[i].Entered)
		}
	}
	if len(q.Breakdown) > 0 {
		for _, t := range f.byTuple {
			res.Breakdowns = append(res.Breakdowns, query.FunnelBreakdown{Breakdown: t.tuple, Steps: query.FunnelSteps(q, t.counts, t.times, t.from)})
		}
		sort.Slice(res.Breakdowns, func(i, j int) bool {
			return query.CompareTuples(res.Breakdowns[i].Breakdown, res.Breakdowns[j].Breakdown) < 0
		})
	}
	return res
}

// fevBytes is about what one buffered event costs with n breakdown values.
func fevBytes(n int) int64 { return 64 + int64(n)*32 }
