package query

import (
	"time"
)

// Range is the query's time range in Unix milliseconds: local midnight of
// From (inclusive) to local midnight after To (exclusive).
func (q *Query) Range(loc *time.Location) (start, end int64) {
	f, _ := time.Parse(time.DateOnly, q.From)
	t, _ := time.Parse(time.DateOnly, q.To)
	return LocalMidnight(f, loc).UnixMilli(), LocalMidnight(t.AddDate(0, 0, 1), loc).UnixMilli()
}

// LocalMidnight is the first instant of d's calendar day in loc (on the
// rare days that skip midnight, the first instant that exists).
func LocalMidnight(d time.Time, loc *time.Location) time.Time {
	m := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	if m.Day() != d.Day() { // midnight skipped by DST: the day starts at 01:00
		m = time.Date(d.Year(), d.Month(), d.Day(), 1, 0, 0, 0, loc)
	}
	return m
}

// Buckets are the time buckets of a query: Keys[i] identifies bucket i
// (see BucketKey) and Labels[i] is how results name it.
type Buckets struct {
	Interval Interval
	Starts   []int64 // Unix ms of each bucket's first instant (week and month: may precede the range)
	Keys     []string
	Labels   []string
	index    map[string]int
}

// MakeBuckets lists the buckets of interval iv covering the local dates
// from..to in loc.
func MakeBuckets(iv Interval, loc *time.Location, from, to string) *Buckets {
	f, _ := time.Parse(time.DateOnly, from)
	t, _ := time.Parse(time.DateOnly, to)
	b := &Buckets{Interval: iv, index: map[string]int{}}
	add := func(start time.Time, key, label string) {
		b.index[key] = len(b.Keys)
		b.Starts = append(b.Starts, start.UnixMilli())
		b.Keys = append(b.Keys, key)
		b.Labels = append(b.Labels, label)
	}
	switch iv {
	case Hour:
		start, end := LocalMidnight(f, loc), LocalMidnight(t.AddDate(0, 0, 1), loc)
		for h := start; h.Before(end); h = h.Add(time.Hour) {
			k := h.In(loc).Format(time.RFC3339)
			add(h, k, k)
		}
	default:
		for d := TruncDate(f, iv); !d.After(t); d = nextDate(d, iv) {
			k := d.Format(time.DateOnly)
			add(LocalMidnight(d, loc), k, k)
		}
	}
	return b
}

// TruncDate is the first day of the bucket of interval iv (day, week or
// month) that holds the calendar date d (a UTC midnight).
func TruncDate(d time.Time, iv Interval) time.Time {
	switch iv {
	case Week:
		wd := (int(d.Weekday()) + 6) % 7 // Monday = 0
		return d.AddDate(0, 0, -wd)
	case Month:
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

func nextDate(d time.Time, iv Interval) time.Time {
	switch iv {
	case Week:
		return d.AddDate(0, 0, 7)
	case Month:
		return d.AddDate(0, 1, 0)
	}
	return d.AddDate(0, 0, 1)
}

// Index is the bucket with key k, or -1.
func (b *Buckets) Index(k string) int {
	if i, ok := b.index[k]; ok {
		return i
	}
	return -1
}

// Offset is the UTC offset (ms) of a time zone from instant At on.
type Offset struct {
	At     int64 // Unix ms; the first Offset's At is the range start
	Offset int64 // ms east of UTC
}

// Offsets lists the UTC offsets of loc over [start, end) Unix ms, one entry
// per change (DST), so that a backend can turn instants into local time
// without a time-zone database.
func Offsets(loc *time.Location, start, end int64) []Offset {
	var out []Offset
	t := time.UnixMilli(start).In(loc)
	for {
		_, off := t.Zone()
		out = append(out, Offset{At: t.UnixMilli(), Offset: int64(off) * 1000})
		_, next := t.ZoneBounds()
		if next.IsZero() || next.UnixMilli() >= end {
			return out
		}
		t = next.In(loc)
	}
}

// ReadRange is the range of events a backend reads to answer q: the query
// range, widened for rolling maths (wau, mau: 30 days before), funnel
// conversions (the window after To) and retention returns (Intervals+1
// times Width buckets after To). Retention's first-time cohorts also look at every
// earlier event (start 0). User links (see Users) come from [0, end).
func (q *Query) ReadRange(loc *time.Location) (start, end int64) {
	start, end = q.Range(loc)
	switch q.Kind {
	case Trends:
		for _, s := range q.Series {
			if s.Math == WAU || s.Math == MAU {
				f, _ := time.Parse(time.DateOnly, q.From)
				start = min(start, LocalMidnight(f.AddDate(0, 0, -29), loc).UnixMilli())
			}
		}
	case Funnels:
		end += q.Funnel.WindowMillis()
	case Retention:
		t, _ := time.Parse(time.DateOnly, q.To)
		last := TruncDate(t, q.Interval)
		for range (q.Retention.Intervals + 1) * max(q.Retention.Width, 1) {
			last = nextDate(last, q.Interval)
		}
		end = LocalMidnight(last, loc).UnixMilli()
		if q.Retention.Type == FirstTime {
			start = 0
		}
	}
	return start, end
}

// PeriodsBetween is how many buckets of interval iv (day, week, month)
// separate the bucket of local date a from that of b (b after a: positive).
func PeriodsBetween(iv Interval, a, b time.Time) int {
	switch iv {
	case Month:
		return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	case Week:
		return int(TruncDate(b, Week).Sub(TruncDate(a, Week)).Hours()) / (24 * 7)
	}
	return int(b.Sub(a).Hours()) / 24
}
