package duckdb

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/eventgen"
	"github.com/sieve-analytics/sieve/internal/query"
)

var (
	benchEvents       = flag.Int("query.events", 1_000_000, "BenchmarkQuery: events in the dataset (100 per user, over 30 days)")
	benchQueryThreads = flag.Int("query.threads", 0, "BenchmarkIngestDuringFunnel and BenchmarkQuery: Options.QueryThreads")
	benchDir          = flag.String("query.dir", "", "BenchmarkQuery: keep the dataset in this directory and reuse it (default: a temporary one)")
	benchCompact      = flag.Bool("query.compact", false, "BenchmarkQuery: compact the dataset's partitions (writing the hot columns) before timing")
)

var benchStart = eventgen.Start

// benchDataset appends a realistic dataset of n events (eventgen's, with
// its StoreNames): 100 per user over 30 days, in sessions; a third of
// users sign up (Viewed signup, Signed up, Completed onboarding) and are
// identified from then on; ~40 properties per event.
func benchDataset(b *testing.B, s *Store, n int) {
	_, err := eventgen.Generate(eventgen.Config{Events: n, Names: eventgen.StoreNames, Batch: 20_000}, func(rows []event.Row) error {
		_, err := s.Append(context.Background(), rows)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Seal(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// benchQueries are the questions the issue times, as query documents and
// as hand-written SQL over one native table (users: $user_id, else
// $device_id, else distinct_id; no identify links).
var benchQueries = []struct {
	name, doc, native string
}{
	{"trends_total_day", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"math":"total"}]}`,
		`SELECT CAST(epoch_ms(time) AS DATE) d, count(*) FROM events WHERE time >= $1 AND time < $2 GROUP BY d`},
	{"trends_unique_day", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"math":"unique"}]}`,
		`SELECT CAST(epoch_ms(time) AS DATE) d, count(DISTINCT coalesce(props->>'$."$user_id"', props->>'$."$device_id"', distinct_id)) FROM events WHERE time >= $1 AND time < $2 GROUP BY d`},
	{"breakdown_browser", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"}],"breakdown":[{"property":"$browser"}]}`,
		`SELECT CAST(epoch_ms(time) AS DATE) d, props->>'$."$browser"' b, count(*) FROM events WHERE time >= $1 AND time < $2 AND name = 'Page viewed' GROUP BY d, b`},
	{"breakdown_expr", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"}],"breakdown":[{"expr":"string(properties[\"$browser\"]) == \"Chrome\""}]}`,
		`SELECT CAST(epoch_ms(time) AS DATE) d, (props->>'$."$browser"') = 'Chrome' b, count(*) FROM events WHERE time >= $1 AND time < $2 AND name = 'Page viewed' GROUP BY d, b`},
	{"addiction_week_hours", `{"kind":"addiction","from":"2026-01-05","to":"2026-02-03","interval":"week","series":[{"event":"Page viewed"}],"addiction":{"unit":"hour"}}`,
		`WITH x AS (SELECT date_trunc('week', CAST(epoch_ms(time) AS DATE)) w, coalesce(props->>'$."$user_id"', props->>'$."$device_id"', distinct_id) u, count(DISTINCT time // 3600000) n
		  FROM events WHERE time >= $1 AND time < $2 AND name = 'Page viewed' GROUP BY ALL)
		SELECT w, n, count(*) FROM x GROUP BY ALL`},
	{"funnel_3_steps_7d", `{"kind":"funnels","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Viewed signup"},{"event":"Signed up"},{"event":"Completed onboarding"}],"funnel":{"window":7}}`,
		`WITH e AS (SELECT coalesce(props->>'$."$user_id"', props->>'$."$device_id"', distinct_id) u, time, name FROM events
		  WHERE time >= $1 AND time < $2 + 7*86400000::BIGINT AND name IN ('Viewed signup', 'Signed up', 'Completed onboarding')),
		s1 AS (SELECT u, time t1 FROM e WHERE name = 'Viewed signup' AND time < $2),
		s2 AS (SELECT s1.u, s1.t1, min(e.time) t2 FROM s1 JOIN e ON e.u = s1.u AND e.name = 'Signed up' AND e.time > s1.t1 AND e.time <= s1.t1 + 7*86400000 GROUP BY ALL),
		s3 AS (SELECT s2.u FROM s2 JOIN e ON e.u = s2.u AND e.name = 'Completed onboarding' AND e.time > s2.t2 AND e.time <= s2.t1 + 7*86400000)
		SELECT (SELECT count(DISTINCT u) FROM s1), (SELECT count(DISTINCT u) FROM s2), (SELECT count(DISTINCT u) FROM s3)`},
	{"retention_8_weeks", `{"kind":"retention","from":"2026-01-05","to":"2026-02-03","interval":"week","retention":{"start":{"event":"Signed up"},"return":{},"intervals":8}}`,
		`WITH e AS (SELECT coalesce(props->>'$."$user_id"', props->>'$."$device_id"', distinct_id) u, time, name, date_trunc('week', CAST(epoch_ms(time) AS DATE)) w FROM events WHERE time < $2 + 63*86400000::BIGINT),
		c AS (SELECT u, min(w) cw, min(time) t0 FROM e WHERE name = 'Signed up' GROUP BY u HAVING t0 >= $1 AND t0 < $2),
		r AS (SELECT DISTINCT u, w FROM e)
		SELECT c.cw, date_diff('week', c.cw, r.w) p, count(*) FROM c JOIN r USING (u) WHERE date_diff('week', c.cw, r.w) BETWEEN 0 AND 8 GROUP BY ALL`},
}

// BenchmarkQuery times the questions on the store (sieve) and as
// hand-written SQL over one native DuckDB table of the same rows (native):
//
//	go test -run XXX -bench Query -benchtime 5x -query.events 1000000 -query.dir /tmp/qbench ./internal/store/duckdb
func BenchmarkQuery(b *testing.B) {
	s, nativePath := benchStore(b)
	defer s.Close()
	native, err := sql.Open("duckdb", nativePath+"?access_mode=read_only")
	if err != nil {
		b.Fatal(err)
	}
	defer native.Close()
	from, to := benchStart.UnixMilli(), benchStart.AddDate(0, 0, 30).UnixMilli()
	p := query.Project{ID: 1, Location: time.UTC}
	for _, bq := range benchQueries {
		q, err := query.Parse([]byte(bq.doc))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bq.name+"/sieve", func(b *testing.B) {
			for b.Loop() {
				if _, _, err := query.Run(context.Background(), s, p, q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bq.name+"/native", func(b *testing.B) {
			for b.Loop() {
				rows, err := native.Query(bq.native, from, to)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				if err := rows.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchStore opens the benchmark's store (loading the dataset and the
// native table the first time in -query.dir) and returns it with the
// native table's path.
func benchStore(b *testing.B) (*Store, string) {
	dir := *benchDir
	if dir == "" {
		dir = b.TempDir()
	}
	storeDir := filepath.Join(dir, fmt.Sprintf("store-%d", *benchEvents))
	_, statErr := os.Stat(filepath.Join(storeDir, "loaded"))
	s, err := Open(storeDir, Options{QueryThreads: *benchQueryThreads})
	if err != nil {
		b.Fatal(err)
	}
	nativePath := filepath.Join(storeDir, "native.duckdb")

	if statErr != nil {
		start := time.Now()
		benchDataset(b, s, *benchEvents)
		b.Logf("loaded %d events in %v", *benchEvents, time.Since(start))
		os.Remove(nativePath)
		err := s.Events(context.Background(), 1, 0, 1<<62, func(ctx context.Context, conn *sql.Conn, rel string) error {
			if _, err := conn.ExecContext(ctx, "ATTACH '"+nativePath+"' AS native"); err != nil {
				return err
			}
			defer conn.ExecContext(context.Background(), "DETACH native")
			_, err := conn.ExecContext(ctx, "CREATE TABLE native.events AS SELECT time, name, distinct_id, props::JSON AS props FROM "+rel+" ORDER BY time")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(storeDir, "loaded"), nil, 0o600)
	}
	if *benchCompact {
		start := time.Now()
		res, err := s.Compact(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("compacted %d partitions (%d files, %d rows) in %v", res.Partitions, res.FilesIn, res.Rows, time.Since(start))
	}
	return s, nativePath
}

// BenchmarkIngestDuringFunnel measures ingestion (8 callers making calls of
// 100 events to Store.Append, as the ingest pipeline does, into another
// project)
// for a few seconds idle, then while a funnel query over the benchmark
// dataset runs in a loop; it reports events/s and the p99 time of a call
// in both phases:
//
//	go test -run XXX -bench IngestDuringFunnel -benchtime 1x ./internal/store/duckdb -args -query.dir /tmp/qbench
func BenchmarkIngestDuringFunnel(b *testing.B) {
	s, _ := benchStore(b)
	defer s.Close()
	i := slices.IndexFunc(benchQueries, func(q struct{ name, doc, native string }) bool { return q.name == "funnel_3_steps_7d" })
	q, err := query.Parse([]byte(benchQueries[i].doc))
	if err != nil {
		b.Fatal(err)
	}
	p := query.Project{ID: 1, Location: time.UTC}
	var seq atomic.Int64
	// ingest runs 8 callers for d, as concurrent HTTP requests would.
	ingest := func(d time.Duration) (perSec float64, p99 time.Duration) {
		var mu sync.Mutex
		var lat []time.Duration
		var n atomic.Int64
		start := time.Now()
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Since(start) < d {
					rows := make([]event.Row, 100)
					for i := range rows {
						k := seq.Add(1)
						rows[i] = event.Row{ProjectID: 2, Time: time.Now().UnixMilli(), Name: "Page viewed", DistinctID: fmt.Sprint("u", k%1000),
							InsertID: fmt.Sprint("ing-", time.Now().UnixNano(), "-", k), Props: []byte(`{"$browser":"Chrome","$current_url":"https://example.com/p/1","plan":"pro","amount":12}`)}
					}
					t0 := time.Now()
					if _, err := s.Append(context.Background(), rows); err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					lat = append(lat, time.Since(t0))
					mu.Unlock()
					n.Add(int64(len(rows)))
				}
			}()
		}
		wg.Wait()
		slices.Sort(lat)
		return float64(n.Load()) / time.Since(start).Seconds(), lat[len(lat)*99/100]
	}
	for b.Loop() {
		idle, idleP99 := ingest(5 * time.Second)
		ctx, cancel := context.WithCancel(context.Background())
		var queries atomic.Int64
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, _, err := query.Run(ctx, s, p, q); err != nil && ctx.Err() == nil {
					b.Error(err)
					return
				}
				queries.Add(1)
			}
		}()
		time.Sleep(500 * time.Millisecond) // the first query is under way
		busy, busyP99 := ingest(10 * time.Second)
		cancel()
		wg.Wait()
		b.ReportMetric(idle, "idle-events/s")
		b.ReportMetric(float64(idleP99.Microseconds())/1000, "idle-p99-ms")
		b.ReportMetric(busy, "busy-events/s")
		b.ReportMetric(float64(busyP99.Microseconds())/1000, "busy-p99-ms")
		b.ReportMetric(busy/idle, "busy/idle")
		b.ReportMetric(float64(queries.Load()), "funnels")
	}
}
