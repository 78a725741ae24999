package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// Identity link files. Queries count users by package query's rule, in
// which a device (or an anonymous distinct_id) is linked to a user by the
// earliest event that links them (identity.go, links in query.go). Finding
// those links by scanning every stored event was most of the time of a
// unique-users, funnel or retention query, so each sealed file has a small
// sibling, <gen>.links.parquet, holding the links its rows make: per
// device, the earliest link (dev, usr, time), ties to the smallest user.
//
// The earliest link of a device over any set of files is the earliest of
// the files' earliest links, so a query reads the link files of the sealed
// files it covers, plus the links of active rows found as before, and
// takes the earliest per device (rows at or after the end of the read
// range are left out first: a file's earliest link of a device is after
// the end only when all its links of that device are).
//
// A link file is written with its sealed file (seal, compaction, purge:
// always derived from the rows written, so a purge leaves no purged value
// in it) and named by the manifest (sealedFile.Linked, LinkRows); a file
// without links has no link file. Files written before link files
// (Linked false) have their links found by scanning them at query time
// until the sealer's backfill (linkPass) writes their link files.

// linksOf is the SQL of the link rows (dev, usr, time) of the events
// relation rel, which has the identity columns: an $identify event links
// $anon_distinct_id to $identified_id (else its distinct_id), an event
// carrying both $device_id and $user_id links them, an alias event links
// its alias to its distinct_id (query_alias.go).
func linksOf(rel string) string {
	return fmt.Sprintf(`SELECT dev, usr, time FROM (
    SELECT anon_id AS dev, coalesce(identified_id, distinct_id) AS usr, time FROM %[1]s WHERE name = '$identify'
    UNION ALL SELECT device_id, user_id, time FROM %[1]s WHERE device_id IS NOT NULL AND user_id IS NOT NULL%[2]s
  ) WHERE dev IS NOT NULL AND usr IS NOT NULL AND usr <> ''`, rel, aliasLinks(rel))
}

// earliestLinks is the SQL of the earliest link per device of the link
// rows src (dev, usr, time): the earliest time, ties to the smallest user.
func earliestLinks(src string) string {
	return "SELECT dev, first(usr ORDER BY time, usr) AS usr, min(time) AS time FROM (" + src + ") GROUP BY dev"
}

// linksPath is the path of f's link file.
func (f sealedFile) linksPath(root string, p partKey) string {
	return filepath.Join(p.dir(root), strconv.FormatUint(f.Gen, 10)+".links.parquet")
}

// paths are the files on disk of sealed file f: the Parquet file, its key
// file and its link file when it has one.
func (f sealedFile) paths(root string, p partKey) []string {
	ps := []string{f.parquet(root, p), f.keysPath(root, p)}
	if f.LinkRows > 0 {
		ps = append(ps, f.linksPath(root, p))
	}
	return ps
}

// writeLinks writes the link file of the sealed file nf of partition p
// whose rows DuckDB wrote to pqTmp (with the identity columns), to a
// temporary name, fsynced, and sets nf.Linked and nf.LinkRows. It returns
// the temporary path to rename to nf.linksPath ("" when nf has no links:
// no file). The caller lists tmp and the final path among the files to
// remove on failure.
func (s *Store) writeLinks(ctx context.Context, conn *sql.Conn, p partKey, nf *sealedFile, pqTmp string) (string, error) {
	return s.writeLinksFrom(ctx, conn, p, nf, "read_parquet("+quote(pqTmp)+")")
}

