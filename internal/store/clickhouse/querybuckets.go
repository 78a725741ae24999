package clickhouse

import (
	"fmt"
	"sort"

	"github.com/sieve-analytics/sieve/internal/query"
)

// Placing an event in its bucket. The buckets (query.MakeBuckets: local
// days, weeks, months or hours of the project's time zone) are computed
// here; the cluster uses no time zone function of its own.
//
// The range [start, end) is cut into slots of one width w, the greatest
// common divisor of the distances from start to every bucket boundary
// inside the range and to end, so that no slot straddles a boundary
// (a UTC day: w is 24 h; a day of a zone with a DST change: 1 h, or
// 30 min for Lord Howe Island). The slot-to-bucket table travels as the
// external table q_slots and an event's bucket is one array look-up,
// arrayElement(sb, intDiv(time - start, w) + 1). Beyond maxSlots slots
// the older form, arrayCount over the bucket starts, is used: it costs a
// comparison per bucket and row (the array it builds per row was most of
// the time of a 1M-event trends query, docs/PERFORMANCE.md).

// maxSlots bounds the slot table: 18.16's entry server folds the scalar
// into an array literal of the text it sends to the shards, which must
// stay under max_query_size (256 KiB); 20,000 slots of bucket numbers up
// to 5,000 take about 120 KB. Two years of daily buckets in a zone with
// DST changes are 17,520 hourly slots.
const maxSlots = 20_000

// bucketSQL is how a statement places an event: with, its WITH clause
// (a scalar read once from the external table), expr, the 1-based bucket
// index of the row's time (Int64), and ext, the external table. Rows
// must have start <= time < end.
type bucketSQL struct {
	with, expr string
	ext        extTable
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// slots is the slot width and the 1-based bucket of each slot of [start,
// end), or ok false when there would be more than maxSlots.
func slots(bk *query.Buckets, start, end int64) (width int64, buckets []int64, ok bool) {
	if end <= start {
		return 0, nil, false
	}
	width = end - start
	for _, s := range bk.Starts {
		if s > start && s < end {
			width = gcd(width, s-start)
		}
	}
	n := (end - start) / width
	if n > maxSlots {
		return 0, nil, false
	}
	buckets = make([]int64, n)
	for i := range buckets {
		t := start + int64(i)*width
		// The bucket holding t: the number of bucket starts at or before it.
		buckets[i] = int64(sort.Search(len(bk.Starts), func(j int) bool { return bk.Starts[j] > t }))
	}
	return width, buckets, true
}

// makeBucketSQL places the events of [start, end) in the buckets of bk.
func makeBucketSQL(bk *query.Buckets, start, end int64) bucketSQL {
	if width, buckets, ok := slots(bk, start, end); ok {
		var w rbWriter
		for i, b := range buckets {
			w.i64(int64(i))
			w.i64(b)
		}
		// arraySort of (slot, bucket) pairs: the order of an external
		// table's rows in groupArray is not relied on.
		return bucketSQL{
			with: "WITH (SELECT arrayMap(x -> tupleElement(x, 2), arraySort(groupArray((i, b)))) FROM q_slots) AS sb",
			expr: fmt.Sprintf("arrayElement(sb, intDiv(time - %d, %d) + 1)", start, width),
			ext:  extTable{name: "q_slots", structure: "i Int64, b Int64", data: w.b},
		}
	}
	var w rbWriter
	for _, v := range bk.Starts {
		w.i64(v)
	}
	// The lambda takes time as an argument: ClickHouse 18.16 loses a
	// column a lambda captures when the query aggregates another.
	return bucketSQL{
		with: "WITH (SELECT groupArray(s) FROM q_buckets) AS st",
		expr: "toInt64(arrayCount((x, t) -> x <= t, st, replicate(time, st)))",
		ext:  extTable{name: "q_buckets", structure: "s Int64", data: w.b},
	}
}
