package clickhouse

// Property purges on ClickHouse (docs/CLICKHOUSE.md, "Removing
// properties"): 18.16 has no JSON function that removes a key, so Sieve
// rewrites the rows itself, on each shard:
//
//  1. every copy of the rows matching the rule (project, time, events,
//     users by hash) whose properties may hold one of the paths (a
//     prefilter on the paths' last keys) is read from the shard's
//     events_local, streamed;
//  2. the paths are removed in Go (propath.Remove, as the DuckDB store
//     does); each changed copy is inserted again into the same shard with
//     the same key, ver + 1 and a generation gen above every earlier one,
//     so that reads (which take the highest ver, then gen) and merges
//     (ReplacingMergeTree keeps the highest ver) pick it over the old one;
//  3. the old copies are deleted by a mutation naming them by (k, ver,
//     nodup) and gen below the new generation, waited for as for event
//     deletions; rows stored meanwhile are never named, so none is lost.
//     The mutation also deletes older copies with ver one above a named
//     one: the copies an interrupted run of the purge already rewrote
//     (they no longer pass the prefilter, and the new generation replaces
//     them), so that a rerun leaves one copy.
//
// Inserting before deleting means a crash leaves both copies (reads pick
// the new one) and a rerun finishes the job; nothing of a row's values is
// in any statement: the mutation names rows by hashes, versions and
// random ids.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/jsontext"
	"github.com/sieve-analytics/sieve/internal/purge/propath"
	"github.com/sieve-analytics/sieve/internal/store"
)

// rewriteBatch is how many rows' bytes (about) one insert of rewritten
// rows carries; deleteBatch how many (k, ver, nodup) tuples one deletion
// mutation names: at most 74 bytes and 5 syntax tree elements each, so
// that its text stays below the default max_query_size (256 KiB) and its
// tree below max_ast_elements (50,000), which the server applies again
// when it runs the stored mutation.
const (
	rewriteBatch = 8 << 20
	deleteBatch  = 3000
)

// keyFilterCH is a prefilter true for every props text one of paths can
// change: it holds a path's last key, JSON-escaped, followed by a quote.
// It names property keys only, never a value.
func keyFilterCH(paths []string) string {
	var parts []string
	for _, k := range propath.Keys(paths) {
		enc := jsontext.AppendString(nil, k)
		parts = append(parts, "position(props, "+quote(string(enc[1:]))+") > 0")
	}
	if len(parts) == 0 {
		return "0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// stripProps removes r.Paths from the matching events of rule r on every
// shard, adding to the partitions of parts (created through part). It
// returns the rows left with one of the paths (the verification count).
func (s *Store) stripProps(ctx context.Context, r *store.PurgeRule, users string,
	part func(day string, shard int) *store.PartitionResult) (int64, error) {
	cond := eventCond(r, users) + " AND " + keyFilterCH(r.Paths)
	gen := uint64(time.Now().UnixNano())
	var remaining int64
	for si, n := range s.nodes {
		var old []string
		if err := s.rewriteShard(ctx, n, si, r, cond, gen, part, &old); err != nil {
			return 0, err
		}
		for len(old) > 0 {
			chunk := old[:min(len(old), deleteBatch)]
			del := "project_id = " + strconv.FormatInt(r.Project, 10) + " AND gen < " + strconv.FormatUint(gen, 10) +
				" AND (k, ver, nodup) IN (" + strings.Join(chunk, ", ") + ")"
			if err := s.mutateOn(ctx, si, "events_local", del); err != nil {
				return 0, err
			}
			old = old[len(chunk):]
		}
		// Verification: no copy on the shard still holds one of the paths.
		left, err := s.countWithPaths(ctx, n, "events_local", cond, r.Paths)
		if err != nil {
			return 0, fmt.Errorf("clickhouse store: shard %d: verify: %w", si+1, err)
		}
		remaining += left
	}
	return remaining, nil
}

// rewriteShard reads the copies matching cond on shard si, inserts the
// changed ones as generation gen and appends the old copies' (k, ver,
// nodup) to old.
func (s *Store) rewriteShard(ctx context.Context, n *node, si int, r *store.PurgeRule, cond string, gen uint64,
	part func(day string, shard int) *store.PartitionResult, old *[]string) error {
	rc, err := n.do(ctx, "SELECT time, event, distinct_id, insert_id, nodup, props, ver, k FROM "+s.db+".events_local WHERE "+cond+
		" FORMAT RowBinary", readSettings, nil, nil)
	if err != nil {
		return fmt.Errorf("clickhouse store: shard %d: read rows to rewrite: %w", si+1, err)
	}
	defer rc.Close()
	rd := newRB(rc)
	var w rbWriter
	flush := func() error {
		if len(w.b) == 0 {
			return nil
		}
		err := n.exec(ctx, "INSERT INTO "+s.db+".events_local (project_id, time, event, distinct_id, insert_id, nodup, props, ver, k, gen) FORMAT RowBinary", nil, w.b)
		w.b = w.b[:0]
		if err != nil {
			return fmt.Errorf("clickhouse store: shard %d: insert rewritten rows: %w", si+1, err)
		}
		return nil
	}
	var props, out []byte
	for rd.more() {
		t := rd.i64()
		name, user, ins, nodup := rd.str(), rd.str(), rd.str(), rd.str()
		props = rd.bytesInto(props)
		ver, k := rd.u64(), rd.u64()
		if rd.err != nil {
			break
		}
		if len(props) == 0 || props[0] != '{' {
			return fmt.Errorf("clickhouse store: shard %d: read rows to rewrite: %w", si+1, errMidStream)
		}
		p := part(time.UnixMilli(t).UTC().Format(time.DateOnly), si+1)
		p.RowsScanned++
		var did bool
		out, did, err = propath.Remove(out[:0], props, r.Paths)
		if err != nil {
			return fmt.Errorf("clickhouse store: shard %d: a stored row's properties are not a JSON object", si+1)
		}
		if !did {
			continue
		}
		p.RowsChanged++
		p.Rewritten = true
		w.i64(r.Project)
		w.i64(t)
		w.str(name)
		w.str(user)
		w.str(ins)
		w.str(nodup)
		w.bytes(out)
		w.u64(ver + 1)
		w.u64(k)
		w.u64(gen)
		for _, v := range []uint64{ver, ver + 1} { // the copy, and what an interrupted run made of it
			*old = append(*old, "("+strconv.FormatUint(k, 10)+", "+strconv.FormatUint(v, 10)+", "+quote(nodup)+")")
		}
		if len(w.b) >= rewriteBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if rd.err != nil {
		return fmt.Errorf("clickhouse store: shard %d: read rows to rewrite: %w", si+1, rd.err)
	}
	return flush()
}

// countWithPaths counts, on one shard, the rows of table (events_local or
// profiles_local) matching cond that still hold one of paths (decided in
// Go, as the rewrite does).
func (s *Store) countWithPaths(ctx context.Context, n *node, table, cond string, paths []string) (int64, error) {
	rc, err := n.do(ctx, "SELECT props FROM "+s.db+"."+table+" WHERE "+cond+" FORMAT RowBinary", readSettings, nil, nil)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	rd := newRB(rc)
	var props []byte
	var c int64
	for rd.more() {
		props = rd.bytesInto(props)
		if rd.err != nil {
			break
		}
		has, err := propath.Has(props, paths)
		if err != nil || has {
			c++
		}
	}
	return c, rd.err
}