// writeLinksFrom is writeLinks over rel, a relation of the file's rows
// with the identity columns.
func (s *Store) writeLinksFrom(ctx context.Context, conn *sql.Conn, p partKey, nf *sealedFile, rel string) (string, error) {
	tmp := nf.linksPath(s.dir, p) + tmpSuffix
	r, err := conn.ExecContext(ctx, "COPY ("+earliestLinks(linksOf(rel))+" ORDER BY dev) TO "+quote(tmp)+" (FORMAT parquet, COMPRESSION "+s.compression()+")")
	if err != nil {
		_ = os.Remove(tmp)
		return "", safeErr("write link file", err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		_ = os.Remove(tmp)
		return "", safeErr("write link file", err)
	}
	nf.Linked, nf.LinkRows = true, n
	if n == 0 {
		return "", os.Remove(tmp)
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("duckdb store: sync link file: %w", err)
	}
	return tmp, nil
}

// placeLinks renames a link file written by writeLinks into place (no-op
// for ""); the caller fsyncs the directory.
func placeLinks(tmp string) error {
	if tmp == "" {
		return nil
	}
	return os.Rename(tmp, strings.TrimSuffix(tmp, tmpSuffix))
}

// linkSource is the SQL of a relation of link rows (dev, usr, time) of a
// project's events in [from, to) in version v: the link files of the
// sealed files that have them, and the links of the other sealed files and
// of the active files found from their rows. Its earliest link per device
// is the one of all the events of the range (see the file comment).
func (s *Store) linkSource(v *version, project, from, to int64) string {
	empty := "SELECT NULL::VARCHAR AS dev, NULL::VARCHAR AS usr, NULL::BIGINT AS time WHERE false"
	if to <= from {
		return empty
	}
	parts, acts := s.days(v, project, from, to)
	var linkFiles, stored, legacy []string
	actSet := map[*active]bool{}
	for _, p := range parts {
		for _, f := range v.parts[p] {
			switch {
			case f.Linked:
				if f.LinkRows > 0 {
					linkFiles = append(linkFiles, quote(f.linksPath(s.dir, p)))
				}
			case f.Schema >= idSchema:
				stored = append(stored, quote(f.parquet(s.dir, p)))
			default:
				legacy = append(legacy, quote(f.parquet(s.dir, p)))
			}
		}
		for _, a := range acts[p] {
			actSet[a] = true
		}
	}
	filter := fmt.Sprintf(" WHERE project_id = %d AND time >= %d AND time < %d", project, from, to)
	var branches []string
	if len(linkFiles) > 0 {
		branches = append(branches, fmt.Sprintf("SELECT dev, usr, time FROM read_parquet([%s]) WHERE time >= %d AND time < %d",
			strings.Join(linkFiles, ", "), from, to))
	}
	if len(stored) > 0 {
		// union_by_name: the files may differ in hot columns (hotcols.go).
		branches = append(branches, linksOf("("+storedSelect("read_parquet(["+strings.Join(stored, ", ")+"], union_by_name = true)", filter)+")"))
	}
	if len(legacy) > 0 {
		branches = append(branches, linksOf("("+identitySelect("read_parquet(["+strings.Join(legacy, ", ")+"])", filter)+")"))
	}
	for _, a := range v.actives {
		if actSet[a] {
			branches = append(branches, linksOf("("+identitySelect(a.alias+".events", filter)+")"))
		}
	}
	if len(branches) == 0 {
		return empty
	}
	return strings.Join(branches, "\nUNION ALL ")
}

// linkBatch is how many sealed files one backfill pass gives link files.
const linkBatch = 32

// linkPass writes the link files of up to linkBatch sealed files that have
// none (written before link files, e.g. an old data directory or a restored
// old backup) and installs them with one manifest write; more is true when
// such files are left. It runs on the sealer goroutine, so no seal,
// compaction or purge changes the sealed files meanwhile.
func (s *Store) linkPass(ctx context.Context) (n int, more bool, err error) {
	type todo struct {
		p partKey
		f sealedFile
	}
	v := s.acquire()
	var list []todo
	for p, files := range v.parts {
		for _, f := range files {
			if !f.Linked {
				list = append(list, todo{p, f})
			}
		}
	}
	s.release(v) // sealed files change only on this goroutine
	if len(list) == 0 {
		return 0, false, nil
	}
	slices.SortFunc(list, func(a, b todo) int {
		if c := cmpInt(a.p.project, b.p.project); c != 0 {
			return c
		}
		if c := cmpInt(a.p.day, b.p.day); c != 0 {
			return c
		}
		return cmpInt(int64(a.f.Gen), int64(b.f.Gen))
	})
	if len(list) > linkBatch {
		list, more = list[:linkBatch], true
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, false, safeErr("link files: connect", err)
	}
	defer conn.Close()
	var written []string
	fail := func(err error) (int, bool, error) {
		for _, f := range written {
			_ = os.Remove(f)
		}
		return 0, false, err
	}
	dirs := map[string]bool{}
	for i, t := range list {
		src := "read_parquet(" + quote(t.f.parquet(s.dir, t.p)) + ")"
		sel := storedSelect(src, "")
		if t.f.Schema < idSchema {
			sel = identitySelect(src, "")
		}
		lp := t.f.linksPath(s.dir, t.p)
		written = append(written, lp+tmpSuffix, lp)
		tmp, err := s.writeLinksFrom(ctx, conn, t.p, &list[i].f, "("+sel+")")
		if err != nil {
			return fail(fmt.Errorf("duckdb store: link files: %w", err))
		}
		if err := placeLinks(tmp); err != nil {
			return fail(fmt.Errorf("duckdb store: link files: %w", err))
		}
		dirs[t.p.dir(s.dir)] = true
	}
	for d := range dirs {
		if err := atomicfile.SyncDir(d); err != nil {
			return fail(fmt.Errorf("duckdb store: link files: sync directory: %w", err))
		}
	}
	s.manifestMu.Lock()
	defer s.manifestMu.Unlock()
	s.mu.Lock()
	nv := s.cur.clone()
	next := s.nextGen
	s.mu.Unlock()
	for _, t := range list {
		files := nv.parts[t.p]
		i := slices.IndexFunc(files, func(f sealedFile) bool { return f.Gen == t.f.Gen })
		if i < 0 {
			continue // gone meanwhile (cannot happen on the sealer goroutine); its link file is an orphan
		}
		files = slices.Clone(files)
		files[i] = t.f
		nv.parts[t.p] = files
		n++
	}
	if err := writeManifest(s.dir, next, nv.actives, nv.parts, s.applied); err != nil {
		return fail(err)
	}
	s.install(nv, nil, nil)
	return n, more, nil
}

// linkBackfill runs one linkPass and tells when the next is due: at once
// when files are left, else never (-1).
func (s *Store) linkBackfill() time.Duration {
	start := time.Now()
	n, more, err := s.linkPass(context.Background())
	if err != nil {
		s.log.Error("write link files", "err", err)
		return time.Minute
	}
	if n > 0 {
		s.log.Info("wrote link files", "files", n, "took", time.Since(start))
	}
	if more {
		return 0
	}
	return -1
}

// forgetMissingLinks marks the sealed files of m whose link file is
// missing (a version without link files opened the directory and removed
// them as unknown) as having none, so that queries scan them and the
// backfill writes the file again.
func forgetMissingLinks(root string, m *manifest) {
	for p, files := range m.parts {
		for i, f := range files {
			if f.LinkRows == 0 {
				continue
			}
			if _, err := os.Stat(f.linksPath(root, p)); err != nil {
				files[i].Linked, files[i].LinkRows = false, 0
			}
		}
	}
}
