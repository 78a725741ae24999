// Package advisory keeps SDK advisories: an admin registers {lib, version
// range, description, action} and ingestion applies the action to every
// matching event from then on, before the guard and before anything is
// stored. Actions: strip_autotrack_values (remove the value attributes of
// autotracked elements), drop_properties (remove named property paths) and
// reject (refuse the event). A report tells, per advisory, which projects
// sent from affected versions, their last affected event, and the share of
// affected projects that have updated, from the lexicon's SDK fleet.
//
// Advisories are kept in one JSON file under the data directory. Nothing
// here logs or returns a property value.
//
// advisory imports internal/event, internal/lexicon and internal/project
// (atomic writes and names); it must not import ingest, api, server, store
// or guard.
package advisory

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// Actions.
const (
	StripAutotrackValues = "strip_autotrack_values"
	DropProperties       = "drop_properties"
	Reject               = "reject"
)

// ErrNotFound is returned for an unknown advisory id.
var ErrNotFound = errors.New("advisory: not found")

// ErrInvalid wraps every validation error; its text is safe to show.
var ErrInvalid = errors.New("advisory")

// Advisory is one registered advisory.
type Advisory struct {
	ID          int64     `json:"id"`
	Lib         string    `json:"lib"`
	Versions    string    `json:"versions"`
	Description string    `json:"description"`
	Action      string    `json:"action"`
	Properties  []string  `json:"properties,omitempty"` // drop_properties: paths ("password", "user.pin", "$elements[].attr__value")
	Created     time.Time `json:"created"`
}

// compiled is an advisory ready for matching.
type compiled struct {
	Advisory
	rng   Range
	paths [][]string // drop_properties, split on "."
}

const fileName = "advisories.json"

// Limits.
const (
	MaxAdvisories = 200
	maxProps      = 64
	maxPathLen    = 200
	maxDescLen    = 2000
)

// Registry holds the advisories. Safe for concurrent use; matching reads an
// immutable list through one atomic load.
type Registry struct {
	dir  string
	mu   sync.Mutex // writers
	list atomic.Pointer[[]*compiled]
	next int64
}

type fileState struct {
	Next       int64      `json:"next_id"`
	Advisories []Advisory `json:"advisories"`
}

// Open loads the registry kept in dir (empty dir: memory only).
func Open(dir string) (*Registry, error) {
	r := &Registry{dir: dir, next: 1}
	empty := []*compiled{}
	r.list.Store(&empty)
	if dir == "" {
		return r, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("advisory: create directory: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, fileName))
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("advisory: read: %w", err)
	}
	var f fileState
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, errors.New("advisory: the advisories file is damaged (not valid JSON)")
	}
	list := make([]*compiled, 0, len(f.Advisories))
	for _, a := range f.Advisories {
		c, err := compile(a)
		if err != nil {
			return nil, fmt.Errorf("advisory: stored advisory %d: %w", a.ID, err)
		}
		list = append(list, c)
	}
	r.next = max(f.Next, 1)
	r.list.Store(&list)
	return r, nil
}

func invalid(msg string) error { return fmt.Errorf("%w: %s", ErrInvalid, msg) }

func compile(a Advisory) (*compiled, error) {
	a.Lib = strings.TrimSpace(a.Lib)
	if a.Lib == "" || len(a.Lib) > 40 {
		return nil, invalid("lib must name the SDK as its events send it in mp_lib or $lib (1 to 40 bytes), e.g. \"web\"")
	}
	rng, err := ParseRange(a.Versions)
	if err != nil {
		return nil, invalid(err.Error())
	}
	if len(a.Description) > maxDescLen {
		return nil, invalid(fmt.Sprintf("description is longer than %d bytes", maxDescLen))
	}
	c := &compiled{Advisory: a, rng: rng}
	switch a.Action {
	case StripAutotrackValues, Reject:
		if len(a.Properties) > 0 {
			return nil, invalid("properties go only with the drop_properties action")
		}
	case DropProperties:
		if len(a.Properties) == 0 || len(a.Properties) > maxProps {
			return nil, invalid(fmt.Sprintf("drop_properties needs 1 to %d property paths in properties", maxProps))
		}
		for i, p := range a.Properties {
			if p == "" || len(p) > maxPathLen || strings.Contains(p, "..") || strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") {
				return nil, invalid(fmt.Sprintf("property %d must be a path such as \"password\", \"user.pin\" or \"$elements[].attr__value\" (at most %d bytes)", i+1, maxPathLen))
			}
			c.paths = append(c.paths, strings.Split(p, "."))
		}
	default:
		return nil, invalid("action must be strip_autotrack_values, drop_properties or reject")
	}
	return c, nil
}

// Add validates and registers an advisory; it applies from the next event on.
func (r *Registry) Add(a Advisory, now time.Time) (Advisory, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.list.Load()
	if len(old) >= MaxAdvisories {
		return Advisory{}, invalid(fmt.Sprintf("at most %d advisories may be registered", MaxAdvisories))
	}
	a.ID = r.next
	a.Created = now.UTC()
	c, err := compile(a)
	if err != nil {
		return Advisory{}, err
	}
	list := append(slices.Clone(old), c)
	if err := r.save(list, r.next+1); err != nil {
		return Advisory{}, err
	}
	r.next++
	r.list.Store(&list)
	return c.Advisory, nil
}

func (r *Registry) save(list []*compiled, next int64) error {
	if r.dir == "" {
		return nil
	}
	f := fileState{Next: next, Advisories: make([]Advisory, 0, len(list))}
	for _, c := range list {
		f.Advisories = append(f.Advisories, c.Advisory)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("advisory: encode: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(r.dir, fileName), b, 0o600); err != nil {
		return fmt.Errorf("advisory: write: %w", err)
	}
	return nil
}

// List returns every advisory, oldest first.
func (r *Registry) List() []Advisory {
	l := *r.list.Load()
	out := make([]Advisory, 0, len(l))
	for _, c := range l {
		out = append(out, c.Advisory)
	}
	return out
}

// Get returns advisory id.
func (r *Registry) Get(id int64) (Advisory, error) {
	for _, c := range *r.list.Load() {
		if c.ID == id {
			return c.Advisory, nil
		}
	}
	return Advisory{}, ErrNotFound
}

// Affected reports whether lib/version is affected by advisory a.
func Affected(a Advisory, lib, version string) bool {
	if lib != a.Lib {
		return false
	}
	r, err := ParseRange(a.Versions)
	return err == nil && r.Match(version)
}
