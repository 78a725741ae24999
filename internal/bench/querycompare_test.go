package bench

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/eventgen"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

var (
	cmpEvents = flag.Int("qcmp.events", 300_000, "BenchmarkQueryBackends: events")
	cmpDir    = flag.String("qcmp.dir", "", "BenchmarkQueryBackends: keep the DuckDB store here between runs")
)

// BenchmarkQueryBackends times the same queries on the same rows in the
// DuckDB store and on the ClickHouse cluster of SIEVE_CH_URL (trends
// without properties in SQL, the rest by rows through query/rowengine),
// after checking that both give the same answers:
//
//	go test ./internal/bench -run '^$' -bench QueryBackends -benchtime 5x -qcmp.dir /tmp/qcmp
func BenchmarkQueryBackends(b *testing.B) {
	u := os.Getenv("SIEVE_CH_URL")
	if u == "" {
		b.Skip("SIEVE_CH_URL is not set (scripts/clickhouse-cluster up)")
	}
	ctx := context.Background()
	n := *cmpEvents
	var rows []event.Row
	var known map[string]bool
	dir := *cmpDir
	if dir == "" {
		dir = b.TempDir()
	}
	ddir := filepath.Join(dir, fmt.Sprintf("duckdb-%d", n))
	_, statErr := os.Stat(filepath.Join(ddir, "loaded"))
	dk, err := duckdb.Open(ddir, duckdb.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer dk.Close()
	if statErr != nil {
		rows, known = cmpRows(n)
		for i := 0; i < len(rows); i += 20_000 {
			if _, err := dk.Append(ctx, rows[i:min(i+20_000, len(rows))]); err != nil {
				b.Fatal(err)
			}
		}
		if err := dk.Seal(ctx); err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(ddir, "loaded"), nil, 0o600)
	}
	cfg, err := clickhouse.ParseURL(u)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Database = fmt.Sprintf("bench_cmp_%d", n) // kept for the next run; dropped with the cluster
	ch, err := clickhouse.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer ch.Close()
	p := query.Project{ID: 1, Location: time.UTC}
	all := &query.Query{Kind: query.Trends, From: "2026-01-01", To: "2026-03-31", Interval: query.Month, Series: []query.Series{{}}}
	if err := all.Validate(); err != nil {
		b.Fatal(err)
	}
	if res, _, err := query.Run(ctx, ch, p, all); err != nil || sumValues(res.Trends.Series) < float64(n) {
		if rows == nil {
			rows, known = cmpRows(n)
		}
		for i := 0; i < len(rows); i += 50_000 {
			if err := ch.BulkLoad(ctx, rows[i:min(i+50_000, len(rows))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	if known == nil {
		_, known = cmpRows(n)
	}
	p.KnownProperty = func(name string) bool { return known[name] }
	backends := []struct {
		name string
		b    query.Backend
	}{{"duckdb", dk}, {"clickhouse", ch}}
	for _, cq := range cmpQueries {
		q, err := query.Parse([]byte(cq.doc))
		if err != nil {
			b.Fatal(err)
		}
		var answers [][]byte
		for _, be := range backends {
			res, _, err := query.Run(ctx, be.b, p, q)
			if err != nil {
				b.Fatalf("%s on %s: %v", cq.name, be.name, err)
			}
			j, _ := json.Marshal(res)
			answers = append(answers, j)
		}
		if d := querytest.Diff(answers[0], answers[1]); d != "" {
			b.Fatalf("%s: the backends differ: %s", cq.name, d)
		}
		for _, be := range backends {
			b.Run(cq.name+"/"+be.name, func(b *testing.B) {
				for range b.N {
					if _, _, err := query.Run(ctx, be.b, p, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// cmpRows is `sieve bench query`'s dataset in one slice, and its
// property names.
func cmpRows(n int) ([]event.Row, map[string]bool) {
	var rows []event.Row
	known, _ := eventgen.Generate(eventgen.Config{Events: n, Names: eventgen.BackendNames, Exact: true}, func(b []event.Row) error {
		rows = append(rows, b...)
		return nil
	})
	return rows, known
}

func sumValues(ss []query.TrendSeries) float64 {
	t := 0.0
	for _, s := range ss {
		for _, v := range s.Values {
			t += v
		}
	}
	return t
}
