package duckdb

import (
	"context"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/query"
)

// TestPurgedFileNotReadFromCache: with the Parquet metadata cache on,
// queries that have read a partition's files before a purge (so their
// footers are cached) see only the purged data afterwards, and the purge
// and a compaction leave no residue.
func TestPurgedFileNotReadFromCache(t *testing.T) {
	f := newPurgeFixture(t)
	s := f.s
	ctx := context.Background()
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	var on bool
	if err := s.db.QueryRowContext(ctx, "SELECT current_setting('parquet_metadata_cache')").Scan(&on); err != nil || !on {
		t.Fatalf("parquet_metadata_cache = %v, %v", on, err)
	}
	q := &query.Query{Kind: query.Trends, From: "2026-03-01", To: "2026-03-06", Series: []query.Series{{Math: query.Total}},
		Breakdown: []query.Property{{Name: "password"}}, BreakdownLimit: 1000}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	seen := func() (canaries int, total float64) {
		t.Helper()
		res, _, err := query.Run(ctx, s, query.Project{ID: 1}, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Trends.Series {
			for _, v := range r.Values {
				total += v
			}
			if strings.HasPrefix(r.Breakdown[0], "cnrypw") {
				canaries++
			}
		}
		return canaries, total
	}
	n, events := seen()
	if n != len(f.pw) || events < 600 {
		t.Fatalf("before the purge: %d of %d canaries, %v events", n, len(f.pw), events)
	}
	runPurge(t, s, "job-cache", []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"password"}}})
	if n, total := seen(); n != 0 || total != events {
		t.Errorf("after the purge: %d canaries read back, %v events of %v", n, total, events)
	}
	if _, err := s.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitObsolete(ctx); err != nil {
		t.Fatal(err)
	}
	if n, total := seen(); n != 0 || total != events {
		t.Errorf("after compaction: %d canaries read back, %v events of %v", n, total, events)
	}
	if hits := residue(t, f.dir, f.pw); len(hits) != 0 {
		t.Errorf("residue: %v", hits)
	}
}
