package duckdb

import (
	"testing"

	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

// TestConformanceSmall runs the suite with tiny limits, so that rotation,
// sealing, merging and eviction of de-duplication keys happen all the time.
func TestConformanceSmall(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		s, err := Open(dir, Options{SealBytes: 8 << 10, GroupRows: 64, DedupKeys: 50})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}
