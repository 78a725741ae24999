package purge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sieve-analytics/sieve/internal/purge/propath"
	"github.com/sieve-analytics/sieve/internal/scope"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Limits of a scope purge, per project of the report.
const (
	MaxScopeUsers = 10000 // distinct_ids
	MaxScopeRules = 1000  // distinct property sets (one rule each)
)

// ScopeOptions narrow a scope purge.
type ScopeOptions struct {
	ProjectID int64  // only this project's part of the report; 0 for every project
	From, To  string // RFC 3339; narrow each project's time range
}

// ScopeRef ties a scope purge to the report it came from. It holds no value.
type ScopeRef struct {
	GeneratedAt time.Time      `json:"generated_at"`
	Source      string         `json:"source"` // the report's: "findings" or "rescan"
	Criteria    scope.Criteria `json:"criteria"`
	Users       int            `json:"users"` // listed users of the project
	Rules       int            `json:"rules"` // groups of users with the same property paths
}

// ScopePlan is the purge of one project a scope report asks for.
type ScopePlan struct {
	ProjectID   int64
	Rules       []store.PurgeRule
	Properties  []string // every path the plan removes (as the report wrote it)
	DistinctIDs []string
	Events      []string
	From, To    string // the event time range, RFC 3339; "" for open
	Ref         ScopeRef
}

// ParseScope decodes the "scope" member of a purge request: a scope report
// as POST /api/scope answers it (an object with "projects"), or scope
// criteria (the body of POST /api/scope), from which the caller computes the
// report. Exactly one of the results is not nil. Unknown fields are refused
// in criteria (a misspelt field would widen the purge).
func ParseScope(raw json.RawMessage) (*scope.Report, *scope.Criteria, error) {
	bad := func(msg string) error { return fmt.Errorf("%w: %s", ErrInvalid, msg) }
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil || probe == nil {
		return nil, nil, bad("scope must be a scope report (the JSON of POST /api/scope or sieve scope) or scope criteria")
	}
	if _, ok := probe["projects"]; ok {
		var rep scope.Report
		if err := json.Unmarshal(raw, &rep); err != nil {
			return nil, nil, bad("scope looks like a scope report (it has projects) but a field has the wrong type; pass the report as sieve scope wrote it")
		}
		return &rep, nil, nil
	}
	var c scope.Criteria
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		msg := "scope criteria take from, to, classes, detectors, properties, events, project_ids and rescan"
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			msg = "scope criteria: field " + ute.Field + " has the wrong type"
		} else if s := err.Error(); strings.HasPrefix(s, `json: unknown field "`) && len(s) < 100 {
			msg = "scope criteria: unknown field " + s[len(`json: unknown field `):] + "; " + msg
		}
		return nil, nil, bad(msg)
	}
	return nil, &c, nil
}

// topFields are finding paths that name an event's own fields, not a
// property: a value found there cannot be removed while the event stays.
var topFields = []string{"event", "distinct_id", "$group_id"}

// PlanScope turns a scope report into one plan per affected project: for
// each group of listed users with the same property paths, one rule that
// removes those paths from their events (the events stay) within the
// project's time range and the report's event names. Paths of profile
// updates ("$set.x") are removed from every profile of the project: the
// report does not tell people from group profiles, and leaving a value is
// worse than removing a property of a profile the report did not list.
//
// The time range of a report made by a rescan is the project's first_seen
// to last_seen (event times). A report made from findings carries the
// times the guard acted (ingestion), not the events' times, which may be
// earlier (queued or imported events) or later (skewed clocks): its purge
// covers all time for the listed users and paths. opt.From and opt.To
// narrow either.
func PlanScope(rep *scope.Report, opt ScopeOptions) ([]ScopePlan, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
	}
	if rep.Source != "findings" && rep.Source != "rescan" {
		return nil, bad(`the scope report's source must be "findings" or "rescan", as POST /api/scope writes it`)
	}
	from, to := store.AllTimeFrom, store.AllTimeTo
	if opt.From != "" {
		t, err := time.Parse(time.RFC3339Nano, opt.From)
		if err != nil {
			return nil, bad("from must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")
		}
		from = t.UnixMilli()
	}
	if opt.To != "" {
		t, err := time.Parse(time.RFC3339Nano, opt.To)
		if err != nil {
			return nil, bad("to must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")
		}
		to = t.UnixMilli()
	}
	if to <= from {
		return nil, bad("to must be after from")
	}
	events := slices.Compact(slices.Sorted(slices.Values(rep.Criteria.Events)))
	if len(events) > MaxEvents {
		return nil, bad("the scope report's criteria name more than %d events", MaxEvents)
	}
	for _, e := range events {
		if e == "" || !utf8.ValidString(e) || len(e) > 1024 {
			return nil, bad("the scope report's criteria events must be non-empty UTF-8 strings of at most 1024 bytes")
		}
	}
	seen := map[int64]bool{}
	var plans []ScopePlan
	for pi := range rep.Projects {
		pr := &rep.Projects[pi]
		if pr.ProjectID <= 0 {
			return nil, bad("project %d of the scope report has no valid project_id", pi+1)
		}
		if seen[pr.ProjectID] {
			return nil, bad("the scope report lists project %d twice", pr.ProjectID)
		}
		seen[pr.ProjectID] = true
		if opt.ProjectID != 0 && pr.ProjectID != opt.ProjectID {
			continue
		}
		lo, hi := from, to
		if rep.Source == "rescan" {
			if pr.FirstSeen.IsZero() || pr.LastSeen.Before(pr.FirstSeen) {
				return nil, bad("project %d of the scope report has no valid first_seen and last_seen", pr.ProjectID)
			}
			lo, hi = max(lo, pr.FirstSeen.UnixMilli()), min(hi, pr.LastSeen.UnixMilli()+1)
			if hi <= lo {
				continue // nothing of this project in the narrowed range
			}
		}
		plan, err := planProject(pr, lo, hi, events)
		if err != nil {
			return nil, err
		}
		if plan == nil {
			continue
		}
		plan.Ref = ScopeRef{GeneratedAt: rep.GeneratedAt, Source: rep.Source, Criteria: rep.Criteria, Users: len(pr.Users), Rules: len(plan.Rules)}
		plans = append(plans, *plan)
	}
	return plans, nil
}

