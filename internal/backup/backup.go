// Package backup writes a backup of a Sieve data directory and restores
// one. A backup is a directory holding a consistent copy of the store (one
// version of its files, see the store's Backup), a snapshot of the audit log
// (a chain that verifies on its own), the project registry with its key
// hashes, the lexicon, alerts, advisories and purge journal, and
// BACKUP.json: every file with its size and SHA-256. It is written under a
// temporary name and renamed into place when complete, so a directory named
// as the destination is always a whole backup. Restore checks every file
// against BACKUP.json, refuses a non-empty target and verifies the restored
// audit chain.
//
// backup imports audit and atomicfile; it reaches the store through a
// function, so it knows no backend.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/pii"
)

// ManifestName is the file that describes a backup; it is written last.
const ManifestName = "BACKUP.json"

// Format is the version of the backup layout.
const Format = 1

// Directories of the data directory with their own consistent copy; every
// other file under the data directory is copied as it is (they are all
// replaced atomically, so a copy reads one whole version of each).
const (
	storeDir = "store"
	auditDir = "audit"
)

// partialSuffix names a backup or restore being written.
const partialSuffix = ".sieve-partial"

// Sources is what a backup copies.
type Sources struct {
	DataDir string
	// Store writes a consistent copy of the store into a new directory and
	// returns a description of it (recorded in the manifest).
	Store func(ctx context.Context, dest string) (any, error)
	// Audit is the open audit log. The backup is recorded in it before the
	// snapshot is taken (so the backup holds its own entry); if that
	// entry cannot be written, nothing is backed up.
	Audit *audit.Log
	Actor string // who asked, for the audit entry
	// Online says the server was serving while the backup was taken.
	Online  bool
	Version string // Sieve's version, recorded in the manifest
}

// Manifest describes a backup.
type Manifest struct {
	Format   int             `json:"format"`
	Version  string          `json:"sieve_version"`
	Created  time.Time       `json:"created"`
	Online   bool            `json:"online"`
	AuditSeq int64           `json:"audit_seq"` // the last audit entry in the backup
	Store    json.RawMessage `json:"store"`
	Bytes    int64           `json:"bytes"`
	Files    []File          `json:"files"`
}

// File is one file of a backup.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the backup
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ErrExists is returned when the destination of a backup already exists,
// or the target of a restore is not empty.
var ErrExists = errors.New("backup: the destination exists")

// ErrAudit is returned when the audit log cannot record the backup.
var ErrAudit = errors.New("backup: the audit log cannot record the backup")

// ErrInvalidDest is returned for a destination that is not an absolute
// path outside the data directory.
var ErrInvalidDest = errors.New("backup: invalid destination")

// CheckDest checks a destination before any work: an absolute path, not
// inside the data directory (nor holding it), that does not exist yet.
func CheckDest(dataDir, dest string) error {
	if !filepath.IsAbs(dest) {
		return fmt.Errorf("%w: %q is not an absolute path", ErrInvalidDest, dest)
	}
	data, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	dest = filepath.Clean(dest)
	if within(dest, data) || within(data, dest) {
		return fmt.Errorf("%w: it must be outside the data directory", ErrInvalidDest)
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, dest)
	}
	return nil
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Create writes a backup of src into dest, a directory that must not exist
// yet (its parent is created if missing). Nothing is left under dest when
// it fails.
func Create(ctx context.Context, src Sources, dest string) (*Manifest, error) {
	if err := CheckDest(src.DataDir, dest); err != nil {
		return nil, err
	}
	dest = filepath.Clean(dest)
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return nil, fmt.Errorf("backup: create parent directory: %w", err)
	}
	partial := dest + partialSuffix
	if err := os.RemoveAll(partial); err != nil { // an earlier attempt's
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := os.Mkdir(partial, 0o700); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	m, err := create(ctx, src, partial, dest)
	if err != nil {
		_ = os.RemoveAll(partial)
		if !errors.Is(err, ErrAudit) {
			// The backup's entry says it began; this one that it failed.
			_ = src.Audit.Append(audit.Entry{Actor: src.Actor, Action: "backup", Outcome: audit.Failed,
				Criteria: map[string]any{"to": dest, "online": src.Online}})
		}
		return nil, err
	}
	if err := syncTree(partial); err != nil {
		_ = os.RemoveAll(partial)
		return nil, err
	}
	if err := os.Rename(partial, dest); err != nil {
		_ = os.RemoveAll(partial)
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, atomicfile.SyncDir(filepath.Dir(dest))
}

func create(ctx context.Context, src Sources, partial, dest string) (*Manifest, error) {
	m := &Manifest{Format: Format, Version: src.Version, Created: time.Now().UTC(), Online: src.Online}
	if err := src.Audit.Append(audit.Entry{Actor: src.Actor, Action: "backup", Outcome: audit.OK,
		Criteria: map[string]any{"to": dest, "online": src.Online}}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAudit, err)
	}
	// Order matters: the metadata first, then the audit log, the store
	// last, so that the store is never older than the purge journal (nor
	// than the audit entries of purges), as after a crash: a purge the
	// journal calls done is in the store, and one it was running resumes
	// after a restore knowing which of its batches the store has.
	if err := copyRest(ctx, src.DataDir, partial); err != nil {
		return nil, err
	}
	var err error
	if m.AuditSeq, err = src.Audit.Snapshot(filepath.Join(partial, auditDir)); err != nil {
		return nil, err
	}
	info, err := src.Store(ctx, filepath.Join(partial, storeDir))
	if err != nil {
		return nil, err
	}
	if m.Store, err = json.Marshal(info); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if m.Files, err = listFiles(partial); err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		m.Bytes += f.Size
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(partial, ManifestName), append(b, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// skip reports whether a file of the data directory is not part of a
// backup: files being written, the readiness probe's, and the PII path
// set's rebuilt mark (the set is copied before the store, whose findings
// may name newer paths: a restore rebuilds the set from them once).
func skip(name string) bool {
	return strings.HasSuffix(name, atomicfile.TmpSuffix) || strings.HasPrefix(name, ".readyz-") || name == pii.RebuiltFile
}

// copyRest copies every regular file of dataDir outside store/ and audit/.
func copyRest(ctx context.Context, dataDir, dest string) error {
	return filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path != dataDir {
				return nil // removed meanwhile
			}
			return fmt.Errorf("backup: %w", err)
		}
		rel, err := filepath.Rel(dataDir, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == storeDir || rel == auditDir {
				return filepath.SkipDir
			}
			if rel != "." {
				if err := os.Mkdir(filepath.Join(dest, rel), 0o700); err != nil {
					return fmt.Errorf("backup: %w", err)
				}
			}
			return nil
		}
		if !d.Type().IsRegular() || skip(d.Name()) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := copyFile(path, filepath.Join(dest, rel)); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("backup: copy %s: %w", filepath.ToSlash(rel), err)
		}
		return nil
	})
}

