package purge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/scope"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

func TestParseScope(t *testing.T) {
	rep, crit, err := ParseScope(json.RawMessage(`{"generated_at":"2026-03-01T00:00:00Z","source":"rescan","projects":[]}`))
	if err != nil || rep == nil || crit != nil || rep.Source != "rescan" {
		t.Errorf("report: %v %v %v", rep, crit, err)
	}
	rep, crit, err = ParseScope(json.RawMessage(`{"classes":["password"],"rescan":true,"project_ids":[2]}`))
	if err != nil || rep != nil || crit == nil || !crit.Rescan || !slices.Equal(crit.ProjectIDs, []int64{2}) {
		t.Errorf("criteria: %v %v %v", rep, crit, err)
	}
	bad := func(raw, want string) {
		t.Helper()
		_, _, err := ParseScope(json.RawMessage(raw))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseScope(%s) = %v, want ErrInvalid with %q", raw, err, want)
		}
	}
	bad(`[1]`, "scope must be")
	bad(`"x"`, "scope must be")
	bad(`{"clases":["password"]}`, `unknown field "clases"`)
	bad(`{"classes":"password"}`, "field classes has the wrong type")
	bad(`{"projects":{"secret-value-7731":1}}`, "wrong type")
	// Errors never quote the input.
	_, _, err = ParseScope(json.RawMessage(`{"from":["secret-value-7731"]}`))
	if err == nil || strings.Contains(err.Error(), "secret-value-7731") {
		t.Errorf("error echoes input: %v", err)
	}
}

