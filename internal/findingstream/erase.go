package findingstream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// ErasedFile lists, in the stream's directory, the erasures applied (the
// ids the caller gave Erase), so that one interrupted by a crash is
// applied again at the next start and one applied is not.
const ErasedFile = "erased.json"

// Erased reports whether the erasure id was applied.
func (s *Stream) Erased(id string) bool {
	s.eraseMu.Lock()
	defer s.eraseMu.Unlock()
	ids, _ := s.erasedIDs()
	return slices.Contains(ids, id)
}

func (s *Stream) erasedIDs() ([]string, error) {
	b, err := os.ReadFile(filepath.Join(s.opt.Dir, ErasedFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		return nil, fmt.Errorf("%s: %w", ErasedFile, err)
	}
	return ids, nil
}

// Erase removes the user hashes listed (the keyed hashes of erased
// distinct_ids, as HashID makes them) from every record kept: a GDPR
// erasure. The records stay, with their seq and everything else; only
// their user_hash goes, so cursors stay valid and the security finding is
// still there, no longer linked to the person. Each segment holding one of
// the hashes is rewritten (a new file, fsynced, renamed over the old one);
// appends wait only while the segment being appended to is rewritten.
// id names the erasure (a purge job's id): Erase records it once done, and
// returns how many records lost their hash.
func (s *Stream) Erase(id string, hashes []string) (int, error) {
	s.eraseMu.Lock()
	defer s.eraseMu.Unlock()
	ids, err := s.erasedIDs()
	if err != nil {
		return 0, fmt.Errorf("findingstream: %w", err)
	}
	if slices.Contains(ids, id) {
		return 0, nil
	}
	set := make(map[string]bool, len(hashes))
	for _, h := range hashes {
		if h != "" {
			set[h] = true
		}
	}
	n := 0
	if len(set) > 0 {
		s.mu.Lock()
		segs, err := s.segments()
		s.mu.Unlock()
		if err != nil {
			return 0, fmt.Errorf("findingstream: %w", err)
		}
		for _, name := range segs {
			k, err := s.eraseSegment(name, set)
			n += k
			if err != nil {
				return n, fmt.Errorf("findingstream: erase: %w", err)
			}
		}
	}
	b, _ := json.Marshal(append(ids, id))
	if err := atomicfile.Write(filepath.Join(s.opt.Dir, ErasedFile), b, 0o600); err != nil {
		return n, fmt.Errorf("findingstream: %w", err)
	}
	return n, nil
}

// eraseSegment rewrites the segment name without the hashes in set. The
// segment being appended to is rewritten under the append lock and
// reopened; a closed one is rewritten without the lock and renamed under
// it, unless retention removed it meanwhile.
func (s *Stream) eraseSegment(name string, set map[string]bool) (int, error) {
	path := filepath.Join(s.opt.Dir, name)
	s.mu.Lock()
	if s.f == nil {
		s.mu.Unlock()
		return 0, errors.New("closed")
	}
	active := s.name == name
	if active {
		defer s.mu.Unlock()
		if err := s.f.Sync(); err != nil {
			return 0, err
		}
		// Everything appended so far is on disk: appends waiting for an
		// fsync of the old file return (syncTo sees another file).
		s.synced.Store(s.written)
		s.advanceDurable(s.seq)
	} else {
		s.mu.Unlock()
	}
	tmp := path + atomicfile.TmpSuffix
	n, size, err := rewrite(path, tmp, set)
	if err != nil || n == 0 {
		_ = os.Remove(tmp)
		if errors.Is(err, os.ErrNotExist) {
			err = nil // removed by retention
		}
		return 0, err
	}
	if !active {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, err := os.Stat(path); err != nil {
			_ = os.Remove(tmp)
			return 0, nil // removed by retention meanwhile
		}
	}
	var nf *os.File // the new file, opened before the rename: appends never go to the old one
	if active {
		if nf, err = os.OpenFile(tmp, os.O_RDWR, 0); err == nil {
			_, err = nf.Seek(size, io.SeekStart)
		}
		if err != nil {
			if nf != nil {
				nf.Close()
			}
			_ = os.Remove(tmp)
			return 0, err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		if nf != nil {
			nf.Close()
		}
		_ = os.Remove(tmp)
		return 0, err
	}
	if nf != nil {
		s.f.Close()
		s.f, s.size = nf, size // s.name stays: nf is that segment now
	}
	if err := atomicfile.SyncDir(s.opt.Dir); err != nil {
		return n, err
	}
	return n, nil
}

// rewrite copies the complete lines of path to tmp (fsynced), each record
// whose user_hash is in set without it, and returns how many it changed
// and tmp's size.
func rewrite(path, tmp string, set map[string]bool) (int, int64, error) {
	in, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, 0, err
	}
	w := bufio.NewWriterSize(out, 1<<16)
	r := bufio.NewReaderSize(in, 1<<16)
	n := 0
	var size int64
	for {
		line, rerr := r.ReadBytes('\n')
		if rerr != nil {
			break // end, or a torn tail (never under the append lock)
		}
		if bytes.Contains(line, []byte(`"user_hash":`)) {
			var rec Record
			if json.Unmarshal(line, &rec) == nil && set[rec.UserHash] {
				rec.UserHash = ""
				b, err := json.Marshal(rec)
				if err != nil {
					out.Close()
					return 0, 0, err
				}
				line = append(b, '\n')
				n++
			}
		}
		w.Write(line)
		size += int64(len(line))
	}
	err = w.Flush()
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, size, err
}
