package duckdb

import (
	"context"
	"errors"
	"testing"

	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
)

// TestQueryBudget: DuckDB runs with QueryThreads threads while any query
// runs, and with its own count again once the last one ends; answers are
// unchanged under the budget.
func TestQueryBudget(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{Threads: 2, QueryThreads: 1})
	defer s.Close()
	ctx := context.Background()
	threads := func() int64 {
		t.Helper()
		var n int64
		if err := s.db.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := threads(); n != 2 {
		t.Fatalf("threads at start = %d", n)
	}
	r1, err := s.enterQuery()
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.enterQuery()
	if err != nil {
		t.Fatal(err)
	}
	if n := threads(); n != 1 {
		t.Errorf("threads during two queries = %d, want 1", n)
	}
	r1()
	if n := threads(); n != 1 {
		t.Errorf("threads while one query is left = %d, want 1", n)
	}
	r2()
	if n := threads(); n != 2 {
		t.Errorf("threads after the queries = %d, want 2", n)
	}
	loadQueryData(t, s, querytest.Dataset(t))
	q, err := query.Parse([]byte(`{"kind":"funnels","from":"2026-03-01","to":"2026-03-31","series":[{"event":"Viewed page"},{"event":"Signed up"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := query.Run(ctx, s, query.Project{ID: querytest.ProjectID}, q); err != nil {
		t.Fatal(err)
	}
	if n := threads(); n != 2 {
		t.Errorf("threads after a funnel = %d, want 2", n)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := query.Run(cctx, s, query.Project{ID: querytest.ProjectID}, q); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled under the budget: %v", err)
	}
	if n := threads(); n != 2 {
		t.Errorf("threads after a cancelled query = %d, want 2", n)
	}
}

func TestQueryConformanceBudget(t *testing.T) {
	querytest.Run(t, openQuery(Options{QueryThreads: 1}))
}