func TestPlanScope(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 123e6, time.UTC)
	t1 := time.Date(2026, 3, 3, 9, 0, 0, 456e6, time.UTC)
	rep := &scope.Report{Source: "rescan", Criteria: scope.Criteria{Classes: []string{"password"}, Events: []string{"$autotrack", "Login"}},
		Projects: []scope.ProjectReport{
			{ProjectID: 2, FirstSeen: t0, LastSeen: t1, Users: []scope.User{
				{DistinctID: "ann", Properties: []string{"$elements[].attr__value", "password"}},
				{DistinctID: "ben", Properties: []string{"password"}},
				{DistinctID: "cy", Properties: []string{"password", "$elements[].attr__value"}},
				{DistinctID: "dee", Properties: []string{"$set.password"}},
			}},
			{ProjectID: 5, FirstSeen: t0, LastSeen: t0, Users: []scope.User{{DistinctID: "eve", Properties: []string{"pin"}}}},
		}}
	plans, err := PlanScope(rep, ScopeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 2 || plans[0].ProjectID != 2 || plans[1].ProjectID != 5 {
		t.Fatalf("plans: %+v", plans)
	}
	p := plans[0]
	lo, hi := t0.UnixMilli(), t1.UnixMilli()+1
	want := []duckdb.PurgeRule{
		{Project: 2, From: lo, To: hi, DistinctIDs: []string{"ann", "cy"}, Events: []string{"$autotrack", "Login"}, Paths: []string{"$elements[].attr__value", "password"}},
		{Project: 2, From: lo, To: hi, DistinctIDs: []string{"ben"}, Events: []string{"$autotrack", "Login"}, Paths: []string{"password"}},
		{Project: 2, From: duckdb.AllTimeFrom, To: duckdb.AllTimeTo, ProfilePaths: []string{"password"}},
	}
	if !reflect.DeepEqual(p.Rules, want) {
		t.Errorf("rules:\n got %+v\nwant %+v", p.Rules, want)
	}
	if !slices.Equal(p.DistinctIDs, []string{"ann", "ben", "cy"}) || !slices.Equal(p.Properties, []string{"$elements[].attr__value", "$set.password", "password"}) ||
		p.From != "2026-03-01T10:00:00.123Z" || p.To != "2026-03-03T09:00:00.457Z" || p.Ref.Users != 4 || p.Ref.Rules != 3 || p.Ref.Source != "rescan" {
		t.Errorf("plan: %+v", p)
	}
	if r := plans[1].Rules; len(r) != 1 || r[0].From != t0.UnixMilli() || r[0].To != t0.UnixMilli()+1 {
		t.Errorf("one-instant project: %+v", r)
	}

	// Narrowing: one project, a time range.
	plans, err = PlanScope(rep, ScopeOptions{ProjectID: 2, From: "2026-03-02T00:00:00Z"})
	if err != nil || len(plans) != 1 || plans[0].Rules[0].From != time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC).UnixMilli() || plans[0].Rules[0].To != hi {
		t.Errorf("narrowed: %+v %v", plans, err)
	}
	if plans, err := PlanScope(rep, ScopeOptions{To: "2026-02-01T00:00:00Z"}); err != nil || len(plans) != 0 {
		t.Errorf("range before the report: %+v %v", plans, err)
	}
	if plans, err := PlanScope(rep, ScopeOptions{ProjectID: 9}); err != nil || len(plans) != 0 {
		t.Errorf("project not in the report: %+v %v", plans, err)
	}

	// A findings report: event times are unknown, so all time.
	rep.Source = "findings"
	plans, err = PlanScope(rep, ScopeOptions{})
	if err != nil || plans[0].Rules[0].From != duckdb.AllTimeFrom || plans[0].Rules[0].To != duckdb.AllTimeTo || plans[0].From != "" || plans[0].To != "" {
		t.Errorf("findings report: %+v %v", plans, err)
	}

	bad := func(name string, edit func(r *scope.Report), o ScopeOptions, want string) {
		t.Helper()
		r := &scope.Report{Source: "rescan", Projects: []scope.ProjectReport{{ProjectID: 2, FirstSeen: t0, LastSeen: t1,
			Users: []scope.User{{DistinctID: "ann", Properties: []string{"password"}}}}}}
		edit(r)
		_, err := PlanScope(r, o)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrInvalid with %q", name, err, want)
		}
	}
	nop := func(*scope.Report) {}
	bad("source", func(r *scope.Report) { r.Source = "" }, ScopeOptions{}, "source")
	bad("project id", func(r *scope.Report) { r.Projects[0].ProjectID = 0 }, ScopeOptions{}, "project_id")
	bad("twice", func(r *scope.Report) { r.Projects = append(r.Projects, r.Projects[0]) }, ScopeOptions{}, "twice")
	bad("no times", func(r *scope.Report) { r.Projects[0].FirstSeen = time.Time{} }, ScopeOptions{}, "first_seen")
	bad("empty id", func(r *scope.Report) { r.Projects[0].Users[0].DistinctID = "" }, ScopeOptions{}, "distinct_id")
	bad("user twice", func(r *scope.Report) { r.Projects[0].Users = append(r.Projects[0].Users, r.Projects[0].Users[0]) }, ScopeOptions{}, "twice")
	bad("bad path", func(r *scope.Report) { r.Projects[0].Users[0].Properties = []string{"a..b"} }, ScopeOptions{}, "malformed")
	bad("own field", func(r *scope.Report) { r.Projects[0].Users[0].Properties = []string{"distinct_id"} }, ScopeOptions{}, `"distinct_id"`)
	bad("from", nop, ScopeOptions{From: "yesterday"}, "from must be")
	bad("range", nop, ScopeOptions{From: "2026-03-02T00:00:00Z", To: "2026-03-01T00:00:00Z"}, "after from")
	bad("too many users", func(r *scope.Report) {
		for i := range MaxScopeUsers {
			r.Projects[0].Users = append(r.Projects[0].Users, scope.User{DistinctID: fmt.Sprint("u", i), Properties: []string{"password"}})
		}
	}, ScopeOptions{}, "at most")
	bad("too many groups", func(r *scope.Report) {
		for i := range MaxScopeRules + 1 {
			r.Projects[0].Users = append(r.Projects[0].Users, scope.User{DistinctID: fmt.Sprint("u", i), Properties: []string{fmt.Sprint("p", i)}})
		}
	}, ScopeOptions{}, "different sets")
}

