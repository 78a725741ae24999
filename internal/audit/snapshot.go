package audit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// Snapshot copies the log into dest, a directory that must not exist yet,
// while appends go on: the closed segments, the current segment up to the
// last entry appended when Snapshot began, HEAD naming that entry, and the
// key of the distinct_id hashes. The copy verifies on its own (VerifyAll)
// and a Log opened on it continues the chain. It returns the last sequence
// number copied. Files are created 0600, the directory 0700.
func (l *Log) Snapshot(dest string) (int64, error) {
	l.mu.Lock()
	if l.f == nil {
		l.mu.Unlock()
		return 0, errors.New("audit: log closed")
	}
	size, seq, last := l.size, l.seq, l.last
	paths, err := files(l.dir)
	var fs []*os.File
	if err == nil {
		fs, err = openAll(paths)
	}
	l.mu.Unlock()
	defer closeAll(fs)
	if err != nil {
		return 0, err
	}
	if err := os.Mkdir(dest, 0o700); err != nil {
		return 0, fmt.Errorf("audit: snapshot: %w", err)
	}
	for i, f := range fs {
		n := int64(-1) // closed segments do not change
		if i == len(fs)-1 {
			n = size
		}
		if err := copyTo(filepath.Join(dest, filepath.Base(paths[i])), f, n); err != nil {
			return 0, fmt.Errorf("audit: snapshot: %w", err)
		}
	}
	if err := atomicfile.Write(filepath.Join(dest, keyName), l.key, 0o600); err != nil {
		return 0, err
	}
	head := []byte(strconv.FormatInt(seq, 10) + " " + last + "\n")
	if err := atomicfile.Write(filepath.Join(dest, headName), head, 0o600); err != nil {
		return 0, err
	}
	return seq, atomicfile.SyncDir(dest)
}

// copyTo writes the first n bytes of src (all of it when n < 0) to a new
// file dst and syncs it.
func copyTo(dst string, src *os.File, n int64) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	var r io.Reader = io.NewSectionReader(src, 0, 1<<62)
	if n >= 0 {
		r = io.NewSectionReader(src, 0, n)
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
