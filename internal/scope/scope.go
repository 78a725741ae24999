// Package scope builds incident scope reports: which projects sent or kept
// sensitive properties, which distinct_ids sent which property names, since
// when, from which SDK versions — never a value. A report is computed either
// from the findings the guard recorded at ingestion, or by a rescan that runs
// the project's *current* guard policy over stored events (finding what
// entered before a rule existed or while a project allowed it). A rescan
// streams each project's events through the store's SQL access, in parallel
// by day ranges, with flat memory, and never modifies stored data.
//
// scope imports store, guard, project, lexicon (version cleaning) and event;
// it must not import ingest, api or server.
package scope

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/lexicon"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Criteria select what a report covers. Every field is optional; fields
// combine with AND, values within a field with OR.
type Criteria struct {
	From       string   `json:"from,omitempty"` // RFC 3339; default: the beginning
	To         string   `json:"to,omitempty"`   // RFC 3339, exclusive; default: now
	Classes    []string `json:"classes,omitempty"`
	Detectors  []string `json:"detectors,omitempty"`
	Properties []string `json:"properties,omitempty"` // names or glob patterns ('*') over paths or their last name
	Events     []string `json:"events,omitempty"`
	ProjectIDs []int64  `json:"project_ids,omitempty"`
	Rescan     bool     `json:"rescan"`
}

// ErrInvalid wraps criteria errors; their text is safe to show.
var ErrInvalid = errors.New("scope")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Limits on criteria.
const (
	maxList    = 256
	maxItemLen = 256
)

// parsed is validated criteria.
type parsed struct {
	Criteria
	from, to int64 // Unix ms, [from, to)
}

// Validate checks c and resolves its times against now.
func (c Criteria) parse(now time.Time) (parsed, error) {
	p := parsed{Criteria: c, from: 0, to: now.Add(time.Minute).UnixMilli()}
	if c.From != "" {
		t, err := time.Parse(time.RFC3339Nano, c.From)
		if err != nil {
			return p, invalid("from must be an RFC 3339 time such as 2026-01-31T00:00:00Z")
		}
		p.from = t.UnixMilli()
	}
	if c.To != "" {
		t, err := time.Parse(time.RFC3339Nano, c.To)
		if err != nil {
			return p, invalid("to must be an RFC 3339 time such as 2026-02-01T00:00:00Z")
		}
		p.to = t.UnixMilli()
	}
	if p.to <= p.from {
		return p, invalid("to must be after from")
	}
	for name, l := range map[string][]string{"classes": c.Classes, "detectors": c.Detectors, "properties": c.Properties, "events": c.Events} {
		if len(l) > maxList {
			return p, invalid("%s may list at most %d entries", name, maxList)
		}
		for i, s := range l {
			if s == "" || len(s) > maxItemLen {
				return p, invalid("%s entry %d must be 1 to %d bytes", name, i+1, maxItemLen)
			}
		}
	}
	if len(c.ProjectIDs) > maxList {
		return p, invalid("project_ids may list at most %d projects", maxList)
	}
	for _, id := range c.ProjectIDs {
		if id <= 0 {
			return p, invalid("project_ids must be positive integers")
		}
	}
	return p, nil
}

// matchFinding reports whether a finding passes the class, detector and
// property criteria.
func (p *parsed) matchFinding(f *event.Finding) bool {
	if len(p.Classes) > 0 && !slices.Contains(p.Classes, f.Class) {
		return false
	}
	if len(p.Detectors) > 0 && !slices.Contains(p.Detectors, f.Detector) {
		return false
	}
	return p.matchPath(f.Path)
}

func (p *parsed) matchPath(fp string) bool {
	if len(p.Properties) == 0 {
		return true
	}
	last := fp
	if i := strings.LastIndexByte(last, '.'); i >= 0 {
		last = last[i+1:]
	}
	last = strings.TrimSuffix(last, "[]")
	for _, pat := range p.Properties {
		if glob(pat, fp) || glob(pat, last) {
			return true
		}
	}
	return false
}

func (p *parsed) matchEvent(name string) bool {
	return len(p.Events) == 0 || slices.Contains(p.Events, name)
}

