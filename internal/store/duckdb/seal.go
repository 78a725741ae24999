package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// sealDone tells the writer what a seal of active file gen produced.
type sealDone struct {
	gen   uint64
	parts []sealedPart
}

type sealedPart struct {
	p      partKey
	merged []uint64 // gens of the files folded into file
	file   sealedFile
	keys   []uint64
}

// sealer is the goroutine that turns rotated active files into sealed
// partition files, oldest first. A failed seal is retried with backoff; the
// active file stays readable and listed in the manifest meanwhile. During
// Close a seal is tried once.
func (s *Store) sealer() {
	defer s.sealerWG.Done()
	var compactT *time.Timer
	var compactTick <-chan time.Time // nil: background compaction off
	if s.opts.CompactInterval > 0 {
		compactT = time.NewTimer(s.opts.CompactInterval)
		defer compactT.Stop()
		compactTick = compactT.C
	}
	var linkT *time.Timer // link files of old sealed files (links.go)
	var linkTick <-chan time.Time
	if !s.opts.noLinkBackfill {
		linkT = time.NewTimer(0)
		defer linkT.Stop()
		linkTick = linkT.C
	}
	for {
		var a *active
		select {
		case req := <-s.purgeCh:
			req.res, req.err = s.purgeEvents(req)
			close(req.done)
			continue
		case req := <-s.compactCh:
			req.res, req.more, req.err = s.compactPass(context.Background(), req.all)
			close(req.done)
			continue
		case <-compactTick:
			if !s.closed.Load() { // no new work during Close
				compactT.Reset(s.compactBackground())
			}
			continue
		case <-linkTick:
			if d := s.linkBackfill(); d >= 0 && !s.closed.Load() {
				linkT.Reset(d)
			}
			continue
		case next, ok := <-s.sealCh:
			if !ok {
				return
			}
			a = next
		}
		backoff := time.Second
		for {
			start := time.Now()
			n, err := s.sealActive(a)
			if err == nil {
				s.log.Info("sealed active file", "gen", a.gen, "partitions", n, "took", time.Since(start))
				break
			}
			s.log.Error("seal active file", "gen", a.gen, "err", err)
			select {
			case <-s.closing:
			case <-time.After(backoff):
				backoff = min(2*backoff, time.Minute)
				continue
			}
			break
		}
	}
}

// compactBackground runs one compaction pass and tells when the next is
// due: at once when candidates are left (after the sealer loop has served
// what waits), else after CompactInterval.
func (s *Store) compactBackground() time.Duration {
	start := time.Now()
	res, more, err := s.compactPass(context.Background(), false)
	if err != nil {
		s.log.Error("compact partitions", "err", err)
		return s.opts.CompactInterval
	}
	if res.Partitions > 0 {
		s.log.Info("compacted partitions", "partitions", res.Partitions, "files", res.FilesIn, "rows", res.Rows, "took", time.Since(start))
	}
	if more {
		return 0
	}
	return s.opts.CompactInterval
}

