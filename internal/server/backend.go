package server

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/metrics"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/purge"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// backend is the opened store and what it offers besides store.Store; a
// nil field is a capability the backend lacks (its routes answer 503).
type backend struct {
	store   store.Store
	name    string             // "duckdb" or "clickhouse", for logs
	queries query.Backend      // analytics queries
	purges  purge.Backend      // purge jobs
	scanner store.EventScanner // guard rescans
	gauges  func(m *metrics.Metrics)
	// backup writes a consistent copy of the store into a directory
	// (nil: the backend has none; its data lives in the cluster).
	backup func(ctx context.Context, dir string) (any, error)
	// registry, when not nil, is the registry of projects and keys the
	// backend keeps for every Sieve node on it (otherwise <data>/meta).
	registry project.Shared
	// ch is the ClickHouse store (nil for DuckDB): audit chains are
	// copied to it.
	ch *clickhouse.Store
}

// chRegistry is the ClickHouse store's shared registry as a
// project.Shared (store/clickhouse does not import project).
type chRegistry struct{ r *clickhouse.Registry }

func (c chRegistry) Put(ctx context.Context, recs []project.Record) error {
	rows := make([]clickhouse.RegistryRow, len(recs))
	for i, r := range recs {
		rows[i] = clickhouse.RegistryRow{Kind: r.Kind, Key: r.Key, Deleted: r.Deleted, Body: r.Body}
	}
	return c.r.Put(ctx, rows)
}

func (c chRegistry) Mark(ctx context.Context) (string, error) { return c.r.Mark(ctx) }

func (c chRegistry) Load(ctx context.Context) ([]project.Record, string, error) {
	rows, mark, err := c.r.Load(ctx)
	if err != nil {
		return nil, "", err
	}
	out := make([]project.Record, len(rows))
	for i, r := range rows {
		out[i] = project.Record{Kind: r.Kind, Key: r.Key, Deleted: r.Deleted, Body: r.Body}
	}
	return out, mark, nil
}

// openBackend opens the store cfg.Store names: empty or "duckdb" for the
// embedded store under <data>/store, clickhouse://... for a ClickHouse
// cluster (docs/CLICKHOUSE.md).
func openBackend(cfg Config) (*backend, error) {
	switch {
	case cfg.Store == "" || cfg.Store == "duckdb":
		// SIEVE_TEST_UNCOMPRESSED=1 stores files uncompressed, for leak and
		// purge tests only: a byte search of compressed files proves nothing.
		st, err := duckdb.Open(filepath.Join(cfg.DataDir, "store"), duckdb.Options{Logger: cfg.Log, QueryThreads: cfg.QueryThreads, Threads: cfg.Threads,
			Uncompressed: os.Getenv("SIEVE_TEST_UNCOMPRESSED") == "1"})
		if err != nil {
			return nil, err
		}
		backup := func(ctx context.Context, d string) (any, error) { return st.Backup(ctx, d) }
		return &backend{store: st, name: "duckdb", queries: st, purges: st, scanner: st, backup: backup, gauges: func(m *metrics.Metrics) {
			m.Gauge("sieve_store_queue_depth", "Append calls waiting for a durable commit.", func() float64 { return float64(st.Stats().Queued) })
			m.Gauge("sieve_store_active_files", "Active DuckDB files (more than 1 while a seal is pending).", func() float64 { return float64(st.Stats().Actives) })
			m.Gauge("sieve_store_sealed_files", "Sealed Parquet files.", func() float64 { return float64(st.Stats().SealedFiles) })
			m.Gauge("sieve_store_duckdb_threads", "DuckDB's thread count now: --threads, or --query-threads while queries run.", func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				n, err := st.Threads(ctx)
				if err != nil {
					return math.NaN()
				}
				return float64(n)
			})
		}}, nil
	case strings.HasPrefix(cfg.Store, "clickhouse://"):
		chCfg, err := clickhouse.ParseURL(cfg.Store)
		if err != nil {
			return nil, err
		}
		if chCfg.WAL && chCfg.WALDir == "" {
			chCfg.WALDir = filepath.Join(cfg.DataDir, "chlog")
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		st, err := clickhouse.Open(ctx, chCfg)
		if err != nil {
			return nil, err
		}
		b := &backend{store: st, name: "clickhouse", scanner: st, registry: chRegistry{st.Registry(nodeID(cfg))}, ch: st}
		if qb, ok := any(st).(query.Backend); ok {
			b.queries = qb
		}
		if pb, ok := any(st).(purge.Backend); ok {
			b.purges = pb
		}
		return b, nil
	}
	return nil, fmt.Errorf("server: --store %q: use duckdb (the default) or clickhouse://host:port/db?cluster=NAME", redactURL(cfg.Store))
}

// nodeID names this Sieve node in shared state: cfg.NodeID, or the host
// name and listen address.
func nodeID(cfg Config) string {
	if cfg.NodeID != "" {
		return cfg.NodeID
	}
	h, _ := os.Hostname()
	return h + "/" + cfg.Addr
}

// redactURL drops what a URL's user info may hold.
func redactURL(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "...@" + s[i+1:]
		}
	}
	return s
}
