package lexicon

import (
	"slices"
	"strings"
	"time"
)

// Event is an event name as served by the API.
type Event struct {
	Name      string    `json:"name"`
	Count     int64     `json:"count"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// SDKRef names one lib and version.
type SDKRef struct {
	Lib     string `json:"lib"`
	Version string `json:"version"`
}

// Property is a property path as served by the API. Count is the number of
// events stored with the path; Guarded the number of events in which the
// guard acted on it (with Classes), whether or not the path was then kept.
type Property struct {
	Path      string    `json:"path"`
	Types     []string  `json:"types"`
	Count     int64     `json:"count"`
	Guarded   int64     `json:"guarded"`
	Classes   []string  `json:"classes,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	SDKs      []SDKRef  `json:"sdk_versions"`
}

// SDK is one lib/version of a project's fleet, with events per UTC day.
type SDK struct {
	Lib       string           `json:"lib"`
	Version   string           `json:"version"`
	Events    int64            `json:"events"`
	FirstSeen time.Time        `json:"first_seen"`
	LastSeen  time.Time        `json:"last_seen"`
	Days      map[string]int64 `json:"days,omitempty"`
}

// Project is everything the lexicon knows about one project.
type Project struct {
	ProjectID  int64      `json:"project_id"`
	Events     []Event    `json:"events"`
	Properties []Property `json:"properties"`
	SDKs       []SDK      `json:"sdk_versions"`
	Overflow   int64      `json:"overflow,omitempty"` // observations not recorded because of a limit
}

func tm(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// ProjectIDs lists the projects the lexicon knows, in order.
func (l *Lexicon) ProjectIDs() []int64 {
	l.mu.RLock()
	ids := make([]int64, 0, len(l.projects))
	for id := range l.projects {
		ids = append(ids, id)
	}
	l.mu.RUnlock()
	slices.Sort(ids)
	return ids
}

// Project returns a copy of project id's lexicon, sorted by name and path.
// An unknown project gives an empty lexicon.
func (l *Lexicon) Project(id int64) Project {
	out := Project{ProjectID: id, Events: []Event{}, Properties: []Property{}, SDKs: []SDK{}}
	l.mu.RLock()
	p := l.projects[id]
	l.mu.RUnlock()
	if p == nil {
		return out
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for name, e := range p.events {
		out.Events = append(out.Events, Event{Name: name, Count: e.count, FirstSeen: tm(e.first), LastSeen: tm(e.last)})
	}
	for path, s := range p.paths {
		pr := Property{Path: path, Types: typeList(s.types), Count: s.count, Guarded: s.guarded, Classes: slices.Clone(s.classes),
			FirstSeen: tm(s.first), LastSeen: tm(s.last), SDKs: []SDKRef{}}
		for w, bits := range s.sdks {
			for b := 0; b < 64; b++ {
				if bits&(1<<b) != 0 && w*64+b < len(p.sdkList) {
					st := p.sdkList[w*64+b]
					pr.SDKs = append(pr.SDKs, SDKRef{Lib: st.lib, Version: st.version})
				}
			}
		}
		out.Properties = append(out.Properties, pr)
	}
	for _, s := range p.sdkList {
		out.SDKs = append(out.SDKs, SDK{Lib: s.lib, Version: s.version, Events: s.count, FirstSeen: tm(s.first), LastSeen: tm(s.last), Days: cloneDays(s.days)})
	}
	out.Overflow = p.overflow
	slices.SortFunc(out.Events, func(a, b Event) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(out.Properties, func(a, b Property) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(out.SDKs, func(a, b SDK) int {
		if c := strings.Compare(a.Lib, b.Lib); c != 0 {
			return c
		}
		return strings.Compare(a.Version, b.Version)
	})
	return out
}

// SDKs returns project id's fleet with its per-day counts.
func (l *Lexicon) SDKs(id int64) []SDK {
	l.mu.RLock()
	p := l.projects[id]
	l.mu.RUnlock()
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]SDK, 0, len(p.sdkList))
	for _, s := range p.sdkList {
		out = append(out, SDK{Lib: s.lib, Version: s.version, Events: s.count, FirstSeen: tm(s.first), LastSeen: tm(s.last), Days: cloneDays(s.days)})
	}
	return out
}

// Minute is one minute of a project's ingestion: events observed and guard
// findings by class.
type Minute struct {
	Start    time.Time
	Events   int64
	Findings map[string]int64
}

// Minutes returns project id's per-minute counters for the minutes that
// start at or after since and before until, oldest first, with zeros for
// minutes without events.
func (l *Lexicon) Minutes(id int64, since, until time.Time) []Minute {
	l.mu.RLock()
	p := l.projects[id]
	l.mu.RUnlock()
	lo, hi := since.Unix()/60, until.Unix()/60
	if hi <= lo {
		return nil
	}
	out := make([]Minute, 0, hi-lo)
	for m := lo; m < hi; m++ {
		out = append(out, Minute{Start: time.Unix(m*60, 0).UTC()})
	}
	if p == nil {
		return out
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.minutes {
		if m.start >= lo && m.start < hi {
			o := &out[m.start-lo]
			o.Events = m.events
			if len(m.findings) > 0 {
				o.Findings = make(map[string]int64, len(m.findings))
				for k, v := range m.findings {
					o.Findings[k] = v
				}
			}
		}
	}
	return out
}

// cloneDays copies per-day counts out of the lock.
func cloneDays(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for d, n := range m {
		out[d] = n
	}
	return out
}

// PathsWithClass lists project id's property paths on which the guard
// found a value of one of classes (e.g. "email", "phone"), sorted.
func (l *Lexicon) PathsWithClass(id int64, classes ...string) []string {
	l.mu.RLock()
	p := l.projects[id]
	l.mu.RUnlock()
	if p == nil {
		return nil
	}
	var out []string
	p.mu.Lock()
	for path, ps := range p.paths {
		for _, c := range ps.classes {
			if slices.Contains(classes, c) {
				out = append(out, path)
				break
			}
		}
	}
	p.mu.Unlock()
	slices.Sort(out)
	return out
}

// HasProperty reports whether project id's events were seen with the
// property path (a top-level name, or a nested path "a.b"): a name stored
// before, after the guard. Queries may read such a name in a backend's
// own language (query.Project.KnownProperty).
func (l *Lexicon) HasProperty(id int64, path string) bool {
	l.mu.RLock()
	p := l.projects[id]
	l.mu.RUnlock()
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paths[path] != nil
}
