package clickhouse

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"
)

// De-duplication of reads without a pass over every row's key.
//
// A stored row can have copies (two Sieve nodes that stored one event at
// once; a property purge between its rewrite and its delete); every read
// counts each row once, its newest copy. Copies share dupHash and a shard
// (the Distributed table shards by distinct_id) and sit in different
// parts: inserts hold no copies and ReplacingMergeTree keeps one copy of
// a key when it merges parts. So the hashes shared by rows of a partition
// (dupHash, GROUP BY ... HAVING count() > 1 on the shard) change only
// when the partition's active parts do. Sieve keeps them per shard and
// partition with the list of parts they were computed from (dupCache);
// a query reads the parts lists (system.parts on every shard, a few
// milliseconds), computes the shared hashes of a partition only when its
// parts changed, and sends the union as the external table q_dups: rows
// whose hash is not in it are read as they are, the others (usually none)
// once by the full key (dedupRows, dedupCount). After the answer it reads
// the parts lists again: if a part holds a block (an insert's number in
// its name) that no part of the plan held, new rows may have been read
// whose copies the hashes do not know, and the query runs again (at most
// planTries times, then with the shared hashes computed inside the
// statements). Merges and mutations make new parts of blocks already
// planned: they only drop copies (and rows), so the hashes known stay a
// superset of those shared, which is exact; the cache keeps them too.

// planTries bounds the runs of a query whose parts changed under it.
const planTries = 3

// dupCache holds, per shard and partition of the events table, the
// shared hashes and the parts they were computed from.
type dupCache struct {
	mu sync.Mutex
	m  map[dupKey]dupEntry
}

type dupKey struct {
	shard     int
	partition string // partition_id
}

type dupEntry struct {
	parts  string // the active parts, sorted, comma-separated
	hashes []uint64
}

// dedupPlan is how the statements of one query read each row once.
type dedupPlan struct {
	inline bool                // compute the shared hashes in each statement (no plan)
	hashes []uint64            // the shared hashes of the partitions read
	parts  []map[string]string // per shard: partition_id -> parts, as read before the query
}

// dups is the SQL of the set of shared hashes of where's rows ("" none),
// and ext the external tables it reads.
func (s *Store) dups(d *dedupPlan, where string) (set string, ext []extTable) {
	if d == nil || d.inline {
		return fmt.Sprintf("(SELECT h FROM (SELECT %s AS h FROM %s.events_local WHERE %s GROUP BY h HAVING count() > 1))", dupHash, s.db, where), nil
	}
	if len(d.hashes) == 0 {
		return "", nil
	}
	var w rbWriter
	for _, h := range d.hashes {
		w.u64(h)
	}
	return "(SELECT h FROM q_dups)", []extTable{{name: "q_dups", structure: "h UInt64", data: w.b}}
}

type planKey struct{}

// withPlan carries d to the statement builders of one query.
func withPlan(ctx context.Context, d *dedupPlan) context.Context {
	return context.WithValue(ctx, planKey{}, d)
}

func planOf(ctx context.Context) *dedupPlan {
	d, _ := ctx.Value(planKey{}).(*dedupPlan)
	return d
}

