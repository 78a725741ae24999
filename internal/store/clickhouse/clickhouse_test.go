package clickhouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/storetest"
)

// testConfig is the cluster of SIEVE_CH_URL (make clickhouse-test starts
// one with scripts/clickhouse-cluster); tests skip without it.
func testConfig(t *testing.T) Config {
	t.Helper()
	u := os.Getenv("SIEVE_CH_URL")
	if u == "" {
		t.Skip("SIEVE_CH_URL is not set: run make clickhouse-test (scripts/clickhouse-cluster up)")
	}
	cfg, err := ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var dropOnce sync.Map

// openDir opens a store whose database is named after dir: the same dir
// opens the same data again, as the conformance suite expects. The
// database is dropped at the end of the test.
func openDir(t *testing.T, dir string) *Store {
	t.Helper()
	cfg := testConfig(t)
	h := sha256.Sum256([]byte(dir))
	cfg.Database = "t_" + hex.EncodeToString(h[:8])
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	record(s)
	if _, loaded := dropOnce.LoadOrStore(cfg.Database, true); !loaded {
		t.Cleanup(func() {
			d, err := Open(context.Background(), cfg)
			if err == nil {
				_ = d.DropDatabase(context.Background())
				d.Close()
			}
		})
	}
	return s
}

// TestConformance runs the conformance suite on the cluster.
func TestConformance(t *testing.T) {
	testConfig(t)
	storetest.Run(t, func(t *testing.T, dir string) store.Store { return openDir(t, dir) })
}
