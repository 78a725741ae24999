package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/query"
)

// TestProfileBreakdown times the pieces of a $browser breakdown over an
// existing store (docs/PERFORMANCE.md, Hot properties as columns): the scan,
// the JSON extraction, the value, the grouping, the row count, the whole
// query, medians of 3. Skipped unless SIEVE_PROFILE_DIR names a store
// directory (e.g. BenchmarkQuery's DIR/store-1000000); SIEVE_PROFILE_NOHOT
// set reads props instead of the hot columns.
//
//	SIEVE_PROFILE_DIR=/tmp/qbench/store-1000000 go test -run TestProfileBreakdown -v ./internal/store/duckdb
func TestProfileBreakdown(t *testing.T) {
	dir := os.Getenv("SIEVE_PROFILE_DIR")
	if dir == "" {
		t.Skip()
	}
	s, err := Open(dir, Options{CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q, err := query.Parse([]byte(`{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"}],"breakdown":[{"property":"$browser"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p := query.Project{ID: 1, Location: time.UTC}
	props := q.Properties()
	if os.Getenv("SIEVE_PROFILE_NOHOT") != "" {
		props = nil
	}
	b := newQB(p, q)
	err = s.eventsAt(context.Background(), 1, 0, b.readEnd, props, func(ctx context.Context, conn *sql.Conn, rel string, v *version, hot []string) error {
		b.rel = rel
		b.setHot(hot)
		t.Logf("hot %v", hot)
		rng := fmt.Sprintf("time >= %d AND time < %d", b.readStart, b.readEnd)
		val := "j[1]"
		jx := "json_extract(props, ['/$browser'])"
		if len(hot) > 0 {
			val = "coalesce(hs1, hj1::VARCHAR)"
			jx = "NULL"
		}
		variants := []struct{ name, sql string }{
			{"count all", "SELECT count(*) FROM " + rel + " WHERE " + rng},
			{"count Page viewed", "SELECT count(*) FROM " + rel + " WHERE " + rng + " AND name = 'Page viewed'"},
			{"json_extract only", "SELECT count(j) FROM (SELECT " + jx + " AS j FROM " + rel + " WHERE " + rng + " AND name = 'Page viewed')"},
			{"value", "SELECT count(" + val + ") FROM (SELECT " + jx + " AS j, * FROM " + rel + " WHERE " + rng + " AND name = 'Page viewed')"},
			{"group day,value", "SELECT count(*) FROM (SELECT (time // 86400000) d, " + val + " v, count(*) FROM (SELECT " + jx + " AS j, * FROM " + rel + " WHERE " + rng + " AND name = 'Page viewed') GROUP BY ALL)"},
		}
		for _, vr := range variants {
			var ds []time.Duration
			for range 3 {
				st := time.Now()
				var n int64
				if err := conn.QueryRowContext(ctx, vr.sql).Scan(&n); err != nil {
					return fmt.Errorf("%s: %w", vr.name, err)
				}
				ds = append(ds, time.Since(st))
			}
			slices.Sort(ds)
			t.Logf("%-20s median %v (%v)", vr.name, ds[1].Round(time.Millisecond), ds)
		}
		var ds []time.Duration
		for range 3 {
			st := time.Now()
			if _, err := s.rowsIn(ctx, conn, v, 1, b.readStart, b.readEnd); err != nil {
				return err
			}
			ds = append(ds, time.Since(st))
		}
		slices.Sort(ds)
		t.Logf("%-20s median %v", "rowsIn", ds[1].Round(time.Millisecond))
		ds = nil
		for range 3 {
			st := time.Now()
			if _, err := b.trends(ctx, conn); err != nil {
				return err
			}
			ds = append(ds, time.Since(st))
		}
		slices.Sort(ds)
		t.Logf("%-20s median %v", "full trends", ds[1].Round(time.Millisecond))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