// copyFile copies src to a new file dst (0600), syncs it and returns the
// SHA-256 of what it wrote.
func copyFile(src, dst string) (File, error) {
	in, err := os.Open(src)
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

// listFiles returns every file under dir with its size and hash, in path
// order.
func listFiles(dir string) ([]File, error) {
	var out []File
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		f, err := hashFile(path)
		if err != nil {
			return err
		}
		f.Path = filepath.ToSlash(rel)
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("backup: list files: %w", err)
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

func hashFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

// ReadManifest reads the manifest of the backup in dir.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("backup: %s is not a complete backup (no %s)", dir, ManifestName)
	}
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("backup: %s is damaged (not valid JSON)", ManifestName)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("backup: format %d is not supported", m.Format)
	}
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) || f.Path == ManifestName {
			return nil, fmt.Errorf("backup: %s names a file outside the backup", ManifestName)
		}
	}
	return &m, nil
}

// Restored says what Restore did.
type Restored struct {
	Manifest *Manifest
	Audit    audit.Verified // the restored audit chain, verified
}

// Restore copies the backup in src into dataDir, which must not exist or
// be an empty directory. Every file is checked against the manifest as it
// is copied; the copy is written under a temporary name and renamed into
// place once whole and its audit chain verified, so dataDir is never left
// half-restored. Files are created 0600, directories 0700.
func Restore(src, dataDir string) (*Restored, error) {
	m, err := ReadManifest(src)
	if err != nil {
		return nil, err
	}
	dataDir = filepath.Clean(dataDir)
	if ents, err := os.ReadDir(dataDir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("%w: %s is not empty; restore into a new or empty directory", ErrExists, dataDir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o700); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	partial := dataDir + partialSuffix
	if err := os.RemoveAll(partial); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	fail := func(err error) (*Restored, error) {
		_ = os.RemoveAll(partial)
		return nil, err
	}
	if err := os.Mkdir(partial, 0o700); err != nil {
		return fail(fmt.Errorf("backup: %w", err))
	}
	for _, f := range m.Files {
		rel := filepath.FromSlash(f.Path)
		if err := os.MkdirAll(filepath.Join(partial, filepath.Dir(rel)), 0o700); err != nil {
			return fail(fmt.Errorf("backup: %w", err))
		}
		got, err := copyFile(filepath.Join(src, rel), filepath.Join(partial, rel))
		if errors.Is(err, fs.ErrNotExist) {
			return fail(fmt.Errorf("backup: %s is missing from the backup", f.Path))
		}
		if err != nil {
			return fail(fmt.Errorf("backup: restore %s: %w", f.Path, err))
		}
		if got.Size != f.Size || got.SHA256 != f.SHA256 {
			return fail(fmt.Errorf("backup: %s differs from the manifest (damaged or changed backup)", f.Path))
		}
	}
	v, err := audit.VerifyAll(filepath.Join(partial, auditDir))
	if err != nil {
		return fail(fmt.Errorf("backup: the audit log of the backup does not verify: %w", err))
	}
	if err := syncTree(partial); err != nil {
		return fail(err)
	}
	if err := os.Rename(partial, dataDir); err != nil {
		// dataDir exists (empty, checked above; perhaps a mount point):
		// move the restored entries into it instead.
		if err := moveInto(partial, dataDir); err != nil {
			return fail(fmt.Errorf("backup: %w", err))
		}
		if err := os.Chmod(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		if err := atomicfile.SyncDir(dataDir); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		_ = os.Remove(partial)
	}
	if err := atomicfile.SyncDir(filepath.Dir(dataDir)); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return &Restored{Manifest: m, Audit: v}, nil
}

// syncTree fsyncs every directory under dir (files were synced as they
// were written), so that their entries are durable before the rename.
func syncTree(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return atomicfile.SyncDir(path)
	})
	if err != nil {
		return fmt.Errorf("backup: sync: %w", err)
	}
	return nil
}

// moveInto renames every entry of src into the empty directory dst.
func moveInto(src, dst string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.Rename(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