// sealActive writes the rows of active file a into sealed partition files
// and installs them with one manifest write. Files written before that
// write are not named by any manifest: a crash leaves them as orphans that
// Open deletes, and a rerun writes them again.
func (s *Store) sealActive(a *active) (int, error) {
	ctx := context.Background()
	s.mu.Lock()
	var parts []partKey
	counts := map[partKey]int64{}
	for p, n := range a.days {
		if n > 0 {
			parts = append(parts, p)
			counts[p] = n
		}
	}
	s.mu.Unlock()
	slices.SortFunc(parts, func(x, y partKey) int {
		if x.project != y.project {
			return cmpInt(x.project, y.project)
		}
		return cmpInt(x.day, y.day)
	})

	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, safeErr("seal: connect", err)
	}
	defer conn.Close()
	src := a.alias + ".events"
	if len(parts) > 1 {
		// One sorted copy makes each partition's rows contiguous, so the
		// per-partition reads below skip the rest by zone maps.
		tmp := fmt.Sprintf("seal_%d", a.gen)
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+tmp+
			" AS SELECT * FROM "+src+" ORDER BY project_id, time"); err != nil {
			return 0, safeErr("seal: sort active rows", err)
		}
		defer conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+tmp) //nolint:errcheck // best effort; the table dies with the connection
		src = tmp
	}

	v := s.acquire()
	defer s.release(v)
	done := sealDone{gen: a.gen}
	var written []string
	dirs := map[string]bool{}
	fail := func(err error) (int, error) {
		for _, f := range written {
			_ = os.Remove(f)
		}
		return 0, err
	}
	for _, p := range parts {
		files := v.parts[p]
		// Size-tiered merge: fold trailing files no more than twice the size
		// of what is being written, so a partition keeps O(log n) files and a
		// row is rewritten O(log n) times.
		run, i := counts[p], len(files)
		for i > 0 && files[i-1].Rows <= 2*run {
			run += files[i-1].Rows
			i--
		}
		merge := files[i:]
		nf := sealedFile{Gen: s.allocGen(), Schema: keySchema, Hot: s.hotList(p.project)}
		dir := p.dir(s.dir)
		if err := mkdirSynced(s.dir, dir); err != nil {
			return fail(fmt.Errorf("duckdb store: seal: create partition directory: %w", err))
		}
		dirs[dir] = true
		pq, kp := nf.parquet(s.dir, p), nf.keysPath(s.dir, p)
		pqTmp, kpTmp := pq+tmpSuffix, kp+tmpSuffix
		written = append(written, pqTmp, kpTmp, pq, kp)

		cols := "project_id, time, name, distinct_id, insert_id, props"
		where := fmt.Sprintf(" WHERE project_id = %d AND time >= %d AND time < %d", p.project, p.start(), p.end())
		query := "SELECT " + cols + " FROM " + src + where
		if len(merge) > 0 {
			query = "SELECT " + cols + " FROM " + parquetList(s.dir, p, merge) + " UNION ALL " + query
		}
		res, err := conn.ExecContext(ctx, "COPY ("+writeSelect("("+query+")", nf.Hot)+" ORDER BY time) TO "+quote(pqTmp)+
			" (FORMAT parquet, COMPRESSION "+s.compression()+")")
		if err != nil {
			return fail(safeErr("seal: write partition file", err))
		}
		want := run
		if n, err := res.RowsAffected(); err == nil && n != want {
			return fail(fmt.Errorf("duckdb store: seal: wrote %d rows to a partition file, expected %d", n, want))
		}
		nf.Rows = want
		written = append(written, nf.linksPath(s.dir, p)+tmpSuffix, nf.linksPath(s.dir, p))
		lkTmp, err := s.writeLinks(ctx, conn, p, &nf, pqTmp)
		if err != nil {
			return fail(fmt.Errorf("duckdb store: seal: %w", err))
		}

		lists := make([][]uint64, 0, len(merge)+1)
		for _, f := range merge {
			ks, err := s.readFileKeys(p, f)
			if err != nil {
				return fail(err)
			}
			lists = append(lists, ks)
		}
		fresh, err := activeKeys(ctx, conn, src+where)
		if err != nil {
			return fail(err)
		}
		keys := mergeSorted(append(lists, fresh)...)
		nf.Keys = int64(len(keys))
		if err := writeSynced(kpTmp, encodeKeys(keys)); err != nil {
			return fail(fmt.Errorf("duckdb store: seal: write key file: %w", err))
		}
		if err := syncFile(pqTmp); err != nil {
			return fail(fmt.Errorf("duckdb store: seal: sync partition file: %w", err))
		}
		if err := os.Rename(pqTmp, pq); err != nil {
			return fail(fmt.Errorf("duckdb store: seal: %w", err))
		}
		if err := os.Rename(kpTmp, kp); err != nil {
			return fail(fmt.Errorf("duckdb store: seal: %w", err))
		}
		if err := placeLinks(lkTmp); err != nil {
			return fail(fmt.Errorf("duckdb store: seal: %w", err))
		}
		sp := sealedPart{p: p, file: nf, keys: keys}
		for _, f := range merge {
			sp.merged = append(sp.merged, f.Gen)
		}
		done.parts = append(done.parts, sp)
	}
	for d := range dirs {
		if err := atomicfile.SyncDir(d); err != nil {
			return fail(fmt.Errorf("duckdb store: seal: sync partition directory: %w", err))
		}
	}

	// The one atomic step: the manifest names the new files and drops the
	// merged files and the active file.
	s.manifestMu.Lock()
	s.mu.Lock()
	nv := s.cur.clone()
	next := s.nextGen
	s.mu.Unlock()
	var obsolete []string
	for _, sp := range done.parts {
		var kept []sealedFile
		for _, f := range nv.parts[sp.p] {
			if slices.Contains(sp.merged, f.Gen) {
				obsolete = append(obsolete, f.paths(s.dir, sp.p)...)
			} else {
				kept = append(kept, f)
			}
		}
		nv.parts[sp.p] = append(kept, sp.file)
	}
	nv.actives = slices.DeleteFunc(nv.actives, func(x *active) bool { return x == a })
	if err := writeManifest(s.dir, next, nv.actives, nv.parts, s.applied); err != nil {
		s.manifestMu.Unlock()
		return fail(err)
	}
	s.mu.Lock()
	s.touch(done.parts)
	s.mu.Unlock()
	s.install(nv, obsolete, []*active{a})
	s.manifestMu.Unlock()
	select {
	case s.sealDoneCh <- done:
	case <-s.closing: // the writer is gone; its sets die with it
	}
	return len(parts), nil
}

// activeKeys returns the sorted key hashes of the rows selected by from
// (a table and a WHERE clause).
func activeKeys(ctx context.Context, conn *sql.Conn, from string) ([]uint64, error) {
	rows, err := conn.QueryContext(ctx, "SELECT k FROM "+from+" AND k IS NOT NULL")
	if err != nil {
		return nil, safeErr("seal: read keys", err)
	}
	defer rows.Close()
	var keys []uint64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, safeErr("seal: read keys", err)
		}
		keys = append(keys, uint64(k))
	}
	if err := rows.Err(); err != nil {
		return nil, safeErr("seal: read keys", err)
	}
	slices.Sort(keys)
	return keys, nil
}

// parquetList is a read_parquet call over the given files of partition p.
func parquetList(root string, p partKey, files []sealedFile) string {
	var b strings.Builder
	b.WriteString("read_parquet([")
	mixed := false
	for i, f := range files {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(f.parquet(root, p)))
		mixed = mixed || f.Schema != files[0].Schema || !slices.Equal(f.Hot, files[0].Hot)
	}
	b.WriteString("]")
	if mixed { // legacy files lack the identity columns, files differ in hot columns
		b.WriteString(", union_by_name = true")
	}
	b.WriteString(")")
	return b.String()
}

// writeSynced writes a new file and fsyncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
