package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Compaction merges the sealed files of a partition (one project-day) into
// one file, ordered by time, in row groups of compactRowGroup rows: sealing
// leaves a partition O(log n) files, the newest ones small, and DuckDB runs
// 5-10x slower over row groups of a few thousand rows than over ~100K.
//
// It runs on the sealer goroutine, like seals and purges, so none of them
// interleave: a partition is changed by one of them at a time. A partition
// is compacted once it holds at least two files and no seal or purge has
// changed it for CompactAfter. Its commit point is the manifest write that
// names the new file and drops the old ones (as for a seal): a crash before
// it leaves the new file an orphan that Open deletes, and the old files in
// place; a crash after it leaves the old files orphans. Compaction needs
// no journal of its own: it has no criteria, and a rolled-back compaction
// is simply run again later.
const compactRowGroup = 122_880

// compactBatchRows caps the rows compacted per manifest write, so that
// seals and purges waiting for the sealer are not held up for long.
const compactBatchRows = 4 << 20

// CompactResult tells what compaction did.
type CompactResult struct {
	Partitions int   // partitions compacted
	FilesIn    int   // files merged
	Rows       int64 // rows rewritten
}

type compactReq struct {
	all  bool // every partition with 2+ files, whatever its age
	res  CompactResult
	more bool // candidates were left for the next pass
	err  error
	done chan struct{}
}

// Compact compacts every partition that holds more than one sealed file,
// or a file without the identity columns (identity.go), whatever its age, and returns when done. The background compaction
// (Options.CompactInterval) does the same for partitions left alone for
// Options.CompactAfter.
func (s *Store) Compact(ctx context.Context) (CompactResult, error) {
	var total CompactResult
	for {
		if err := s.checkOpen(); err != nil {
			return total, err
		}
		req := &compactReq{all: true, done: make(chan struct{})}
		select {
		case s.compactCh <- req:
		case <-ctx.Done():
			return total, ctx.Err()
		case <-s.closing:
			return total, store.ErrClosed
		}
		<-req.done
		total.Partitions += req.res.Partitions
		total.FilesIn += req.res.FilesIn
		total.Rows += req.res.Rows
		if req.err != nil || !req.more {
			return total, req.err
		}
	}
}

// touch records that partitions changed now (a seal or purge installed
// files for them). Called with mu held.
func (s *Store) touch(parts []sealedPart) {
	now := time.Now()
	for _, sp := range parts {
		s.changedAt[sp.p] = now
	}
}

// compactCandidates lists the partitions of v a pass should compact, in
// (project, day) order.
func (s *Store) compactCandidates(v *version, all bool) []partKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partKey
	for p, files := range v.parts {
		if len(files) < 2 && (len(files) == 0 || (files[0].Schema == keySchema && files[0].Hot != nil)) {
			continue // an older file alone is rewritten for its identity, key and hot columns
		}
		if !all && time.Since(s.changedAt[p]) < s.opts.CompactAfter {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b partKey) int {
		if a.project != b.project {
			return cmpInt(a.project, b.project)
		}
		return cmpInt(a.day, b.day)
	})
	return out
}

// compactPass runs on the sealer goroutine: it compacts candidates until
// about compactBatchRows rows are rewritten, installs them with one
// manifest write, and reports whether candidates are left.
func (s *Store) compactPass(ctx context.Context, all bool) (res CompactResult, more bool, err error) {
	v := s.acquire()
	defer s.release(v)
	parts := s.compactCandidates(v, all)
	if len(parts) == 0 {
		return res, false, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, false, safeErr("compact: connect", err)
	}
	defer conn.Close()
	var batch []sealedPart
	var written []string
	for _, p := range parts {
		if res.Rows >= compactBatchRows {
			more = true
			break
		}
		files := v.parts[p]
		sp, newFiles, err := s.compactPartition(ctx, conn, p, files)
		written = append(written, newFiles...)
		if err != nil {
			for _, f := range written {
				_ = os.Remove(f)
			}
			return CompactResult{}, false, err
		}
		batch = append(batch, *sp)
		res.Partitions++
		res.FilesIn += len(files)
		res.Rows += sp.file.Rows
	}
	if s.testHook != nil {
		if err := s.testHook("compact-installing"); err != nil {
			for _, f := range written {
				_ = os.Remove(f)
			}
			return CompactResult{}, false, err
		}
	}
	if err := s.installParts("", batch); err != nil {
		for _, f := range written {
			_ = os.Remove(f)
		}
		return CompactResult{}, false, err
	}
	s.compacted.Add(int64(res.Partitions))
	return res, more, nil
}

