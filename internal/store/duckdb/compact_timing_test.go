package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestCompactBenchmark measures query-shaped scans (count by day, uniques
// by day) over events spread over 30 days and many seal cycles, before and
// after compaction, in one run. It runs only with SIEVE_COMPACT_BENCH_EVENTS
// set (e.g. 1200000); SIEVE_COMPACT_BENCH_SEALS_PER_DAY (default 24) is how
// many seals a day of events goes through, as a live server sealing every
// SealAge would. Results are printed.
func TestCompactBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SIEVE_COMPACT_BENCH_EVENTS"))
	if n <= 0 {
		t.Skip("set SIEVE_COMPACT_BENCH_EVENTS to run")
	}
	perDay, _ := strconv.Atoi(os.Getenv("SIEVE_COMPACT_BENCH_SEALS_PER_DAY"))
	if perDay <= 0 {
		perDay = 24
	}
	s := mustOpen(t, t.TempDir(), Options{CompactInterval: -1, SealAge: -1})
	defer s.Close()
	ctx := context.Background()
	const days = 30
	base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	sealEvery := max(n/(days*perDay), 1)
	start := time.Now()
	rows := make([]event.Row, 0, sealEvery)
	seals := 0
	for k := 0; k < n; k++ {
		// Events arrive in time order, as from live SDKs.
		tm := base + int64(k)*(days*dayMs)/int64(n)
		user := k % 50000
		props := fmt.Sprintf(`{"$current_url":"https://shop.example.com/products/%d","$browser":"Chrome","$os":"Mac OS X","$screen_width":1920,"mp_lib":"web","$lib_version":"2.55.0","$device_id":"d-%d","$user_id":"user-%d","plan":"%s","price":%d}`,
			k%5000, user*3, user, []string{"free", "pro", "team"}[k%3], k%200)
		rows = append(rows, event.Row{ProjectID: 1, Time: tm, Name: []string{"page_view", "click", "sign_up", "purchase"}[k%4],
			DistinctID: "user-" + strconv.Itoa(user), InsertID: strconv.Itoa(k), Props: []byte(props)})
		if len(rows) == cap(rows) || k == n-1 {
			mustAppend(t, s, rows)
			rows = rows[:0]
			if err := s.Seal(ctx); err != nil {
				t.Fatal(err)
			}
			seals++
		}
	}
	t.Logf("loaded %d events in %d seals in %v: %+v", n, seals, time.Since(start).Round(time.Millisecond), s.Stats())

	queries := []struct{ name, sql string }{
		{"count by day", "SELECT time // 86400000 AS d, count(*) FROM %s GROUP BY d ORDER BY d"},
		{"uniques by day", "SELECT time // 86400000 AS d, count(DISTINCT distinct_id) FROM %s GROUP BY d ORDER BY d"},
		{"uniques by day ($user_id)", `SELECT time // 86400000 AS d, count(DISTINCT props->>'$."$user_id"') FROM %s GROUP BY d ORDER BY d`},
	}
	measure := func() []time.Duration {
		var out []time.Duration
		for _, q := range queries {
			var runs []time.Duration
			var sum int64
			for r := 0; r < 7; r++ {
				t0 := time.Now()
				sum = 0
				err := s.Events(ctx, 1, base, base+days*dayMs, func(ctx context.Context, conn *sql.Conn, rel string) error {
					res, err := conn.QueryContext(ctx, fmt.Sprintf(q.sql, rel))
					if err != nil {
						return err
					}
					defer res.Close()
					for res.Next() {
						var d, c int64
						if err := res.Scan(&d, &c); err != nil {
							return err
						}
						sum += c
					}
					return res.Err()
				})
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, time.Since(t0))
			}
			slices.Sort(runs)
			out = append(out, runs[len(runs)/2])
			if q.name == "count by day" && sum != int64(n) {
				t.Fatalf("count by day sums to %d, want %d", sum, n)
			}
		}
		return out
	}
	groups := func() (files, groups int) {
		v := s.acquire()
		defer s.release(v)
		for p, fs := range v.parts {
			for _, f := range fs {
				files++
				var g int
				if err := s.db.QueryRow(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata(` + quote(f.parquet(s.dir, p)) + `)`).Scan(&g); err != nil {
					t.Fatal(err)
				}
				groups += g
			}
		}
		return files, groups
	}
	f0, g0 := groups()
	before := measure()
	t1 := time.Now()
	res, err := s.Compact(ctx)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(t1)
	if err := s.WaitObsolete(ctx); err != nil {
		t.Fatal(err)
	}
	f1, g1 := groups()
	after := measure()
	t.Logf("compaction: %+v in %v (%.0f rows/s)", res, took.Round(time.Millisecond), float64(res.Rows)/took.Seconds())
	t.Logf("before: %d files, %d row groups (%.0f rows each); after: %d files, %d row groups (%.0f rows each)",
		f0, g0, float64(n)/float64(g0), f1, g1, float64(n)/float64(g1))
	for i, q := range queries {
		t.Logf("%-26s before %8.1f ms  after %8.1f ms  ratio %.2fx", q.name,
			float64(before[i].Microseconds())/1000, float64(after[i].Microseconds())/1000, float64(before[i])/float64(after[i]))
	}
}
