package duckdb

import (
	"context"
	"fmt"
	"sync"
)

// queryBudget lowers DuckDB's thread count to Options.QueryThreads while
// at least one query runs, and restores it when the last one ends.
// DuckDB's threads setting is global (there is no per-connection one), so
// the budget applies to everything DuckDB runs meanwhile: queries, seals,
// compaction and purges; ingestion's inserts run on their caller's thread
// and are not limited by it.
type queryBudget struct {
	mu      sync.Mutex
	running int
	full    int64 // the thread count outside queries
}

// enterQuery starts a query under the budget and returns its release.
// The settings are changed outside the query's context: they take no
// time, and a cancelled query must report its cancellation, not a failed
// setting.
func (s *Store) enterQuery() (release func(), err error) {
	ctx := context.Background()
	n := s.opts.QueryThreads
	if n <= 0 {
		return func() {}, nil
	}
	b := &s.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running == 0 {
		if err := s.db.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&b.full); err != nil {
			return nil, safeErr("query: read thread count", err)
		}
		if int64(n) < b.full {
			if _, err := s.db.ExecContext(ctx, fmt.Sprintf("SET GLOBAL threads = %d", n)); err != nil {
				return nil, safeErr("query: set thread budget", err)
			}
		}
	}
	b.running++
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.running--; b.running == 0 && int64(n) < b.full {
			if _, err := s.db.ExecContext(context.Background(), fmt.Sprintf("SET GLOBAL threads = %d", b.full)); err != nil {
				s.log.Error("restore DuckDB's thread count after queries", "err", err)
			}
		}
	}, nil
}