func rfc3339(ms int64, open int64) string {
	if ms == open {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
}

// planProject groups pr's users by their event property paths.
func planProject(pr *scope.ProjectReport, from, to int64, events []string) (*ScopePlan, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
	}
	if len(pr.Users) > MaxScopeUsers {
		return nil, bad("the scope report lists %d users of project %d; a purge takes at most %d per project: narrow the scope (from/to, properties)",
			len(pr.Users), pr.ProjectID, MaxScopeUsers)
	}
	groups := map[string][]string{} // joined event paths -> distinct_ids
	all := map[string]bool{}
	profile := map[string]bool{}
	ids := map[string]bool{}
	for ui := range pr.Users {
		u := &pr.Users[ui]
		if u.DistinctID == "" || !utf8.ValidString(u.DistinctID) || len(u.DistinctID) > 1024 {
			return nil, bad("user %d of project %d in the scope report: distinct_id must be a non-empty UTF-8 string of at most 1024 bytes", ui+1, pr.ProjectID)
		}
		if ids[u.DistinctID] {
			return nil, bad("the scope report lists a user of project %d twice (user %d)", pr.ProjectID, ui+1)
		}
		ids[u.DistinctID] = true
		var paths []string
		for _, p := range u.Properties {
			if slices.Contains(topFields, p) {
				return nil, bad("the scope report found values in an event's own field %q (project %d); a purge of properties cannot remove them: "+
					"drop that path from the report (or narrow the criteria with properties) and erase those users with distinct_ids, or their events with events",
					p, pr.ProjectID)
			}
			if err := propath.Check(p); err != nil {
				return nil, bad("a property path of project %d in the scope report is malformed (user %d)", pr.ProjectID, ui+1)
			}
			all[p] = true
			if rest, ok := profilePath(p); ok {
				profile[rest] = true
				continue
			}
			paths = append(paths, p)
		}
		if len(paths) == 0 {
			continue
		}
		slices.Sort(paths)
		paths = slices.Compact(paths)
		if len(paths) > MaxProperties {
			return nil, bad("a user of project %d in the scope report has more than %d property paths", pr.ProjectID, MaxProperties)
		}
		key := strings.Join(paths, "\x00")
		groups[key] = append(groups[key], u.DistinctID)
	}
	if len(all) == 0 {
		return nil, nil
	}
	if len(groups) > MaxScopeRules {
		return nil, bad("the users of project %d in the scope report have %d different sets of property paths; a purge takes at most %d: narrow the scope",
			pr.ProjectID, len(groups), MaxScopeRules)
	}
	plan := &ScopePlan{ProjectID: pr.ProjectID, Properties: sortedKeys(all), Events: events,
		From: rfc3339(from, store.AllTimeFrom), To: rfc3339(to, store.AllTimeTo)}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		dids := slices.Sorted(slices.Values(groups[k]))
		plan.Rules = append(plan.Rules, store.PurgeRule{Project: pr.ProjectID, From: from, To: to,
			DistinctIDs: dids, Events: events, Paths: strings.Split(k, "\x00")})
		plan.DistinctIDs = append(plan.DistinctIDs, dids...)
	}
	slices.Sort(plan.DistinctIDs)
	if len(profile) > 0 {
		plan.Rules = append(plan.Rules, store.PurgeRule{Project: pr.ProjectID, From: store.AllTimeFrom, To: store.AllTimeTo,
			ProfilePaths: sortedKeys(profile)})
	}
	return plan, nil
}

// profilePath reports whether p names a property of a profile update and
// returns the property's path in the stored profile.
func profilePath(p string) (string, bool) {
	for _, op := range profileOps {
		if rest, ok := strings.CutPrefix(p, op); ok {
			return rest, true
		}
	}
	return "", false
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

// SubmitScope queues one job per plan (one per project: certificates,
// roles and job lists are per project). It returns the jobs queued; on an
// error, the jobs queued before it stay queued and are returned too.
func (m *Manager) SubmitScope(plans []ScopePlan, requestedBy string) ([]Job, error) {
	var jobs []Job
	for i := range plans {
		p := &plans[i]
		ref := p.Ref
		crit := Criteria{ProjectID: p.ProjectID, Properties: p.Properties, Events: p.Events, From: p.From, To: p.To,
			DistinctIDs: len(p.DistinctIDs), Source: "scope", Scope: &ref}
		for _, id := range p.DistinctIDs {
			crit.DistinctIDHash = append(crit.DistinctIDHash, m.hash(id))
		}
		j, err := m.SubmitRules(p.Rules, crit, requestedBy)
		if err != nil {
			return jobs, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}