// compactPartition writes files' rows, ordered by time, into one fresh file
// with its key file (fsynced, renamed into place) and returns it as the
// replacement of files, and the paths it created.
func (s *Store) compactPartition(ctx context.Context, conn *sql.Conn, p partKey, files []sealedFile) (*sealedPart, []string, error) {
	nf := sealedFile{Gen: s.allocGen(), Schema: keySchema, Hot: s.hotList(p.project)}
	pq, kp := nf.parquet(s.dir, p), nf.keysPath(s.dir, p)
	pqTmp, kpTmp := pq+tmpSuffix, kp+tmpSuffix
	newFiles := []string{pqTmp, kpTmp, pq, kp, nf.linksPath(s.dir, p) + tmpSuffix, nf.linksPath(s.dir, p)}
	var want int64
	lists := make([][]uint64, 0, len(files))
	sp := &sealedPart{p: p}
	for _, f := range files {
		want += f.Rows
		ks, err := s.readFileKeys(p, f)
		if err != nil {
			return nil, newFiles, err
		}
		lists = append(lists, ks)
		sp.merged = append(sp.merged, f.Gen)
	}
	q := fmt.Sprintf("COPY (%s ORDER BY time) TO %s (FORMAT parquet, COMPRESSION %s, ROW_GROUP_SIZE %d)",
		rewriteSelect(s.dir, p, files, nf.Hot), quote(pqTmp), s.compression(), compactRowGroup)
	r, err := conn.ExecContext(ctx, q)
	if err != nil {
		return nil, newFiles, safeErr("compact: write partition file", err)
	}
	if n, err := r.RowsAffected(); err == nil && n != want {
		return nil, newFiles, fmt.Errorf("duckdb store: compact: wrote %d rows to a partition file, expected %d", n, want)
	}
	sp.keys = mergeSorted(lists...)
	nf.Rows, nf.Keys = want, int64(len(sp.keys))
	lkTmp, err := s.writeLinks(ctx, conn, p, &nf, pqTmp)
	if err != nil {
		return nil, newFiles, fmt.Errorf("duckdb store: compact: %w", err)
	}
	if err := placeLinks(lkTmp); err != nil {
		return nil, newFiles, fmt.Errorf("duckdb store: compact: %w", err)
	}
	sp.file = nf
	if err := placeFile(p.dir(s.dir), pqTmp, pq, kpTmp, kp, sp.keys); err != nil {
		return nil, newFiles, fmt.Errorf("duckdb store: compact: %w", err)
	}
	return sp, newFiles, nil
}

// placeFile finishes a partition file DuckDB wrote to pqTmp: it writes the
// key file, fsyncs both, renames them into place and fsyncs the directory.
func placeFile(dir, pqTmp, pq, kpTmp, kp string, keys []uint64) error {
	if err := writeSynced(kpTmp, encodeKeys(keys)); err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	if err := syncFile(pqTmp); err != nil {
		return fmt.Errorf("sync partition file: %w", err)
	}
	if err := os.Rename(pqTmp, pq); err != nil {
		return err
	}
	if err := os.Rename(kpTmp, kp); err != nil {
		return err
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("sync partition directory: %w", err)
	}
	return nil
}
