package duckdb

import (
	"context"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
)

func openQuery(opts Options) querytest.Open {
	return func(t *testing.T, rows []event.Row) query.Backend {
		s, err := Open(t.TempDir(), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if len(rows) > 0 {
			if _, err := s.Append(context.Background(), rows); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
}

func TestQueryConformance(t *testing.T) {
	querytest.Run(t, openQuery(Options{}))
}

// TestQueryConformanceSealed reads the dataset from sealed Parquet files
// and an active file at once.
func TestQueryConformanceSealed(t *testing.T) {
	querytest.Run(t, openQuery(Options{SealBytes: 1 << 10, GroupRows: 4}))
}

func TestQueryDifferential(t *testing.T) {
	n := 40
	if testing.Short() {
		n = 8
	}
	querytest.Differential(t, openQuery(Options{SealBytes: 4 << 10}), n)
}
