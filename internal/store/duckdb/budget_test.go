package duckdb

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
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

// TestQueryMemoryLimit: a query's memory limit (query.WithMemoryLimit,
// the server's --query-memory) is DuckDB's memory_limit while it runs
// (the sum over running queries, at least minQueryMemory, at most the
// store's own), and the store's own once no limited query runs; a query
// within its limit is answered.
func TestQueryMemoryLimit(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{MemoryLimit: "1GiB"})
	defer s.Close()
	ctx := context.Background()
	mem := func() string {
		t.Helper()
		var v string
		if err := s.db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := mem(); v != "1.0 GiB" {
		t.Fatalf("memory_limit at start = %q", v)
	}
	r1, err := s.enterQueryLimit(64 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if v := mem(); v != "64.0 MiB" {
		t.Errorf("one query of 64 MiB: %q", v)
	}
	r2, err := s.enterQueryLimit(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if v := mem(); v != "65.0 MiB" {
		t.Errorf("two queries, 64 + 1 MiB: %q", v)
	}
	r3, err := s.enterQueryLimit(4 << 30)
	if err != nil {
		t.Fatal(err)
	}
	if v := mem(); v != "1.0 GiB" {
		t.Errorf("over the store's own limit: %q", v)
	}
	r3()
	r1()
	if v := mem(); v != "32.0 MiB" {
		t.Errorf("one query of 1 MiB (the floor): %q", v)
	}
	r2()
	if v := mem(); v != "1.0 GiB" {
		t.Errorf("after the queries: %q", v)
	}
	if r, err := s.enterQueryLimit(0); err != nil {
		t.Fatal(err)
	} else if v := mem(); v != "1.0 GiB" {
		t.Errorf("a query without a limit: %q", v)
	} else {
		r()
	}
	loadQueryData(t, s, querytest.Dataset(t))
	q, err := query.Parse([]byte(`{"kind":"trends","from":"2026-03-01","to":"2026-03-31","series":[{"math":"unique"}],"breakdown":[{"property":"plan"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := query.Run(query.WithMemoryLimit(ctx, 1<<20), s, query.Project{ID: querytest.ProjectID}, q); err != nil {
		t.Errorf("within its limit: %v", err)
	}
	if v := mem(); v != "1.0 GiB" {
		t.Errorf("after a limited query: %q", v)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"18.5 GiB": 37 << 29, "64.0 MiB": 64 << 20, "512 bytes": 512, "2GB": 0, "x": 0} {
		if got := parseSize(in); got != want {
			t.Errorf("parseSize(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestQueryMemoryLimitRefuses: a trends breakdown over 200,000 distinct
// values needs more than the 32 MiB a tiny query limit gives DuckDB: it
// fails with query.ErrMemoryLimit (the API's 422), DuckDB's memory_limit
// is restored, and the same query without a limit is answered.
func TestQueryMemoryLimitRefuses(t *testing.T) {
	if testing.Short() {
		t.Skip("200,000 rows")
	}
	s := mustOpen(t, t.TempDir(), Options{MemoryLimit: "2GiB"})
	defer s.Close()
	ctx := context.Background()
	var rows []event.Row
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := range 200_000 {
		rows = append(rows, event.Row{ProjectID: 7, Time: t0 + int64(i)*1000, Name: "e", DistinctID: fmt.Sprintf("u%d", i),
			InsertID: fmt.Sprintf("i%d", i), Props: []byte(fmt.Sprintf(`{"k":"%064d"}`, i))})
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	q, err := query.Parse([]byte(`{"kind":"trends","from":"2026-03-01","to":"2026-03-05","series":[{"event":"e","math":"unique"}],"breakdown":[{"property":"k"}],"breakdown_limit":10000}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := query.Run(query.WithMemoryLimit(ctx, 1<<20), s, query.Project{ID: 7}, q); !errors.Is(err, query.ErrMemoryLimit) {
		t.Errorf("1 MiB: %v, want query.ErrMemoryLimit", err)
	}
	var v string
	if err := s.db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&v); err != nil || v != "2.0 GiB" {
		t.Errorf("memory_limit after the refused query: %q %v", v, err)
	}
	res, _, err := query.Run(ctx, s, query.Project{ID: 7}, q)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Trends.Series); n != 10001 {
		t.Errorf("unlimited: %d series, want 10,000 values and $other", n)
	}
}

// TestThreadsOption: Options.Threads (the server's --threads) is DuckDB's
// thread count, read back from DuckDB itself; 0 leaves DuckDB's default.
func TestThreadsOption(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 3} {
		s := mustOpen(t, t.TempDir(), Options{Threads: n})
		got, err := s.Threads(ctx)
		s.Close()
		if err != nil || got != n {
			t.Errorf("Options{Threads: %d}: DuckDB has %d threads (%v)", n, got, err)
		}
	}
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	if got, err := s.Threads(ctx); err != nil || got < 1 {
		t.Errorf("default: DuckDB has %d threads (%v)", got, err)
	}
}

// TestQueryMemoryNotLowered: DuckDB refuses to lower memory_limit below
// what it holds (a compaction beside the query can hold more). The query
// then runs under the limit in force instead of failing, and neither it
// nor the next ones hang: the error path once released the thread budget
// with the budget's lock held, and every later query waited forever.
func TestQueryMemoryNotLowered(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{QueryThreads: 1, MemoryLimit: "2GiB"})
	defer s.Close()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli()
	if _, err := s.Append(ctx, []event.Row{{ProjectID: 7, Time: t0, Name: "e", DistinctID: "u", InsertID: "i", Props: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	q, err := query.Parse([]byte(`{"kind":"trends","from":"2026-03-01","to":"2026-03-02","series":[{"event":"e"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	real := setMemoryLimit
	defer func() { setMemoryLimit = real }()
	setMemoryLimit = func(s *Store, stmt string) (any, error) {
		return nil, errors.New("Out of Memory Error: Failed to change memory limit to new limit: could not free up enough memory")
	}
	done := make(chan error, 1)
	go func() {
		for range 3 {
			if _, _, err := query.Run(query.WithMemoryLimit(ctx, 64<<20), s, query.Project{ID: 7}, q); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("a query whose memory limit DuckDB would not lower: %v, want an answer", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("queries hang after DuckDB refused a memory limit")
	}
	setMemoryLimit = real
	var v string
	if err := s.db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&v); err != nil || v != "2.0 GiB" {
		t.Errorf("memory_limit after the queries: %q %v", v, err)
	}
}