// partsOf reads shard si's active parts of the project's partitions of
// the events table whose month may hold a row of [from, to) (the month
// of a partition is the server's local one: two days of margin).
func (s *Store) partsOf(ctx context.Context, si int, project, from, to int64) (map[string]string, map[string]int, error) {
	rc, err := s.nodes[si].do(ctx, "SELECT partition_id, partition, arrayStringConcat(arraySort(groupArray(name)), ',') FROM system.parts"+
		" WHERE database = "+quote(s.db)+" AND table = 'events_local' AND active GROUP BY partition_id, partition FORMAT RowBinary", nil, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	lo := yyyymm(from - 2*86_400_000)
	hi := yyyymm(to + 2*86_400_000)
	parts, months := map[string]string{}, map[string]int{}
	rd := newRB(rc)
	for rd.more() {
		id, partition, names := rd.str(), rd.str(), rd.str()
		if rd.err != nil {
			break
		}
		// partition is the tuple (project_id, month), e.g. "(1,202601)".
		p, m, ok := strings.Cut(strings.Trim(partition, "()"), ",")
		pv, err1 := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		mv, err2 := strconv.Atoi(strings.TrimSpace(m))
		if !ok || err1 != nil || err2 != nil {
			return nil, nil, fmt.Errorf("unexpected partition of the events table on shard %d", si+1)
		}
		if pv == project && mv >= lo && mv <= hi {
			parts[id], months[id] = names, mv
		}
	}
	return parts, months, rd.err
}

func yyyymm(ms int64) int {
	t := time.UnixMilli(max(ms, 0)).UTC()
	return t.Year()*100 + int(t.Month())
}

// plan reads every shard's parts and returns the shared hashes of the
// partitions that may hold rows of [from, to), computing those of
// partitions whose parts changed since the last query.
func (s *Store) plan(ctx context.Context, project, from, to int64) (*dedupPlan, error) {
	d := &dedupPlan{parts: make([]map[string]string, len(s.nodes))}
	hashes := make([][]uint64, len(s.nodes))
	errs := make([]error, len(s.nodes))
	var wg sync.WaitGroup
	for si := range s.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts, months, err := s.partsOf(ctx, si, project, from, to)
			if err != nil {
				errs[si] = err
				return
			}
			d.parts[si] = parts
			for id, names := range parts {
				k := dupKey{si, id}
				s.dupc.mu.Lock()
				e, ok := s.dupc.m[k]
				s.dupc.mu.Unlock()
				if ok && e.parts != names && covered(id, names, e.parts) {
					// Merged or mutated parts of the same blocks.
					e.parts = names
					s.dupc.mu.Lock()
					s.dupc.m[k] = e
					s.dupc.mu.Unlock()
				}
				if !ok || e.parts != names {
					e = dupEntry{parts: names}
					if e.hashes, err = s.sharedHashes(ctx, si, project, months[id]); err != nil {
						errs[si] = err
						return
					}
					s.dupc.mu.Lock()
					if s.dupc.m == nil {
						s.dupc.m = map[dupKey]dupEntry{}
					}
					s.dupc.m[k] = e
					s.dupc.mu.Unlock()
				}
				hashes[si] = append(hashes[si], e.hashes...)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, h := range hashes {
		d.hashes = append(d.hashes, h...)
	}
	return d, nil
}

// sharedHashes are the dupHash values that two or more rows of a month's
// partition share on shard si.
func (s *Store) sharedHashes(ctx context.Context, si int, project int64, month int) ([]uint64, error) {
	rc, err := s.nodes[si].do(ctx, fmt.Sprintf("SELECT h FROM (SELECT %s AS h FROM %s.events_local WHERE project_id = %d AND toYYYYMM(toDateTime(intDiv(time, 1000))) = %d GROUP BY h HAVING count() > 1) FORMAT RowBinary",
		dupHash, s.db, project, month), readSettings, nil, nil)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []uint64
	rd := newRB(rc)
	for rd.more() {
		h := rd.u64()
		if rd.err != nil {
			break
		}
		out = append(out, h)
	}
	return out, rd.err
}

// unchanged reports whether every shard's parts hold only blocks that
// the parts d was planned with held (no insert since).
func (s *Store) unchanged(ctx context.Context, d *dedupPlan, project, from, to int64) (bool, error) {
	for si := range s.nodes {
		parts, _, err := s.partsOf(ctx, si, project, from, to)
		if err != nil {
			return false, err
		}
		if maps.Equal(parts, d.parts[si]) {
			continue
		}
		for id, names := range parts {
			old, ok := d.parts[si][id]
			if !ok || !covered(id, names, old) {
				return false, nil
			}
		}
	}
	return true, nil
}

// blocks is the block range of the part name of partition id
// (id_min_max_level[_mutation]).
func blocks(id, name string) (lo, hi int64, ok bool) {
	rest, found := strings.CutPrefix(name, id+"_")
	if !found {
		return 0, 0, false
	}
	f := strings.Split(rest, "_")
	if len(f) < 3 {
		return 0, 0, false
	}
	lo, err1 := strconv.ParseInt(f[0], 10, 64)
	hi, err2 := strconv.ParseInt(f[1], 10, 64)
	return lo, hi, err1 == nil && err2 == nil && lo <= hi
}

// covered reports whether every block of the parts names (comma-separated)
// lies in a part of old: the parts are merges or mutations of old ones.
func covered(id, names, old string) bool {
	type span struct{ lo, hi int64 }
	var spans []span
	for _, n := range strings.Split(old, ",") {
		lo, hi, ok := blocks(id, n)
		if !ok {
			return false
		}
		spans = append(spans, span{lo, hi})
	}
	for _, n := range strings.Split(names, ",") {
		lo, hi, ok := blocks(id, n)
		if !ok {
			return false
		}
		// Every block of [lo, hi] in some old span.
		for b := lo; b <= hi; {
			next := b
			for _, sp := range spans {
				if sp.lo <= b && b <= sp.hi {
					next = sp.hi + 1
					break
				}
			}
			if next == b {
				return false
			}
			b = next
		}
	}
	return true
}
