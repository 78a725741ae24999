// Package atomicfile replaces small files durably: a crash leaves either the
// old content or the new one, never a mix. The data is written to
// "<path>.tmp", fsynced, renamed over path, and the directory is fsynced.
// Owners of a directory may delete leftover "*.tmp" files when they open it.
//
// atomicfile imports no other package of Sieve.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// TmpSuffix ends the name of a file being written.
const TmpSuffix = ".tmp"

// Write replaces path with data, created with perm. Concurrent writers of
// the same path must be serialised by the caller.
func Write(path string, data []byte, perm os.FileMode) error {
	tmp := path + TmpSuffix
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = SyncDir(filepath.Dir(path))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// SyncDir fsyncs a directory, making renames and creations in it durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
