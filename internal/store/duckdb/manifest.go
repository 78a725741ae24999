package duckdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// File names under the data directory. Nothing else is written there.
const (
	manifestName = "MANIFEST"           // the list of live files (names and counts only)
	lockName     = "LOCK"               // flock'ed while a Store has the directory open
	stateName    = "state.duckdb"       // profiles and findings
	sealedDir    = "sealed"             // sealed/<project>/<yyyy-mm-dd>/<gen>.parquet, .keys, .links.parquet
	tmpDir       = "tmp"                // DuckDB's temp (spill) directory; emptied at Open
	activePrefix = "active-"            // active-<gen>.duckdb (+ .wal)
	tmpSuffix    = atomicfile.TmpSuffix // a file being written; never referenced by the manifest
)

const dayMs = int64(24 * time.Hour / time.Millisecond)

// partKey names a partition: one project, one UTC day.
type partKey struct {
	project int64
	day     int64 // days since the Unix epoch
}

func partOf(project, timeMs int64) partKey {
	d := timeMs / dayMs
	if timeMs < 0 && timeMs%dayMs != 0 {
		d--
	}
	return partKey{project, d}
}

func (p partKey) start() int64 { return p.day * dayMs }
func (p partKey) end() int64   { return (p.day + 1) * dayMs }

func (p partKey) dir(root string) string {
	return filepath.Join(root, sealedDir, strconv.FormatInt(p.project, 10),
		time.UnixMilli(p.start()).UTC().Format("2006-01-02"))
}

// sealedFile is one immutable Parquet file of a partition with its key file.
type sealedFile struct {
	Gen  uint64 `json:"gen"`
	Rows int64  `json:"rows"`
	Keys int64  `json:"keys"`
	// Schema is keySchema when the file holds the identity columns and
	// the user keys, idSchema when it holds the identity columns only
	// (identity.go), 0 for files written before them.
	Schema int `json:"schema,omitempty"`
	// Hot names the hot properties the file holds as columns hs<i>, hj<i>
	// (hotcols.go), in column order; none for files written before them.
	Hot []string `json:"hot,omitempty"`
	// Linked is set when the file's identity links were written to its
	// link file (links.go); LinkRows is their number (no file when 0).
	Linked   bool  `json:"linked,omitempty"`
	LinkRows int64 `json:"link_rows,omitempty"`
}

func (f sealedFile) parquet(root string, p partKey) string {
	return filepath.Join(p.dir(root), strconv.FormatUint(f.Gen, 10)+".parquet")
}

func (f sealedFile) keysPath(root string, p partKey) string {
	return filepath.Join(p.dir(root), strconv.FormatUint(f.Gen, 10)+".keys")
}

func activePath(root string, gen uint64) string {
	return filepath.Join(root, activePrefix+strconv.FormatUint(gen, 10)+".duckdb")
}

// manifest is the durable description of the live files. It is replaced
// atomically (write a temporary file, fsync, rename, fsync the directory), so
// every change of the file set (a rotation, a seal, later a purge) is one
// atomic step; files not named here are leftovers of an interrupted step and
// are deleted at Open. It holds file names and counts, never values.
type manifest struct {
	Format  int            `json:"format"`
	NextGen uint64         `json:"next_gen"`
	Actives []uint64       `json:"actives"` // oldest first; the last takes appends
	Parts   []manifestPart `json:"parts"`
	// Applied names the purge batches installed (newest last, bounded),
	// so that a purge resumed after a crash knows which of its batches
	// took effect. Job and batch ids only, never criteria.
	Applied []string `json:"purge_batches,omitempty"`
	parts   map[partKey][]sealedFile
}

type manifestPart struct {
	Project int64        `json:"project"`
	Day     int64        `json:"day"`
	Files   []sealedFile `json:"files"` // oldest first
}

const manifestFormat = 1

func readManifest(root string) (*manifest, error) {
	b, err := os.ReadFile(filepath.Join(root, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("duckdb store: read manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, errors.New("duckdb store: the manifest file is damaged (not valid JSON)")
	}
	if m.Format != manifestFormat {
		return nil, fmt.Errorf("duckdb store: manifest format %d is not supported", m.Format)
	}
	m.parts = make(map[partKey][]sealedFile, len(m.Parts))
	for _, p := range m.Parts {
		m.parts[partKey{p.Project, p.Day}] = p.Files
	}
	return &m, nil
}

// writeManifest replaces the manifest durably.
func writeManifest(root string, nextGen uint64, actives []*active, parts map[partKey][]sealedFile, applied []string) error {
	m := manifest{Format: manifestFormat, NextGen: nextGen, Actives: []uint64{}, Parts: []manifestPart{}, Applied: applied}
	for _, a := range actives {
		m.Actives = append(m.Actives, a.gen)
	}
	for p, files := range parts {
		if len(files) > 0 {
			m.Parts = append(m.Parts, manifestPart{Project: p.project, Day: p.day, Files: files})
		}
	}
	slices.SortFunc(m.Parts, func(a, b manifestPart) int {
		if a.Project != b.Project {
			return cmpInt(a.Project, b.Project)
		}
		return cmpInt(a.Day, b.Day)
	})
	b, err := json.Marshal(&m)
	if err != nil {
		return fmt.Errorf("duckdb store: encode manifest: %w", err)
	}
	return atomicfile.Write(filepath.Join(root, manifestName), b, 0o600)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// syncFile fsyncs a file written by someone else (DuckDB's COPY).
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// mkdirSynced creates dir and its missing parents below root, fsyncing each
// parent so that the new directory entries are durable.
func mkdirSynced(root, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return err
	}
	cur := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		next := filepath.Join(cur, part)
		if _, err := os.Stat(next); errors.Is(err, fs.ErrNotExist) {
			if err := os.Mkdir(next, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			if err := atomicfile.SyncDir(cur); err != nil {
				return err
			}
		}
		cur = next
	}
	return nil
}

// removeOrphans deletes every file of ours that the manifest does not name:
// leftovers of a rotation, seal or purge that a crash interrupted.
func removeOrphans(root string, m *manifest) error {
	live := map[string]bool{}
	for p, files := range m.parts {
		for _, f := range files {
			for _, path := range f.paths(root, p) {
				live[path] = true
			}
		}
	}
	for _, g := range m.Actives {
		live[activePath(root, g)] = true
		live[activePath(root, g)+".wal"] = true
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	for _, e := range ents {
		name := e.Name()
		path := filepath.Join(root, name)
		if (strings.HasPrefix(name, activePrefix) && !live[path]) || strings.HasSuffix(name, tmpSuffix) || strings.HasSuffix(name, tmpSuffix+".wal") {
			if err := os.RemoveAll(path); err != nil {
				return err
			}
		}
	}
	err = filepath.WalkDir(filepath.Join(root, sealedDir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() && !live[path] {
			return os.Remove(path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// DuckDB's spill files are only valid while the engine runs.
	tmp := filepath.Join(root, tmpDir)
	ents, err = os.ReadDir(tmp)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(tmp, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