// roundTrip gives m as JSON decoding reads it back (numbers as float64).
func roundTrip(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// scopeGuards is scope.Checkers over fixed policies.
type scopeGuards map[int64]*guard.Checker

func (g scopeGuards) Checker(p project.Project) (*guard.Checker, error) { return g[p.ID], nil }

type scopeProjects []project.Project

func (p scopeProjects) List() []project.Project { return slices.Clone(p) }

// The residue test of a scope purge: two projects keep passwords by
// policy at ingestion (one through an old autotrack SDK's $elements
// attr__value, one through a property name), a third is clean; after the
// policy is tightened, a rescan finds them; a purge by that report leaves
// no canary in any file and every other row exports as before.
func TestScopePurgeNoResidue(t *testing.T) {
	dir := t.TempDir()
	s, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	g := guard.New()
	lax, err := g.Compile(guard.Policy{Actions: map[guard.Class]guard.Action{guard.Password: guard.Keep, guard.FormValue: guard.Keep}}, "tok", []byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	strict, err := g.Compile(guard.DefaultPolicy(), "tok", []byte("k"))
	if err != nil {
		t.Fatal(err)
	}

	type stored struct {
		project     int64
		insertID    string
		before, exp map[string]any // exp: the properties expected after the purge
	}
	var (
		rows     []stored
		canaries []string // purged values
		keep     []string // values of other properties and rows
		n        int
	)
	pwInput := func(v string) []any {
		return []any{
			map[string]any{"tag_name": "input", "attr__type": "password", "attr__name": "password", "attr__value": v, "nth_child": 2},
			map[string]any{"tag_name": "form", "attr__id": "login", "nth_child": 1},
		}
	}
	add := func(project int64, name, did, version string, day int, props, exp map[string]any) {
		n++
		k := canary("keep")
		keep = append(keep, k)
		base := map[string]any{"mp_lib": "web", "$lib_version": version, "$browser": "Firefox", "note": k,
			"$current_url": "https://app.example.com/login?utm_source=" + k}
		for _, m := range []map[string]any{props, exp} {
			for key, v := range base {
				m[key] = v
			}
		}
		rows = append(rows, stored{project: project, insertID: fmt.Sprint("i", n), before: roundTrip(props), exp: roundTrip(exp)})
		b, _ := json.Marshal(props)
		v, err := fastjson.ParseBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		ev := event.Event{ProjectID: project, Name: name, DistinctID: did, Time: day0 + int64(day)*dayMs + int64(n), Lib: "web", LibVersion: version, Props: v}
		var a fastjson.Arena
		fs, drop := lax.Event(&ev, &a, nil)
		if drop {
			t.Fatal("the lax policy dropped an event")
		}
		for _, f := range fs {
			if f.Action != string(guard.Keep) {
				t.Fatalf("the lax policy did %s at %s", f.Action, f.Path)
			}
		}
		if _, err := s.Append(ctx, []event.Row{{ProjectID: project, Time: ev.Time, Name: ev.Name, DistinctID: ev.DistinctID,
			InsertID: fmt.Sprint("i", n), Props: b}}); err != nil { // keep: the guard changed nothing
			t.Fatal(err)
		}
	}
	for day := 0; day < 3; day++ {
		// Project 1: autotrack from an old SDK; ann and ben typed passwords.
		for _, u := range []string{"ann", "ben"} {
			c := canary("pw")
			canaries = append(canaries, c)
			add(1, "$autotrack", u, "2.13.0", day,
				map[string]any{"$event_type": "change", "$elements": pwInput(c)},
				map[string]any{"$event_type": "change", "$elements": []any{
					map[string]any{"tag_name": "input", "nth_child": 2}, // the report lists attr__type and attr__name too
					map[string]any{"tag_name": "form", "attr__id": "login", "nth_child": 1}}})
			add(1, "Page View", u, "2.13.0", day, map[string]any{"plan": "pro"}, map[string]any{"plan": "pro"})
		}
		click := func() map[string]any {
			return map[string]any{"$event_type": "click", "$elements": []any{map[string]any{"tag_name": "button", "attr__value": "Log in"}}}
		}
		add(1, "$autotrack", "cleo", "2.19.0", day, click(), click())
		// Project 2: a backend sends a password property.
		c := canary("pw")
		canaries = append(canaries, c)
		add(2, "Signed Up", "emil", "1.0.0", day, map[string]any{"password": c, "plan": "team"}, map[string]any{"plan": "team"})
		add(2, "Page View", "fay", "1.0.0", day, map[string]any{"plan": "free"}, map[string]any{"plan": "free"})
		// Project 3 is clean.
		add(3, "Page View", "gus", "2.19.0", day, map[string]any{"plan": "free"}, map[string]any{"plan": "free"})
		if day < 2 {
			if err := s.Seal(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	all := append(slices.Clone(canaries), keep...)
	if hits := residue(t, dir, all); len(hits) == 0 {
		t.Fatal("a byte search finds no canary before the purge: the test proves nothing")
	}
	exported := func() map[string]map[string]any {
		out := map[string]map[string]any{}
		for p := int64(1); p <= 3; p++ {
			if err := s.Export(ctx, store.ExportQuery{ProjectID: p, From: 0, To: 1 << 62}, func(r *event.Row) error {
				var m map[string]any
				if err := json.Unmarshal(r.Props, &m); err != nil {
					return err
				}
				out[r.InsertID] = m
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	before := exported()
	for _, r := range rows {
		if !reflect.DeepEqual(before[r.insertID], r.before) {
			t.Fatalf("row %s was not stored as sent", r.insertID)
		}
	}

	// The policy is tightened; a rescan finds what the lax one kept.
	projs := scopeProjects{{ID: 1, Name: "autotrack"}, {ID: 2, Name: "backend"}, {ID: 3, Name: "clean"}}
	rs := &scope.Rescanner{Projects: projs, Source: s, Guards: scopeGuards{1: strict, 2: strict, 3: strict}}
	rep, err := rs.Rescan(ctx, scope.Criteria{Classes: []string{"password"}, Rescan: true}, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := json.Marshal(rep)
	for _, c := range all {
		if strings.Contains(string(rb), c) {
			t.Fatal("the scope report holds a value")
		}
	}
	if len(rep.Projects) != 2 || rep.Projects[0].ProjectID != 1 || rep.Projects[1].ProjectID != 2 ||
		len(rep.Projects[0].Users) != 2 || len(rep.Projects[1].Users) != 1 {
		t.Fatalf("scope report: %s", rb)
	}

	// The report goes through JSON, as from sieve scope to sieve purge.
	prep, crit, err := ParseScope(rb)
	if err != nil || crit != nil {
		t.Fatalf("ParseScope: %v", err)
	}
	plans, err := PlanScope(prep, ScopeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{Dir: filepath.Join(dir, "purges"), Backend: s, HashID: hashID})
	if err != nil {
		t.Fatal(err)
	}
	m.Start()
	defer m.Close()
	jobs, err := m.SubmitScope(plans, "admin")
	if err != nil || len(jobs) != 2 {
		t.Fatalf("SubmitScope: %d jobs, %v", len(jobs), err)
	}
	var changed int64
	for i, j := range jobs {
		j, err := m.Wait(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status != StatusDone || j.Certificate == nil || j.Certificate.Verification.Result != "passed" || !j.Certificate.Verification.OldFilesRemoved {
			t.Fatalf("job %d: %s %s %+v", i, j.Status, j.Error, j.Certificate)
		}
		c := j.Criteria
		if c.Source != "scope" || c.Scope == nil || c.Scope.Source != "rescan" || c.ProjectID != rep.Projects[i].ProjectID ||
			c.DistinctIDs != len(rep.Projects[i].Users) || c.From == "" || c.To == "" {
			t.Errorf("job %d criteria: %+v", i, c)
		}
		changed += j.Certificate.RowsChanged
	}
	if changed != int64(len(canaries)) {
		t.Errorf("rows changed %d, want %d", changed, len(canaries))
	}
	if hits := residue(t, dir, canaries); len(hits) != 0 {
		t.Errorf("canaries left in %v", hits)
	}
	after := exported()
	if len(after) != len(rows) {
		t.Errorf("%d rows after the purge, want %d", len(after), len(rows))
	}
	for _, r := range rows {
		if !reflect.DeepEqual(after[r.insertID], r.exp) {
			got, _ := json.Marshal(after[r.insertID])
			t.Errorf("row %s after the purge: %s", r.insertID, got)
		}
	}
	if hits := residue(t, dir, keep); len(hits) == 0 {
		t.Error("the values of other properties are gone")
	}
	// A rescan now finds nothing.
	rep, err = rs.Rescan(ctx, scope.Criteria{Classes: []string{"password"}, Rescan: true}, time.Now(), nil)
	if err != nil || len(rep.Projects) != 0 {
		t.Errorf("rescan after the purge: %+v %v", rep.Projects, err)
	}
	m.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if hits := residue(t, dir, canaries); len(hits) != 0 {
		t.Errorf("canaries left after close in %v", hits)
	}
}
