package clickhouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
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
	return openDirCfg(t, dir, testConfig(t))
}

// openDirWAL is openDir with the local write-ahead log in dir/chlog.
func openDirWAL(t *testing.T, dir string) *Store {
	t.Helper()
	cfg := testConfig(t)
	cfg.WAL, cfg.WALDir = true, filepath.Join(dir, "chlog")
	return openDirCfg(t, dir, cfg)
}

func openDirCfg(t *testing.T, dir string, cfg Config) *Store {
	t.Helper()
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

// TestConformanceWAL runs the conformance suite on the cluster with the
// local write-ahead log: reads wait for it, reopens replay it.
func TestConformanceWAL(t *testing.T) {
	testConfig(t)
	storetest.Run(t, func(t *testing.T, dir string) store.Store { return openDirWAL(t, dir) })
}
