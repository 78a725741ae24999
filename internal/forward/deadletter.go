package forward

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// ErrNotFound marks a destination the project does not have (404).
var ErrNotFound = errors.New("no such destination")

// DeadLetter is a record a destination refused for good, or did not accept
// within the project's bound, kept aside in the destination's dead-letter
// file (<dir>/dest/<project>-<name>/dead.log, mode 0600).
type DeadLetter struct {
	Record Record    `json:"record"`
	Reason string    `json:"reason"` // no value, no secret: an HTTP status or "not accepted within N hours"
	At     time.Time `json:"at"`
}

const (
	deadFile  = "dead.log"  // dead letters
	retryFile = "retry.log" // dead letters an admin sent back for delivery
)

// appendLines appends JSON lines to a file of the destination's directory
// and fsyncs it.
func appendLines(path string, vs []any) error {
	var buf bytes.Buffer
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if _, err = f.Write(buf.Bytes()); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// readDead reads a dead-letter or retry file (a missing one is empty).
func readDead(path string) ([]DeadLetter, error) { return readLines[DeadLetter](path) }

// writeDead replaces a dead-letter or retry file (removed when empty).
func writeDead(path string, ds []DeadLetter) error { return writeLines(path, ds) }

// readLines reads a file of JSON lines (a missing one is empty). A torn
// last line (a crash while appending) is ignored.
func readLines[T any](path string) ([]T, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("forward: read %s: %w", filepath.Base(path), err)
	}
	var out []T
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var v T
		if json.Unmarshal(sc.Bytes(), &v) != nil {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// writeLines replaces a file of JSON lines (removed when vs is empty).
func writeLines[T any](path string, vs []T) error {
	if len(vs) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	var buf bytes.Buffer
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return atomicfile.Write(path, buf.Bytes(), 0o600)
}

// deadLetter moves recs to the loop's dead-letter file and reports them.
func (l *loop) deadLetter(recs []Record, reason string) error {
	if len(recs) == 0 {
		return nil
	}
	now := time.Now().UTC()
	vs := make([]any, len(recs))
	for i, r := range recs {
		vs[i] = DeadLetter{Record: r, Reason: reason, At: now}
	}
	mu := l.f.deadLock(l.project, l.d.Name)
	mu.Lock()
	err := appendLines(filepath.Join(l.dir, deadFile), vs)
	mu.Unlock()
	if err != nil {
		return fmt.Errorf("forward: write dead letters: %w", err)
	}
	l.mu.Lock()
	l.dead += int64(len(recs))
	l.mu.Unlock()
	l.f.log.Error("forward: records moved to the dead-letter file", "project_id", l.project, "destination", l.d.Name,
		"records", len(recs), "reason", reason)
	if l.f.opt.OnDeadLetter != nil {
		l.f.opt.OnDeadLetter(l.project, l.d.Name, len(recs), reason)
	}
	return nil
}

// loopOf returns project id's running loop for destination name, if any,
// and whether the project has that destination.
func (f *Forwarder) loopOf(id int64, name string) (*loop, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.dests[id] {
		if d.Name == name {
			return f.loops[key(id, name)], true
		}
	}
	return nil, false
}

// DeadLetters returns up to limit of a destination's dead letters, oldest
// first, and how many there are.
func (f *Forwarder) DeadLetters(id int64, name string, limit int) ([]DeadLetter, int, error) {
	if _, ok := f.loopOf(id, name); !ok {
		return nil, 0, ErrNotFound
	}
	mu := f.deadLock(id, name)
	mu.Lock()
	ds, err := readDead(filepath.Join(dirOf(f.opt.Dir, id, name), deadFile))
	mu.Unlock()
	if err != nil {
		return nil, 0, err
	}
	n := len(ds)
	if limit >= 0 && len(ds) > limit {
		ds = ds[:limit]
	}
	return ds, n, nil
}

// RetryDeadLetters sends a destination's dead letters back for delivery
// (before its outbox, in their order) and returns how many. Their clock
// for the dead-letter bound starts again.
func (f *Forwarder) RetryDeadLetters(id int64, name string) (int, error) {
	return f.takeDead(id, name, true)
}

// DiscardDeadLetters deletes a destination's dead letters and returns how
// many there were.
func (f *Forwarder) DiscardDeadLetters(id int64, name string) (int, error) {
	return f.takeDead(id, name, false)
}

func (f *Forwarder) takeDead(id int64, name string, retry bool) (int, error) {
	l, ok := f.loopOf(id, name)
	if !ok {
		return 0, ErrNotFound
	}
	dir := dirOf(f.opt.Dir, id, name)
	mu := f.deadLock(id, name)
	mu.Lock()
	defer mu.Unlock()
	ds, err := readDead(filepath.Join(dir, deadFile))
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	if retry {
		now := time.Now().UnixMilli()
		vs := make([]any, len(ds))
		for i := range ds {
			ds[i].Record.Queued = now
			vs[i] = ds[i]
		}
		if err := appendLines(filepath.Join(dir, retryFile), vs); err != nil {
			return 0, fmt.Errorf("forward: write retry file: %w", err)
		}
	}
	if err := writeDead(filepath.Join(dir, deadFile), nil); err != nil {
		return 0, fmt.Errorf("forward: remove dead letters: %w", err)
	}
	if l != nil {
		l.mu.Lock()
		l.dead = 0
		if retry {
			l.retried += int64(len(ds))
		}
		l.mu.Unlock()
		if retry {
			l.retry.Store(true)
			l.notify()
		}
	}
	return len(ds), nil
}

// purgeDead applies rules to the dead-letter and retry files of project
// id's destinations; it returns how many records changed.
func (f *Forwarder) purgeDead(id int64, rules []Rule) (int, error) {
	f.mu.Lock()
	var names []string
	for _, d := range f.dests[id] {
		names = append(names, d.Name)
	}
	f.mu.Unlock()
	total := 0
	for _, name := range names {
		mu := f.deadLock(id, name)
		mu.Lock()
		for _, file := range []string{deadFile, retryFile} {
			path := filepath.Join(dirOf(f.opt.Dir, id, name), file)
			ds, err := readDead(path)
			if err != nil {
				mu.Unlock()
				return total, err
			}
			n := 0
			kept := ds[:0]
			for _, d := range ds {
				keep, ch, err := applyRules(id, rules, &d.Record)
				if err != nil {
					mu.Unlock()
					return total, fmt.Errorf("forward: purge: %w", err)
				}
				if ch || !keep {
					n++
				}
				if keep {
					kept = append(kept, d)
				}
			}
			if n > 0 {
				if err := writeDead(path, kept); err != nil {
					mu.Unlock()
					return total, fmt.Errorf("forward: purge: rewrite dead letters: %w", err)
				}
				total += n
			}
			if file == deadFile {
				if l, _ := f.loopOf(id, name); l != nil {
					l.mu.Lock()
					l.dead = int64(len(kept))
					l.mu.Unlock()
				}
			}
		}
		mu.Unlock()
	}
	return total, nil
}
