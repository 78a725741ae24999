package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// RegistryRow is one record of the registry the Sieve nodes of a cluster
// share (package project's Record, which this package does not import).
// Body is the record's JSON as the registry file would hold it: secrets
// only as hashes.
type RegistryRow struct {
	Kind, Key string
	Deleted   bool
	Body      []byte
}

// Registry keeps the shared registry in the table <db>.registry, one copy
// on every shard: a write goes to every shard (and fails if one cannot be
// reached, like an insert of events); a read merges what the reachable
// shards hold. Each write of a record is a new row with a version, the
// larger of the clock in microseconds and one more than any version this
// node has seen, and the writing node's id; the row with the highest
// (version, node) is the record's current value (last write wins).
// Bodies travel in RowBinary: no record is in a statement's text.
type Registry struct {
	s    *Store
	node string
	mu   sync.Mutex
	last uint64 // highest version seen or written
}

// Registry returns the shared registry as seen by the Sieve node named
// node (recorded with each write).
func (s *Store) Registry(node string) *Registry { return &Registry{s: s, node: node} }

func (g *Registry) version() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	v := max(uint64(time.Now().UnixMicro()), g.last+1)
	g.last = v
	return v
}

func (g *Registry) seen(v uint64) {
	g.mu.Lock()
	g.last = max(g.last, v)
	g.mu.Unlock()
}

// Put writes rows as new versions on every shard.
func (g *Registry) Put(ctx context.Context, rows []RegistryRow) error {
	done, err := g.s.begin()
	if err != nil {
		return err
	}
	defer done()
	ver := g.version()
	var w rbWriter
	for _, r := range rows {
		w.str(r.Kind)
		w.str(r.Key)
		w.u64(ver)
		w.str(g.node)
		if r.Deleted {
			w.u8(1)
		} else {
			w.u8(0)
		}
		w.bytes(r.Body)
	}
	stmt := "INSERT INTO " + g.s.db + ".registry (kind, key, ver, node, deleted, body) FORMAT RowBinary"
	for i, n := range g.s.nodes {
		if err := n.exec(ctx, stmt, nil, w.b); err != nil {
			return fmt.Errorf("clickhouse store: registry write on shard %d: %w", i+1, err)
		}
	}
	return nil
}

// Mark changes whenever a row is written to the registry: each reachable
// shard's highest version and row count.
func (g *Registry) Mark(ctx context.Context) (string, error) {
	done, err := g.s.begin()
	if err != nil {
		return "", err
	}
	defer done()
	var parts []string
	var errs []error
	for i, n := range g.s.nodes {
		v, err := n.queryString(ctx, "SELECT max(ver), count() FROM "+g.s.db+".registry")
		if err != nil {
			errs = append(errs, fmt.Errorf("shard %d: %w", i+1, err))
			parts = append(parts, "-")
			continue
		}
		parts = append(parts, strings.ReplaceAll(v, "\t", ":"))
	}
	if len(errs) == len(g.s.nodes) {
		return "", fmt.Errorf("clickhouse store: registry: %w", errors.Join(errs...))
	}
	return strings.Join(parts, ","), nil
}

// Load returns the current row of every record, merged over the reachable
// shards, and the Mark read before it (a write after the mark is taken in
// by the next Load).
func (g *Registry) Load(ctx context.Context) ([]RegistryRow, string, error) {
	mark, err := g.Mark(ctx)
	if err != nil {
		return nil, "", err
	}
	done, err := g.s.begin()
	if err != nil {
		return nil, "", err
	}
	defer done()
	type cur struct {
		ver  uint64
		node string
		row  RegistryRow
	}
	best := map[[2]string]*cur{}
	var errs []error
	stmt := "SELECT kind, key, ver, node, deleted, body FROM " + g.s.db + ".registry FINAL FORMAT RowBinary"
	for i, n := range g.s.nodes {
		rc, err := n.do(ctx, stmt, nil, nil, nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("shard %d: %w", i+1, err))
			continue
		}
		rd := newRB(rc)
		for rd.more() {
			var c cur
			c.row.Kind, c.row.Key = rd.str(), rd.str()
			c.ver, c.node = rd.u64(), rd.str()
			c.row.Deleted = rd.u8() == 1
			c.row.Body = rd.bytesInto(nil)
			if rd.err != nil {
				break
			}
			k := [2]string{c.row.Kind, c.row.Key}
			if b := best[k]; b == nil || c.ver > b.ver || (c.ver == b.ver && c.node > b.node) {
				best[k] = &c
			}
		}
		rc.Close()
		if rd.err != nil {
			return nil, "", fmt.Errorf("clickhouse store: registry read on shard %d: %w", i+1, rd.err)
		}
	}
	if len(errs) == len(g.s.nodes) {
		return nil, "", fmt.Errorf("clickhouse store: registry: %w", errors.Join(errs...))
	}
	out := make([]RegistryRow, 0, len(best))
	for _, c := range best {
		g.seen(c.ver)
		out = append(out, c.row)
	}
	return out, mark, nil
}
