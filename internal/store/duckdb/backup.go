package duckdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// BackupResult says what a backup of the store holds.
type BackupResult struct {
	SealedFiles int   `json:"sealed_files"`
	SealedRows  int64 `json:"sealed_rows"`
	Actives     int   `json:"active_files"`
	ActiveRows  int64 `json:"active_rows"`
	Profiles    int64 `json:"profiles"`
	Findings    int64 `json:"findings"`
}

// Backup writes a consistent copy of the store into dest, a directory
// that must not exist yet, while the store keeps serving. It is one
// version of the file set (see version): the sealed files it names
// (immutable, and kept on disk while the backup holds the version), and
// for each of its active files a snapshot of the rows committed when the
// copy started (one DuckDB transaction; appends go on meanwhile and are
// not in the backup). state.duckdb is copied in one transaction too
// (profiles, findings and purge marks of one moment). The backup's
// MANIFEST names exactly these files, so Open on dest (after a restore)
// sees this version. Files are created 0600, directories 0700.
func (s *Store) Backup(ctx context.Context, dest string) (BackupResult, error) {
	var res BackupResult
	ctx, done, err := s.readContext(ctx)
	if err != nil {
		return res, err
	}
	defer done()
	s.backupMu.Lock()
	defer s.backupMu.Unlock()
	if err := os.Mkdir(dest, 0o700); err != nil {
		return res, fmt.Errorf("duckdb store: backup: create %s: %w", dest, err)
	}
	// The version, the purge batches it reflects and the next generation,
	// all of one moment: manifestMu excludes installs.
	s.manifestMu.Lock()
	v := s.acquire()
	applied := append([]string(nil), s.applied...)
	s.mu.Lock()
	nextGen := s.nextGen
	s.mu.Unlock()
	s.manifestMu.Unlock()
	defer s.release(v)

	// Sealed files: immutable, copied as they are.
	for p, files := range v.parts {
		dir := p.dir(dest)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return res, fmt.Errorf("duckdb store: backup: %w", err)
		}
		for _, f := range files {
			for _, src := range f.paths(s.dir, p) {
				if err := ctx.Err(); err != nil {
					return res, err
				}
				if err := copyFile(src, filepath.Join(dir, filepath.Base(src))); err != nil {
					return res, fmt.Errorf("duckdb store: backup: copy %s: %w", s.rel(src), err)
				}
			}
			res.SealedFiles++
			res.SealedRows += f.Rows
		}
	}
	if err := os.MkdirAll(filepath.Join(dest, sealedDir), 0o700); err != nil {
		return res, fmt.Errorf("duckdb store: backup: %w", err)
	}

	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, safeErr("backup: connect", err)
	}
	defer conn.Close()
	// copyDB attaches a new DuckDB file at path as "bk", runs stmts in one
	// transaction, counts with count (a query on bk), detaches (which
	// checkpoints) and syncs the file.
	copyDB := func(path string, stmts []string, counts ...string) ([]int64, error) {
		if _, err := conn.ExecContext(ctx, "ATTACH "+quote(path)+" AS bk"); err != nil {
			return nil, safeErr("backup: create file", err)
		}
		detached := false
		defer func() {
			if !detached {
				_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
				_, _ = conn.ExecContext(context.Background(), "DETACH DATABASE IF EXISTS bk")
			}
		}()
		stmts = append(append([]string{"BEGIN TRANSACTION"}, stmts...), "COMMIT")
		for _, q := range stmts {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return nil, safeErr("backup: copy rows", err)
			}
		}
		var ns []int64
		for _, q := range counts {
			var n int64
			if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return nil, safeErr("backup: count rows", err)
			}
			ns = append(ns, n)
		}
		detached = true
		if _, err := conn.ExecContext(ctx, "DETACH bk"); err != nil {
			return nil, safeErr("backup: close file", err)
		}
		if err := os.Remove(path + ".wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("duckdb store: backup: %w", err)
		}
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("duckdb store: backup: %w", err)
		}
		return ns, syncFile(path)
	}

	// Active files: a snapshot of each, in a file of the same name.
	for _, a := range v.actives {
		ns, err := copyDB(activePath(dest, a.gen), []string{
			eventsTable("bk"),
			"INSERT INTO bk.events SELECT * FROM " + a.alias + ".events",
		}, "SELECT count(*) FROM bk.events")
		if err != nil {
			return res, err
		}
		res.Actives++
		res.ActiveRows += ns[0]
	}

	// state.duckdb, under stMu: a state purge cannot swap it meanwhile.
	stmts := stateTables("bk", false)
	for _, t := range stateTableNames {
		stmts = append(stmts, "INSERT INTO bk."+t+" SELECT * FROM st."+t)
	}
	s.stMu.RLock()
	ns, err := copyDB(filepath.Join(dest, stateName), stmts, "SELECT count(*) FROM bk.profiles", "SELECT count(*) FROM bk.findings")
	s.stMu.RUnlock()
	if err != nil {
		return res, err
	}
	res.Profiles, res.Findings = ns[0], ns[1]

	if err := writeManifest(dest, nextGen, v.actives, v.parts, applied); err != nil {
		return res, err
	}
	return res, atomicfile.SyncDir(dest)
}

// copyFile copies src to a new file dst (0600) and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
