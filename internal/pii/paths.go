package pii

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// PathsFile is the name of the durable PII path set in its directory.
const PathsFile = "pii_paths.jsonl"

// RebuiltFile is the name of the mark, next to PathsFile, that the set
// holds the paths of every finding stored before it existed (MarkRebuilt).
// A backup leaves it out (its set is copied before its store), so that a
// restored data directory rebuilds its set once on its first start.
const RebuiltFile = "pii_paths.rebuilt"

// maxPaths bounds the set, all projects together (a path is a few dozen
// bytes: the bound keeps it under a few megabytes). Past it Record fails,
// so that the batch that would have needed a new PII path is not stored
// unmasked.
var maxPaths = 100_000

// Paths is the durable set of the paths at which the guard found a value
// of a PII class (e-mail, phone) in a project. Unlike the lexicon (bounded,
// saved every few seconds, evicting cold paths) it keeps every path it was
// given, and Record returns only once a new path is on disk: ingestion
// records a batch's PII paths before it stores the batch, so that no stored
// value's path is missing after a crash or a restart. It is safe for
// concurrent use.
type Paths struct {
	mu   sync.RWMutex
	dir  string
	file string
	set  map[int64]map[string]bool
	n    int
}

type pathLine struct {
	Project int64  `json:"project_id"`
	Path    string `json:"path"`
}

// OpenPaths loads the set kept in dir (created when missing). A torn last
// line (a crash mid-write) is cut off, so that the next Record starts a
// line of its own.
func OpenPaths(dir string) (*Paths, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := &Paths{dir: dir, file: filepath.Join(dir, PathsFile), set: map[int64]map[string]bool{}}
	f, err := os.OpenFile(p.file, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	var good int64
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // a line without its newline is torn
		}
		if err != nil {
			return nil, fmt.Errorf("pii paths %s: %w", p.file, err)
		}
		good += int64(len(line))
		var l pathLine
		if json.Unmarshal(line, &l) != nil || l.Path == "" {
			continue
		}
		p.add(l.Project, l.Path)
	}
	if st, err := f.Stat(); err == nil && st.Size() > good {
		if err := f.Truncate(good); err != nil {
			return nil, fmt.Errorf("pii paths %s: %w", p.file, err)
		}
		if err := f.Sync(); err != nil {
			return nil, fmt.Errorf("pii paths %s: %w", p.file, err)
		}
	}
	return p, nil
}

// Rebuilt reports whether MarkRebuilt was called on this set (in this or
// an earlier run): whether the paths of the findings stored before the
// set existed are in it.
func (p *Paths) Rebuilt() bool {
	_, err := os.Stat(filepath.Join(p.dir, RebuiltFile))
	return err == nil
}

// MarkRebuilt records durably that the set now holds the paths of every
// stored finding (the caller recorded them), so that later starts skip
// the rebuild: from then on ingestion records each path before it stores
// the finding.
func (p *Paths) MarkRebuilt(paths int) error {
	b, _ := json.Marshal(struct {
		Time  time.Time `json:"rebuilt_at"`
		Paths int       `json:"paths"`
	}{time.Now().UTC(), paths})
	if err := atomicfile.Write(filepath.Join(p.dir, RebuiltFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("pii paths: %w", err)
	}
	return nil
}

func (p *Paths) add(project int64, path string) bool {
	s := p.set[project]
	if s == nil {
		s = map[string]bool{}
		p.set[project] = s
	}
	if s[path] {
		return false
	}
	s[path] = true
	p.n++
	return true
}

// Has reports whether path is in project's set.
func (p *Paths) Has(project int64, path string) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.set[project][path]
}

// Record adds the paths of project to the set, writing and syncing the new
// ones before it returns. It is cheap when all are known (the usual case).
func (p *Paths) Record(project int64, paths ...string) error {
	p.mu.RLock()
	fresh := false
	for _, path := range paths {
		if path != "" && !p.set[project][path] {
			fresh = true
			break
		}
	}
	p.mu.RUnlock()
	if !fresh {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var buf []byte
	var added []string
	for _, path := range paths {
		if path == "" || p.set[project][path] || slices.Contains(added, path) {
			continue
		}
		if p.n+len(added) >= maxPaths {
			return fmt.Errorf("the PII path set is full (%d paths): new PII paths cannot be recorded", maxPaths)
		}
		b, _ := json.Marshal(pathLine{Project: project, Path: path})
		buf = append(append(buf, b...), '\n')
		added = append(added, path)
	}
	_, statErr := os.Stat(p.file)
	f, err := os.OpenFile(p.file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err = f.Write(buf); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && errors.Is(statErr, os.ErrNotExist) {
		err = atomicfile.SyncDir(p.dir) // the file's creation is durable too
	}
	if err != nil {
		return fmt.Errorf("pii paths: %w", err)
	}
	for _, path := range added {
		p.add(project, path)
	}
	return nil
}

// List returns project's paths, sorted.
func (p *Paths) List(project int64) []string {
	p.mu.RLock()
	out := make([]string, 0, len(p.set[project]))
	for path := range p.set[project] {
		out = append(out, path)
	}
	p.mu.RUnlock()
	slices.Sort(out)
	return out
}

// ProfilePath is the profile property path of a guard finding's path on a
// profile update ("$set.email" -> "email"): the update operator is not part
// of the stored profile. Other paths return "".
func ProfilePath(path string) string {
	op, rest, ok := strings.Cut(path, ".")
	if !ok || !strings.HasPrefix(op, "$") {
		return ""
	}
	return rest
}
