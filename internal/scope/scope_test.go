package scope_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/ingest"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/scope"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// env is an in-process ingestion pipeline: registry, guard, DuckDB store.
type env struct {
	t      *testing.T
	reg    *project.Registry
	st     *duckdb.Store
	guards *guardcache.Cache
	ing    *ingest.Ingester
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	reg, err := project.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: log, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	guards := guardcache.New(reg, guard.New())
	return &env{t: t, reg: reg, st: st, guards: guards, ing: ingest.New(log, reg, st, guards)}
}

func (e *env) project(name string) project.Project {
	e.t.Helper()
	c, err := e.reg.Create(name)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Project
}

// track sends events to /track and checks they were accepted.
func (e *env) track(evs ...map[string]any) {
	e.t.Helper()
	b, _ := json.Marshal(evs)
	rec := httptest.NewRecorder()
	e.ing.Track().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/track?verbose=1", bytes.NewReader(b)))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":1`) {
		e.t.Fatalf("/track answered %d %s", rec.Code, rec.Body.String())
	}
}

func ev(p project.Project, name, distinctID, lib, version string, props map[string]any) map[string]any {
	all := map[string]any{"token": p.Token, "distinct_id": distinctID, "mp_lib": lib, "$lib_version": version,
		"$current_url": "https://shop.example.com/login?utm_source=mail", "$browser": "Chrome"}
	for k, v := range props {
		all[k] = v
	}
	return map[string]any{"event": name, "properties": all}
}

func findProject(rep scope.Report, id int64) *scope.ProjectReport {
	for i := range rep.Projects {
		if rep.Projects[i].ProjectID == id {
			return &rep.Projects[i]
		}
	}
	return nil
}

func mustNotContain(t *testing.T, what string, b []byte, canaries ...string) {
	t.Helper()
	for _, c := range canaries {
		if bytes.Contains(b, []byte(c)) {
			t.Errorf("%s holds a value it must not (canary %d)", what, slices.Index(canaries, c))
		}
	}
}

// Three projects: A sends passwords through an old SDK's autotrack
// $elements attr__value, B through a property name, C is clean. The report
// lists exactly A and B, the right distinct_ids, paths and SDK versions,
// and none of the values.
func TestScopeReportThreeProjects(t *testing.T) {
	e := newEnv(t)
	a, b, c := e.project("Shop A"), e.project("Shop B"), e.project("Clean C")
	canA1, canA2, canB := "Zq8!canaryA1-pass", "Xw3#canaryA2-pass", "Pv5$canaryB-secret"
	input := func(v string) []any {
		return []any{map[string]any{"tag_name": "input", "attr__type": "password", "attr__name": "pw", "attr__value": v, "nth_child": 1}}
	}
	e.track(
		ev(a, "$autotrack", "alice@a", "web", "2.1.0", map[string]any{"$elements": input(canA1)}),
		ev(a, "$autotrack", "bob@a", "web", "2.1.0", map[string]any{"$elements": input(canA2)}),
		ev(a, "$autotrack", "carol@a", "web", "2.9.0", map[string]any{"$elements": []any{map[string]any{"tag_name": "button", "$el_text": "Buy"}}}),
		ev(b, "Signed Up", "dave@b", "python", "4.10.0", map[string]any{"password": canB, "plan": "pro"}),
		ev(b, "Page View", "erin@b", "python", "4.10.0", map[string]any{"plan": "free"}),
		ev(c, "Page View", "frank@c", "web", "2.9.0", map[string]any{"plan": "pro", "search": "running shoes"}),
	)
	rep, err := scope.FromFindings(context.Background(), e.reg, e.st, scope.Criteria{Classes: []string{"password"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rep)
	mustNotContain(t, "report", raw, canA1, canA2, canB)
	if len(rep.Projects) != 2 || findProject(rep, a.ID) == nil || findProject(rep, b.ID) == nil {
		t.Fatalf("want exactly projects %d and %d, got %s", a.ID, b.ID, raw)
	}
	pa, pb := findProject(rep, a.ID), findProject(rep, b.ID)
	if pa.Events != 2 || pa.DistinctIDs != 2 || pa.ProjectName != "Shop A" {
		t.Errorf("project A: events %d, distinct_ids %d, name %q", pa.Events, pa.DistinctIDs, pa.ProjectName)
	}
	if !slices.Contains(pa.Properties, "$elements[].attr__value") {
		t.Errorf("project A properties %v lack $elements[].attr__value", pa.Properties)
	}
	if len(pa.SDKVersions) != 1 || pa.SDKVersions[0] != (scope.SDKCount{Lib: "web", Version: "2.1.0", Events: 2}) {
		t.Errorf("project A SDK versions %+v, want web 2.1.0 x2", pa.SDKVersions)
	}
	var users []string
	for _, u := range pa.Users {
		users = append(users, u.DistinctID)
		if !slices.Contains(u.Properties, "$elements[].attr__value") {
			t.Errorf("user %s: properties %v", u.DistinctID, u.Properties)
		}
	}
	if !slices.Equal(users, []string{"alice@a", "bob@a"}) {
		t.Errorf("project A users %v", users)
	}
	if pb.Events != 1 || len(pb.Users) != 1 || pb.Users[0].DistinctID != "dave@b" || !slices.Equal(pb.Users[0].Properties, []string{"password"}) {
		t.Errorf("project B: %+v", pb)
	}
	if len(pb.SDKVersions) != 1 || pb.SDKVersions[0].Lib != "python" || pb.SDKVersions[0].Version != "4.10.0" {
		t.Errorf("project B SDK versions %+v", pb.SDKVersions)
	}

	// Criteria narrow: a property pattern, one project, events.
	f := func(c scope.Criteria, want ...int64) {
		t.Helper()
		rep, err := scope.FromFindings(context.Background(), e.reg, e.st, c, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, p := range rep.Projects {
			got = append(got, p.ProjectID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("criteria %+v: projects %v, want %v", c, got, want)
		}
	}
	f(scope.Criteria{Properties: []string{"password"}}, b.ID)
	f(scope.Criteria{Properties: []string{"attr__*"}}, a.ID)
	f(scope.Criteria{Properties: []string{"$elements[].*"}}, a.ID)
	f(scope.Criteria{Events: []string{"Signed Up"}}, b.ID)
	f(scope.Criteria{ProjectIDs: []int64{c.ID}})
	f(scope.Criteria{Detectors: []string{"key.password"}}, b.ID)
	f(scope.Criteria{To: time.Now().Add(-time.Hour).Format(time.RFC3339)})

	// A rescan with the current (default) policy finds nothing stored: the
	// guard dropped every password at ingestion.
	rs := &scope.Rescanner{Projects: e.reg, Source: e.st, Guards: e.guards}
	rrep, err := rs.Rescan(context.Background(), scope.Criteria{Rescan: true}, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rrep.Projects) != 0 || rrep.Scanned != 6 {
		t.Errorf("rescan of clean stored data: %d projects, %d scanned", len(rrep.Projects), rrep.Scanned)
	}
}

// Data stored while a project's policy keeps a class is found by a rescan
// once the policy is tightened; the stored data is not modified.
func TestRescanFindsWhatPolicyAllowed(t *testing.T) {
	e := newEnv(t)
	p := e.project("Lax")
	other := e.project("Other")
	if err := e.reg.SetGuard(p.ID, json.RawMessage(`{"actions":{"password":"keep","payment_card":"keep"}}`), "test"); err != nil {
		t.Fatal(err)
	}
	canary := "Kq7%canary-rescan-pw"
	card := "4111 1111 1111 1111"
	var evs []map[string]any
	for i := range 40 {
		props := map[string]any{"plan": "pro", "n": i}
		if i%10 == 3 {
			props["user"] = map[string]any{"password": canary}
		}
		if i == 7 {
			props["card_number"] = card
		}
		evs = append(evs, ev(p, "Checkout", fmt.Sprintf("user-%d", i%5), "web", "2.50.0", props))
	}
	evs = append(evs, ev(other, "Checkout", "x", "web", "2.50.0", map[string]any{"password": canary}))
	e.track(evs...)
	if err := e.st.Seal(context.Background()); err != nil { // half sealed, half active
		t.Fatal(err)
	}
	e.track(ev(p, "Login", "late-user", "web", "2.51.0", map[string]any{"password": canary}))

	rs := &scope.Rescanner{Projects: e.reg, Source: e.st, Guards: e.guards}
	// Before tightening: the current policy keeps the values, and a keep
	// is still a finding (the value is stored).
	if err := e.reg.SetGuard(p.ID, json.RawMessage(`{"actions":{"password":"drop_property","payment_card":"drop_property"}}`), "test"); err != nil {
		t.Fatal(err)
	}
	var prog scope.Progress
	rep, err := rs.Rescan(context.Background(), scope.Criteria{Rescan: true, Classes: []string{"password"}}, time.Now(), &prog)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rep)
	mustNotContain(t, "rescan report", raw, canary, card, "4111111111111111")
	if len(rep.Projects) != 1 || rep.Projects[0].ProjectID != p.ID {
		t.Fatalf("want only project %d, got %s", p.ID, raw)
	}
	pr := rep.Projects[0]
	if pr.Events != 5 || !slices.Equal(pr.Properties, []string{"password", "user.password"}) {
		t.Errorf("events %d properties %v, want 5 and [password user.password]", pr.Events, pr.Properties)
	}
	if prog.Total.Load() != 42 || prog.Scanned.Load() != 42 {
		t.Errorf("progress %d/%d, want 42/42 (both projects)", prog.Scanned.Load(), prog.Total.Load())
	}
	if len(pr.Details) == 0 || pr.Details[0].Action != "drop_property" {
		t.Errorf("details %+v: the action must be what the current policy does", pr.Details)
	}
	// Cards too, and a property pattern pushed down to SQL.
	rep, err = rs.Rescan(context.Background(), scope.Criteria{Rescan: true, Properties: []string{"card_number"}}, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Projects) != 1 || rep.Projects[0].Events != 1 || rep.Projects[0].Users[0].DistinctID != "user-2" {
		t.Errorf("card rescan: %+v", rep.Projects)
	}
	// The stored data is unchanged: export still has the kept value.
	days, err := e.st.CountByDay(context.Background(), store.ScanQuery{ProjectID: p.ID, To: time.Now().Add(time.Hour).UnixMilli(), PropsContain: []string{canary}})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, d := range days {
		n += d.Events
	}
	if n != 5 {
		t.Errorf("stored rows holding the kept value: %d, want 5 (a rescan must not modify data)", n)
	}
}

func TestCriteriaErrorsDoNotEcho(t *testing.T) {
	e := newEnv(t)
	secret := "Hh1!echo-canary"
	for _, c := range []scope.Criteria{
		{From: secret},
		{To: secret},
		{From: "2026-01-02T00:00:00Z", To: "2026-01-01T00:00:00Z"},
		{ProjectIDs: []int64{-1}},
		{ProjectIDs: []int64{999}},
		{Classes: []string{strings.Repeat("x", 300) + secret}},
	} {
		_, err := scope.FromFindings(context.Background(), e.reg, e.st, c, time.Now())
		if err == nil {
			t.Errorf("criteria %+v accepted", c)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error echoes the input: %v", err)
		}
	}
}
