package duckdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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

	// Memory (enterQueryLimit): while queries with a memory limit run,
	// DuckDB's memory_limit (global, like threads) is the sum of their
	// limits, at least minQueryMemory, never above its value outside them.
	limited  int    // running queries with a limit
	sum      int64  // the sum of their limits
	memFull  string // memory_limit outside them, as DuckDB shows it
	memBytes int64  // the same in bytes
}

// minQueryMemory is the least memory_limit a query's limit sets: seals,
// compaction and ingestion's inserts share DuckDB's memory with queries.
const minQueryMemory = 32 << 20

// enterQueryLimit is enterQuery for a query that may use limit bytes in
// DuckDB (0: no limit): DuckDB's memory_limit follows the running queries'
// limits, so a query that needs more fails with DuckDB's out-of-memory
// error, which the store reports as query.ErrMemoryLimit.
func (s *Store) enterQueryLimit(limit int64) (release func(), err error) {
	releaseThreads, err := s.enterQuery()
	if err != nil || limit <= 0 {
		return releaseThreads, err
	}
	// releaseThreads takes b.mu: it is never called with b.mu held.
	if err := s.lowerMemory(limit); err != nil {
		releaseThreads()
		return nil, err
	}
	b := &s.budget
	return func() {
		b.mu.Lock()
		b.limited--
		b.sum -= limit
		if b.limited == 0 {
			s.restoreMemory()
		} else if err := s.setQueryMemory(b.sum); err != nil {
			s.log.Warn("lower DuckDB's memory limit after a query", "err", err)
		}
		b.mu.Unlock()
		releaseThreads()
	}, nil
}

// lowerMemory counts a query of limit bytes in the budget and lowers
// DuckDB's memory_limit to the running queries' sum. DuckDB refuses to
// set a limit below the memory it holds now (a compaction or seal can hold
// more than the queries' sum): the query then runs under the limit in
// force, which the next query to start or end lowers again, rather than
// failing because the server was busy.
func (s *Store) lowerMemory(limit int64) error {
	b := &s.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limited == 0 {
		if err := s.db.QueryRowContext(context.Background(), "SELECT current_setting('memory_limit')").Scan(&b.memFull); err != nil {
			return safeErr("query: read memory limit", err)
		}
		b.memBytes = parseSize(b.memFull)
	}
	if err := s.setQueryMemory(b.sum + limit); err != nil {
		s.log.Warn("DuckDB's memory limit not lowered for a query: it holds more now", "err", err)
	}
	b.limited++
	b.sum += limit
	return nil
}

// setMemoryLimit runs a SET of memory_limit; tests replace it to fail as
// DuckDB does when it holds more memory than the new limit.
var setMemoryLimit = func(s *Store, stmt string) (any, error) { return s.db.ExecContext(context.Background(), stmt) }

// setQueryMemory sets memory_limit for queries using n bytes in all
// (b.mu held).
func (s *Store) setQueryMemory(n int64) error {
	n = max(n, minQueryMemory)
	if b := s.budget.memBytes; b > 0 && n > b {
		n = b
	}
	if _, err := setMemoryLimit(s, fmt.Sprintf("SET GLOBAL memory_limit = '%dB'", n)); err != nil {
		return safeErr("query: set memory limit", err)
	}
	return nil
}

// restoreMemory sets memory_limit back to its value outside queries
// (b.mu held).
func (s *Store) restoreMemory() {
	v := s.budget.memFull
	if s.opts.MemoryLimit != "" {
		v = s.opts.MemoryLimit
	}
	if _, err := s.db.ExecContext(context.Background(), "SET GLOBAL memory_limit = "+quote(v)); err != nil {
		s.log.Error("restore DuckDB's memory limit after queries", "err", err)
	}
}

// parseSize reads a size as DuckDB shows it ("18.8 GiB", "512 bytes");
// 0 when it cannot.
func parseSize(v string) int64 {
	num, unit, _ := strings.Cut(strings.TrimSpace(v), " ")
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0
	}
	mult := map[string]float64{"": 1, "bytes": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[strings.TrimSpace(unit)]
	return int64(f * mult)
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

// Threads returns DuckDB's thread count now: Options.Threads (DuckDB's
// default, the number of cores, when 0), or Options.QueryThreads while
// queries run.
func (s *Store) Threads(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&n); err != nil {
		return 0, safeErr("read thread count", err)
	}
	return n, nil
}