// glob reports whether s matches pattern, where '*' matches any run of
// bytes (dots and "[]" included); nothing else is special.
func glob(pattern, s string) bool {
	px, sx, nextPx, nextSx := 0, 0, 0, 0
	for px < len(pattern) || sx < len(s) {
		if px < len(pattern) {
			if c := pattern[px]; c == '*' {
				nextPx, nextSx = px, sx+1
				px++
				continue
			} else if sx < len(s) && s[sx] == c {
				px++
				sx++
				continue
			}
		}
		if 0 < nextSx && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

// Report is the scope report. It holds names, ids, counts, times and SDK
// versions; never a property value.
type Report struct {
	GeneratedAt time.Time       `json:"generated_at"`
	Criteria    Criteria        `json:"criteria"`
	Source      string          `json:"source"` // "findings" (recorded at ingestion) or "rescan" (current policy over stored events)
	Projects    []ProjectReport `json:"projects"`
	Scanned     int64           `json:"scanned_events,omitempty"` // rescan: events read
	Seconds     float64         `json:"seconds"`
}

// ProjectReport is one affected project.
type ProjectReport struct {
	ProjectID   int64         `json:"project_id"`
	ProjectName string        `json:"project_name"`
	Events      int64         `json:"events"`       // affected events
	DistinctIDs int           `json:"distinct_ids"` // affected users
	FirstSeen   time.Time     `json:"first_seen"`
	LastSeen    time.Time     `json:"last_seen"`
	Properties  []string      `json:"properties"` // affected property paths
	Details     []PathSummary `json:"details"`    // per path, class, detector and action
	SDKVersions []SDKCount    `json:"sdk_versions"`
	Users       []User        `json:"users"`
}

// PathSummary counts the affected events of one path, class, detector and action.
type PathSummary struct {
	Path     string `json:"path"`
	Class    string `json:"class"`
	Detector string `json:"detector"`
	Action   string `json:"action"` // what the guard did (findings) or would do now (rescan)
	Events   int64  `json:"events"`
}

// SDKCount is the number of affected events from one lib and version.
type SDKCount struct {
	Lib     string `json:"lib"`
	Version string `json:"version"`
	Events  int64  `json:"events"`
}

// User maps one distinct_id to the property paths it sent.
type User struct {
	DistinctID string   `json:"distinct_id"`
	Properties []string `json:"properties"`
}

// acc accumulates one project's report.
type acc struct {
	events      int64
	first, last int64
	paths       map[string]bool
	details     map[PathSummary]int64 // key without Events
	sdks        map[[2]string]*int64  // pointers: assigning to an existing string key would store the new (maybe borrowed) key
	// users maps each distinct_id to its set of paths, interned: most
	// users of a leak share one set, so a report over millions of users
	// holds each set once.
	users map[string]int32
	sets  [][]string       // sorted paths
	setIx map[string]int32 // sorted paths joined by NUL -> index in sets
}

func newAcc() *acc {
	return &acc{paths: map[string]bool{}, details: map[PathSummary]int64{}, sdks: map[[2]string]*int64{}, users: map[string]int32{}, setIx: map[string]int32{}}
}

// addEvent records one affected event with its matching findings.
func (a *acc) addEvent(t int64, distinctID, lib, version string, fs []event.Finding) {
	a.events++
	if a.first == 0 || t < a.first {
		a.first = t
	}
	a.last = max(a.last, t)
	// The strings may point into reused buffers: clone what is kept.
	a.addSDK(lib, version, 1)
	ix, known := a.users[distinctID]
	var cur []string
	if known {
		cur = a.sets[ix]
	}
	set := cur
	for i := range fs {
		f := &fs[i]
		a.paths[f.Path] = true
		a.details[PathSummary{Path: f.Path, Class: f.Class, Detector: f.Detector, Action: f.Action}]++
		if !slices.Contains(set, f.Path) {
			if len(set) == len(cur) {
				set = slices.Clone(cur)
			}
			set = append(set, f.Path)
		}
	}
	if known && len(set) == len(cur) {
		return
	}
	slices.Sort(set)
	key := strings.Join(set, "\x00")
	ix, ok := a.setIx[key]
	if !ok {
		for i := range set {
			set[i] = strings.Clone(set[i])
		}
		ix = int32(len(a.sets))
		a.sets = append(a.sets, set)
		a.setIx[key] = ix
	}
	// A new key is cloned; assigning to an existing one would store the
	// (maybe borrowed) key given, so that is cloned too.
	a.users[strings.Clone(distinctID)] = ix
}

// addSDK counts n events from lib and version. Keys are cloned when first
// stored and never assigned again, so a borrowed string is never kept.
func (a *acc) addSDK(lib, version string, n int64) {
	sk := [2]string{lexicon.CleanVersion(lib), lexicon.CleanVersion(version)}
	p := a.sdks[sk]
	if p == nil {
		p = new(int64)
		a.sdks[[2]string{strings.Clone(sk[0]), strings.Clone(sk[1])}] = p
	}
	*p += n
}

func (a *acc) report(p project.Project) ProjectReport {
	r := ProjectReport{ProjectID: p.ID, ProjectName: p.Name, Events: a.events, DistinctIDs: len(a.users),
		FirstSeen: time.UnixMilli(a.first).UTC(), LastSeen: time.UnixMilli(a.last).UTC(),
		Properties: sortedKeys(a.paths), Details: []PathSummary{}, SDKVersions: []SDKCount{}, Users: make([]User, 0, len(a.users))}
	for k, n := range a.details {
		k.Events = n
		r.Details = append(r.Details, k)
	}
	slices.SortFunc(r.Details, func(x, y PathSummary) int {
		return strings.Compare(x.Path+"\x00"+x.Class+"\x00"+x.Detector+"\x00"+x.Action, y.Path+"\x00"+y.Class+"\x00"+y.Detector+"\x00"+y.Action)
	})
	for k, n := range a.sdks {
		r.SDKVersions = append(r.SDKVersions, SDKCount{Lib: k[0], Version: k[1], Events: *n})
	}
	slices.SortFunc(r.SDKVersions, func(x, y SDKCount) int { return strings.Compare(x.Lib+"\x00"+x.Version, y.Lib+"\x00"+y.Version) })
	for id, ix := range a.users {
		r.Users = append(r.Users, User{DistinctID: id, Properties: a.sets[ix]})
	}
	slices.SortFunc(r.Users, func(x, y User) int { return strings.Compare(x.DistinctID, y.DistinctID) })
	return r
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Projects lists the registry's projects.
type Projects interface {
	List() []project.Project
}

// projectsFor returns the projects the criteria name (all when none), in id order.
func projectsFor(reg Projects, c Criteria) ([]project.Project, error) {
	all := reg.List()
	slices.SortFunc(all, func(a, b project.Project) int { return int(a.ID - b.ID) })
	if len(c.ProjectIDs) == 0 {
		return all, nil
	}
	var out []project.Project
	for _, id := range c.ProjectIDs {
		found := false
		for _, p := range all {
			if p.ID == id {
				found = true
				if !slices.ContainsFunc(out, func(q project.Project) bool { return q.ID == id }) {
					out = append(out, p)
				}
			}
		}
		if !found {
			return nil, invalid("project %d does not exist", id)
		}
	}
	slices.SortFunc(out, func(a, b project.Project) int { return int(a.ID - b.ID) })
	return out, nil
}

// FromFindings builds a report from the findings the guard recorded at
// ingestion. Events are counted by grouping the findings of one request
// (same time, distinct_id and event name); within a group, the most
// frequent finding tells how many events there were.
func FromFindings(ctx context.Context, reg Projects, st store.Store, c Criteria, now time.Time) (Report, error) {
	t0 := time.Now()
	p, err := c.parse(now)
	if err != nil {
		return Report{}, err
	}
	projs, err := projectsFor(reg, c)
	if err != nil {
		return Report{}, err
	}
	rep := Report{GeneratedAt: now.UTC(), Criteria: c, Source: "findings", Projects: []ProjectReport{}}
	for _, pr := range projs {
		a := newAcc()
		g := group{acc: a}
		q := store.FindingQuery{ProjectID: pr.ID, From: p.from, To: p.to}
		if len(p.Classes) == 1 {
			q.Class = p.Classes[0]
		}
		err := st.Findings(ctx, q, func(f *event.Finding) error {
			if !p.matchFinding(f) || !p.matchEvent(f.Event) {
				return nil
			}
			g.add(f)
			return nil
		})
		if err != nil {
			return Report{}, fmt.Errorf("scope: read findings of project %d: %w", pr.ID, err)
		}
		g.flush()
		if a.events > 0 {
			rep.Projects = append(rep.Projects, a.report(pr))
		}
	}
	rep.Seconds = time.Since(t0).Seconds()
	return rep, nil
}

// group gathers the findings of one time stamp (one request) to count events.
type group struct {
	acc  *acc
	time int64
	fs   []event.Finding
}

func (g *group) add(f *event.Finding) {
	if len(g.fs) > 0 && f.Time != g.time {
		g.flush()
	}
	g.time = f.Time
	g.fs = append(g.fs, *f)
}

func (g *group) flush() {
	if len(g.fs) == 0 {
		return
	}
	type key struct{ id, ev, lib, ver string }
	byEvent := map[key][]event.Finding{}
	var order []key
	for _, f := range g.fs {
		k := key{f.DistinctID, f.Event, f.Lib, f.LibVersion}
		if _, ok := byEvent[k]; !ok {
			order = append(order, k)
		}
		byEvent[k] = append(byEvent[k], f)
	}
	for _, k := range order {
		fs := byEvent[k]
		counts := map[PathSummary]int{}
		n := 0
		for _, f := range fs {
			s := PathSummary{Path: f.Path, Class: f.Class, Detector: f.Detector, Action: f.Action}
			counts[s]++
			n = max(n, counts[s])
		}
		// n events; record findings once per distinct finding and events n times.
		uniq := fs[:0:0]
		seen := map[PathSummary]bool{}
		for _, f := range fs {
			s := PathSummary{Path: f.Path, Class: f.Class, Detector: f.Detector, Action: f.Action}
			if !seen[s] {
				seen[s] = true
				uniq = append(uniq, f)
			}
		}
		g.acc.addEvent(g.time, k.id, k.lib, k.ver, uniq)
		if n > 1 {
			g.acc.events += int64(n - 1)
			g.acc.addSDK(k.lib, k.ver, int64(n-1))
			for s, c := range counts {
				g.acc.details[s] += int64(c - 1)
			}
		}
	}
	g.fs = g.fs[:0]
}
