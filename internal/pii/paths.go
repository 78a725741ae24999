package pii

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// PathsFile is the name of the durable PII path set in its directory.
const PathsFile = "pii_paths.jsonl"

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
	file string
	set  map[int64]map[string]bool
	n    int
}

type pathLine struct {
	Project int64  `json:"project_id"`
	Path    string `json:"path"`
}

// OpenPaths loads the set kept in dir (created when missing). A torn last
// line (a crash mid-write) is ignored.
func OpenPaths(dir string) (*Paths, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := &Paths{file: filepath.Join(dir, PathsFile), set: map[int64]map[string]bool{}}
	f, err := os.Open(p.file)
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var l pathLine
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Path == "" {
			continue
		}
		p.add(l.Project, l.Path)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pii paths %s: %w", p.file, err)
	}
	return p, nil
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
