// Package storetest is the conformance suite every store.Store backend must
// pass: Run it from the backend's tests with a function that opens the
// backend on a directory.
//
// It checks what callers rely on: rows come back exactly as appended and in
// time order, filters by project, time and event name, de-duplication by
// insert id (within a call, across calls, across a restart and, for
// backends with a Seal method, across sealing), durability across reopen,
// concurrent appends, profile operations and paging, findings, ErrClosed
// after Close and context cancellation, where expressions on exports
// and profiles, whose answers must equal expr.Eval's, for backends
// that implement store.EventScanner, its counts and scans, and, for
// backends with purges (Purger), removing event properties.
//
// storetest imports store, event, query/expr and the standard library's
// testing; it must not import a backend, nor ingest, api, server or guard.
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Opener opens the backend on dir. The suite closes what it opens, and opens
// the same dir again to test durability.
type Opener func(t *testing.T, dir string) store.Store

// Sealer is implemented by backends that can be told to move recent rows
// into their long-term layout; the suite then checks that de-duplication
// and exports hold across it.
type Sealer interface {
	Seal(ctx context.Context) error
}

// Run runs the conformance suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"RoundTrip", testRoundTrip},
		{"Filters", testFilters},
		{"TimeOrder", testTimeOrder},
		{"DedupWithinCall", testDedupWithinCall},
		{"DedupAcrossCalls", testDedupAcrossCalls},
		{"GeneratedIDsNotDeduplicated", testGeneratedIDs},
		{"DedupAcrossReopen", testDedupAcrossReopen},
		{"DedupAcrossSeal", testDedupAcrossSeal},
		{"Durability", testDurability},
		{"ConcurrentAppends", testConcurrentAppends},
		{"Profiles", testProfiles},
		{"ProfilePaging", testProfilePaging},
		{"Findings", testFindings},
		{"ErrClosed", testErrClosed},
		{"Cancellation", testCancellation},
		{"ExportCallbackError", testExportCallbackError},
		{"Where", testWhere},
		{"ProfileWhere", testProfileWhere},
		{"EventScanner", testEventScanner},
		{"PurgeProperties", testPurgeProperties},
		{"PurgeProfileProperties", testPurgeProfileProperties},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// Base time of test rows: 2026-03-01T00:00:00Z.
var base = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

const day = int64(24 * time.Hour / time.Millisecond)

func row(project int64, t int64, name, distinct, insert, props string) event.Row {
	return event.Row{ProjectID: project, Time: t, Name: name, DistinctID: distinct, InsertID: insert, Props: []byte(props)}
}

func openT(t *testing.T, open Opener, dir string) store.Store {
	t.Helper()
	s := open(t, dir)
	if s == nil {
		t.Fatal("open returned nil")
	}
	return s
}

func closeT(t *testing.T, s store.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func appendT(t *testing.T, s store.Store, rows ...event.Row) store.AppendResult {
	t.Helper()
	res, err := s.Append(context.Background(), rows)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return res
}

func wantResult(t *testing.T, got store.AppendResult, stored, dups int) {
	t.Helper()
	if got.Stored != stored || got.Duplicates != dups {
		t.Fatalf("AppendResult = %+v, want Stored %d Duplicates %d", got, stored, dups)
	}
}

// export returns copies of the exported rows.
func export(t *testing.T, s store.Store, q store.ExportQuery) []event.Row {
	t.Helper()
	var out []event.Row
	err := s.Export(context.Background(), q, func(r *event.Row) error {
		c := *r
		c.Props = bytes.Clone(r.Props)
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return out
}

func all(project int64) store.ExportQuery {
	return store.ExportQuery{ProjectID: project, From: 0, To: 1 << 62}
}

func rowString(r event.Row) string {
	return fmt.Sprintf("p=%d t=%d name=%q distinct=%q insert=%q props=%s", r.ProjectID, r.Time, r.Name, r.DistinctID, r.InsertID, r.Props)
}

// sameRows compares as multisets, ignoring order.
func sameRows(t *testing.T, got, want []event.Row) {
	t.Helper()
	g := make([]string, len(got))
	for i, r := range got {
		g[i] = rowString(r)
	}
	w := make([]string, len(want))
	for i, r := range want {
		w[i] = rowString(r)
	}
	sort.Strings(g)
	sort.Strings(w)
	if !slices.Equal(g, w) {
		t.Fatalf("rows differ:\n got  %d rows: %s\n want %d rows: %s", len(g), clip(g), len(w), clip(w))
	}
}

func clip(s []string) string {
	if len(s) > 8 {
		return strings.Join(s[:8], "\n  ") + "\n  ..."
	}
	return strings.Join(s, "\n  ")
}

func testRoundTrip(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	rows := []event.Row{
		row(1, base+1, "Signed Up", "user-1", "ins-1", `{"plan":"pro","n":1,"f":1.50,"big":12345678901234567890,"neg":-0.0,"e":1e-7}`),
		row(1, base+2, "page view", "user-2", "", `{"$current_url":"https://example.com/a?b=c&d=e","nested":{"a":[1,{"b":null}],"t":true,"f":false}}`),
		row(1, base+3, "Ünïcödé 🎉", "用户-3", "ins-3", `{"emoji":"😀 \ud83d\ude00","esc":"line\nbreak \"quoted\" \\ back","ctrl":"\u0000\u001f","empty":"","sp":" "}`),
		row(1, base+4, "$mp_web_page_view", "$device:18f2a1b2-c3d4", "0123456789abcdef", `{}`),
		row(1, base+5, "spaces in json", "u", "i5", "{ \"a\" : 1 ,\n \"b\":[ ] }"),
		row(1, base+6, "long", "u", "i6", `{"s":"`+strings.Repeat("x", 70000)+`"}`),
		row(1, base+7, "quote'in\"name", "it's", "ins'7", `{"k'ey":"v'al"}`),
	}
	wantResult(t, appendT(t, s, rows...), len(rows), 0)
	got := export(t, s, all(1))
	if len(got) != len(rows) {
		t.Fatalf("exported %d rows, want %d", len(got), len(rows))
	}
	for i := range rows {
		if rowString(got[i]) != rowString(rows[i]) {
			t.Fatalf("row %d:\n got  %s\n want %s", i, clip([]string{rowString(got[i])}), clip([]string{rowString(rows[i])}))
		}
	}
}

func testFilters(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	var rows []event.Row
	for d := int64(0); d < 4; d++ {
		for p := int64(1); p <= 2; p++ {
			for _, name := range []string{"a", "b", "c"} {
				rows = append(rows, row(p, base+d*day+d*1000, name, "u", fmt.Sprintf("%d-%d-%s", d, p, name), `{}`))
			}
		}
	}
	// Boundaries: exactly at a day start, one ms before.
	rows = append(rows, row(1, base+2*day, "edge", "u", "e1", `{}`), row(1, base+2*day-1, "edge", "u", "e2", `{}`))
	appendT(t, s, rows...)
	if s, ok := s.(Sealer); ok {
		if err := s.Seal(context.Background()); err != nil {
			t.Fatalf("Seal: %v", err)
		}
		// And some rows that stay recent.
	}
	more := []event.Row{row(1, base+2*day+5, "a", "u", "late-1", `{}`), row(2, base+2*day+5, "a", "u", "late-2", `{}`)}
	appendT(t, s, more...)
	rows = append(rows, more...)

	f := func(q store.ExportQuery) {
		t.Helper()
		var want []event.Row
		for _, r := range rows {
			if r.ProjectID == q.ProjectID && r.Time >= q.From && r.Time < q.To && (len(q.Events) == 0 || slices.Contains(q.Events, r.Name)) {
				want = append(want, r)
			}
		}
		got := export(t, s, q)
		sameRows(t, got, want)
		if len(want) == 0 && len(got) != 0 {
			t.Fatalf("query %+v: want nothing", q)
		}
	}
	f(all(1))
	f(all(2))
	f(all(3))
	f(store.ExportQuery{ProjectID: 1, From: base + day, To: base + 2*day})
	f(store.ExportQuery{ProjectID: 1, From: base + 2*day, To: base + 2*day + 1})
	f(store.ExportQuery{ProjectID: 1, From: base + 2*day - 1, To: base + 2*day})
	f(store.ExportQuery{ProjectID: 1, From: base, To: base})
	f(store.ExportQuery{ProjectID: 1, From: base + 3*day, To: base})
	f(store.ExportQuery{ProjectID: 2, From: base, To: base + 10*day, Events: []string{"a", "c"}})
	f(store.ExportQuery{ProjectID: 1, From: base, To: base + 10*day, Events: []string{"edge"}})
	f(store.ExportQuery{ProjectID: 1, From: base, To: base + 10*day, Events: []string{"nope"}})
	f(store.ExportQuery{ProjectID: 1, From: base + day + 1000, To: base + 3*day + 1001, Events: []string{"b", "a"}})
}

func testTimeOrder(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	r := rand.New(rand.NewPCG(1, 2))
	var rows []event.Row
	for i := 0; i < 3000; i++ {
		rows = append(rows, row(1, base+r.Int64N(5*day), "e", "u", fmt.Sprint(i), fmt.Sprintf(`{"i":%d}`, i)))
	}
	for i := 0; i < len(rows); i += 300 {
		appendT(t, s, rows[i:i+300]...)
		if i == 1500 {
			if s, ok := s.(Sealer); ok {
				if err := s.Seal(context.Background()); err != nil {
					t.Fatalf("Seal: %v", err)
				}
			}
		}
	}
	got := export(t, s, all(1))
	sameRows(t, got, rows)
	for i := 1; i < len(got); i++ {
		if got[i].Time < got[i-1].Time {
			t.Fatalf("export not in time order at %d: %d after %d", i, got[i].Time, got[i-1].Time)
		}
	}
}

func testDedupWithinCall(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	a := row(1, base, "e", "u", "x", `{"v":1}`)
	b := a
	b.Props = []byte(`{"v":2}`) // same key, other properties: still a duplicate
	noID := row(1, base, "e", "u", "", `{"v":3}`)
	res := appendT(t, s, a, b, a, noID, noID,
		row(2, base, "e", "u", "x", `{}`),   // other project
		row(1, base+1, "e", "u", "x", `{}`), // other time
		row(1, base, "f", "u", "x", `{}`),   // other name
		row(1, base, "e", "v", "x", `{}`),   // other distinct id
		row(1, base, "e", "u", "y", `{}`),   // other insert id
	)
	wantResult(t, res, 8, 2)
	got := export(t, s, all(1))
	if len(got) != 7 {
		t.Fatalf("project 1 has %d rows, want 7", len(got))
	}
	if !slices.ContainsFunc(got, func(r event.Row) bool { return string(r.Props) == `{"v":1}` }) ||
		slices.ContainsFunc(got, func(r event.Row) bool { return string(r.Props) == `{"v":2}` }) {
		t.Fatal("the first of duplicate rows must be the one kept")
	}
}

func testDedupAcrossCalls(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	batch := []event.Row{
		row(1, base, "e", "u", "r1", `{}`),
		row(1, base+day, "e", "u", "r2", `{}`),
		row(1, base, "e", "u", "", `{}`),
	}
	wantResult(t, appendT(t, s, batch...), 3, 0)
	// A client retry of the whole batch: only the row without insert id is new.
	wantResult(t, appendT(t, s, batch...), 1, 2)
	wantResult(t, appendT(t, s, batch[1], row(1, base, "e", "u", "r3", `{}`)), 1, 1)
	if n := len(export(t, s, all(1))); n != 5 {
		t.Fatalf("%d rows, want 5", n)
	}
}

// Rows whose InsertID Sieve generated are never de-duplicated, even with
// the same key, and keep their id.
func testGeneratedIDs(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	g := row(1, base, "e", "u", "0123456789abcdef0123456789abcdef", `{}`)
	g.GeneratedID = true
	wantResult(t, appendT(t, s, g, g), 2, 0)
	wantResult(t, appendT(t, s, g), 1, 0)
	got := export(t, s, all(1))
	if len(got) != 3 {
		t.Fatalf("%d rows, want 3", len(got))
	}
	for _, r := range got {
		if r.InsertID != g.InsertID {
			t.Fatalf("exported insert id %q, want %q", r.InsertID, g.InsertID)
		}
	}
}

func testDedupAcrossReopen(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openT(t, open, dir)
	batch := []event.Row{row(1, base, "e", "u", "r1", `{}`), row(1, base-3*day, "e", "u", "r2", `{}`)}
	wantResult(t, appendT(t, s, batch...), 2, 0)
	closeT(t, s)
	s = openT(t, open, dir)
	wantResult(t, appendT(t, s, batch...), 0, 2)
	closeT(t, s)
	s = openT(t, open, dir)
	defer closeT(t, s)
	wantResult(t, appendT(t, s, append(batch, row(1, base, "e", "u", "r3", `{}`))...), 1, 2)
	if n := len(export(t, s, all(1))); n != 3 {
		t.Fatalf("%d rows, want 3", n)
	}
}

func testDedupAcrossSeal(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openT(t, open, dir)
	sealer, ok := s.(Sealer)
	if !ok {
		closeT(t, s)
		t.Skip("backend has no Seal")
	}
	seal := func() {
		t.Helper()
		if err := sealer.Seal(context.Background()); err != nil {
			t.Fatalf("Seal: %v", err)
		}
	}
	var rows []event.Row
	for i := 0; i < 200; i++ {
		rows = append(rows, row(1, base+int64(i%3)*day+int64(i), "e", "u", fmt.Sprint("k", i), `{}`))
	}
	wantResult(t, appendT(t, s, rows[:100]...), 100, 0)
	seal()
	wantResult(t, appendT(t, s, rows[50:150]...), 50, 50)
	seal()
	seal() // nothing new: no-op
	wantResult(t, appendT(t, s, rows...), 50, 150)
	closeT(t, s)
	s = openT(t, open, dir)
	defer closeT(t, s)
	wantResult(t, appendT(t, s, rows...), 0, 200)
	got := export(t, s, all(1))
	sameRows(t, got, rows)
}

func testDurability(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openT(t, open, dir)
	var rows []event.Row
	for i := 0; i < 500; i++ {
		rows = append(rows, row(int64(1+i%2), base+int64(i)*3_600_000, "e", fmt.Sprint("u", i%7), fmt.Sprint(i), fmt.Sprintf(`{"i":%d}`, i)))
	}
	appendT(t, s, rows[:250]...)
	closeT(t, s)
	s = openT(t, open, dir)
	appendT(t, s, rows[250:]...)
	closeT(t, s)
	s = openT(t, open, dir)
	defer closeT(t, s)
	var want1, want2 []event.Row
	for _, r := range rows {
		if r.ProjectID == 1 {
			want1 = append(want1, r)
		} else {
			want2 = append(want2, r)
		}
	}
	sameRows(t, export(t, s, all(1)), want1)
	sameRows(t, export(t, s, all(2)), want2)
}

func testConcurrentAppends(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	const workers, calls, per = 16, 25, 20
	var mu sync.Mutex
	total := store.AppendResult{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := 0; c < calls; c++ {
				var rows []event.Row
				for i := 0; i < per; i++ {
					// Workers w and w^1 send the same rows: every row is sent twice.
					id := fmt.Sprintf("w%d-c%d-i%d", w/2, c, i)
					rows = append(rows, row(1, base+int64(c*per+i), "e", fmt.Sprint("u", w/2), id, `{"w":1}`))
				}
				res, err := s.Append(context.Background(), rows)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				total.Stored += res.Stored
				total.Duplicates += res.Duplicates
				mu.Unlock()
				if c == calls/2 && w == 0 {
					if sl, ok := s.(Sealer); ok {
						if err := sl.Seal(context.Background()); err != nil {
							errs <- err
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Append: %v", err)
	}
	unique := workers / 2 * calls * per
	wantResult(t, total, unique, unique)
	got := export(t, s, all(1))
	if len(got) != unique {
		t.Fatalf("exported %d rows, want %d", len(got), unique)
	}
	seen := map[string]bool{}
	for _, r := range got {
		if seen[r.InsertID] {
			t.Fatalf("row exported twice")
		}
		seen[r.InsertID] = true
	}
}

func ops(kv ...string) []event.ProfileOpRow {
	var out []event.ProfileOpRow
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, event.ProfileOpRow{Op: kv[i], Value: []byte(kv[i+1])})
	}
	return out
}

func profiles(t *testing.T, s store.Store, q store.ProfileQuery) (map[string]string, []string, int) {
	t.Helper()
	got := map[string]string{}
	var order []string
	total, err := s.Profiles(context.Background(), q, func(p *store.Profile) error {
		got[p.GroupKey+"/"+p.ID] = string(p.Properties)
		order = append(order, p.ID)
		return nil
	})
	if err != nil {
		t.Fatalf("Profiles: %v", err)
	}
	return got, order, total
}

func testProfiles(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openT(t, open, dir)
	ctx := context.Background()
	ts := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC).UnixMilli()
	up := func(kind event.ProfileKind, gk, id string, ignore bool, o ...string) event.ProfileRow {
		return event.ProfileRow{ProjectID: 1, Kind: kind, GroupKey: gk, ID: id, Time: ts, IgnoreTime: ignore, Ops: ops(o...)}
	}
	err := s.UpdateProfiles(ctx, []event.ProfileRow{
		up(event.People, "", "alice", false, "$set", `{"name":"Alice","plan":"free"}`, "$add", `{"logins":1}`),
		up(event.People, "", "alice", true, "$set_once", `{"plan":"pro","first":"2026"}`, "$add", `{"logins":2}`, "$union", `{"tags":["a","b"]}`),
		up(event.People, "", "bob", true, "$set", `{"x":1}`),
		up(event.People, "", "bob", true, "$delete", `""`),
		up(event.People, "", "carol", true, "$append", `{"l":1}`),
		up(event.Group, "company", "acme", true, "$set", `{"size":10}`),
		up(event.Group, "team", "acme", true, "$set", `{"size":3}`),
	})
	if err != nil {
		t.Fatalf("UpdateProfiles: %v", err)
	}
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{
		up(event.People, "", "carol", true, "$append", `{"l":2}`, "$unset", `["nothing"]`),
		up(event.People, "", "alice", true, "$remove", `{"tags":"a"}`),
	}); err != nil {
		t.Fatalf("UpdateProfiles: %v", err)
	}
	// An invalid update is refused and changes nothing.
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{
		up(event.People, "", "carol", true, "$set", `{"changed":true}`),
		up(event.People, "", "dave", true, "$add", `{"n":"not a number"}`),
	}); err == nil {
		t.Fatal("UpdateProfiles accepted $add of a string")
	}
	check := func(s store.Store) {
		t.Helper()
		got, order, total := profiles(t, s, store.ProfileQuery{ProjectID: 1, Kind: event.People})
		want := map[string]string{
			"/alice": `{"name":"Alice","plan":"free","logins":3,"$last_seen":"2026-03-02T10:00:00","first":"2026","tags":["b"]}`,
			"/carol": `{"l":[1,2]}`,
		}
		if total != 2 || !mapsEqual(got, want) {
			t.Fatalf("people profiles: total %d\n got  %v\n want %v", total, got, want)
		}
		if !slices.Equal(order, []string{"alice", "carol"}) {
			t.Fatalf("not ordered by id: %v", order)
		}
		got, _, total = profiles(t, s, store.ProfileQuery{ProjectID: 1, Kind: event.Group, GroupKey: "company"})
		if total != 1 || got["company/acme"] != `{"size":10}` {
			t.Fatalf("group profiles: %d %v", total, got)
		}
		_, _, total = profiles(t, s, store.ProfileQuery{ProjectID: 1, Kind: event.Group})
		if total != 2 {
			t.Fatalf("all groups: total %d, want 2", total)
		}
		_, _, total = profiles(t, s, store.ProfileQuery{ProjectID: 2, Kind: event.People})
		if total != 0 {
			t.Fatalf("other project: total %d", total)
		}
	}
	check(s)
	closeT(t, s)
	s = openT(t, open, dir)
	defer closeT(t, s)
	check(s)
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func testProfilePaging(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	var ups []event.ProfileRow
	var ids []string
	for i := 0; i < 25; i++ {
		id := fmt.Sprintf("id-%02d", (i*7)%25)
		ids = append(ids, id)
		ups = append(ups, event.ProfileRow{ProjectID: 1, Kind: event.People, ID: id, Time: base, IgnoreTime: true, Ops: ops("$set", fmt.Sprintf(`{"i":%d}`, i))})
	}
	if err := s.UpdateProfiles(context.Background(), ups); err != nil {
		t.Fatalf("UpdateProfiles: %v", err)
	}
	sort.Strings(ids)
	var pages []string
	for off := 0; off < 30; off += 10 {
		_, order, total := profiles(t, s, store.ProfileQuery{ProjectID: 1, Kind: event.People, Offset: off, Limit: 10})
		if total != 25 {
			t.Fatalf("total %d, want 25", total)
		}
		pages = append(pages, order...)
	}
	if !slices.Equal(pages, ids) {
		t.Fatalf("pages %v\nwant %v", pages, ids)
	}
	got, _, total := profiles(t, s, store.ProfileQuery{ProjectID: 1, Kind: event.People, IDs: []string{"id-03", "id-04", "missing"}})
	if total != 2 || len(got) != 2 || got["/id-03"] == "" {
		t.Fatalf("by ids: %d %v", total, got)
	}
}

func testFindings(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openT(t, open, dir)
	fs := []event.Finding{
		{Time: base + 3, ProjectID: 1, DistinctID: "u1", Event: "$autocapture", Path: "$elements[].attr__value", Class: "password", Detector: "input-type", Action: "drop", Lib: "web", LibVersion: "2.55.0"},
		{Time: base + 1, ProjectID: 1, DistinctID: "u2", Event: "$engage", Path: "$set.card", Class: "card", Detector: "luhn", Action: "drop"},
		{Time: base + 2, ProjectID: 2, DistinctID: "u3", Event: "e", Path: "token", Class: "secret", Detector: "prefix", Action: "mask"},
	}
	if err := s.AppendFindings(context.Background(), fs); err != nil {
		t.Fatalf("AppendFindings: %v", err)
	}
	closeT(t, s)
	s = openT(t, open, dir)
	defer closeT(t, s)
	get := func(q store.FindingQuery) []event.Finding {
		var out []event.Finding
		if err := s.Findings(context.Background(), q, func(f *event.Finding) error { out = append(out, *f); return nil }); err != nil {
			t.Fatalf("Findings: %v", err)
		}
		return out
	}
	got := get(store.FindingQuery{ProjectID: 1, From: base, To: base + 10})
	if len(got) != 2 || got[0] != fs[1] || got[1] != fs[0] {
		t.Fatalf("findings of project 1 in time order:\n got  %+v\n want %+v", got, []event.Finding{fs[1], fs[0]})
	}
	if got := get(store.FindingQuery{ProjectID: 1, From: base, To: base + 10, Class: "card"}); len(got) != 1 || got[0] != fs[1] {
		t.Fatalf("by class: %+v", got)
	}
	if got := get(store.FindingQuery{ProjectID: 1, From: base + 2, To: base + 3}); len(got) != 0 {
		t.Fatalf("time range is [From, To): %+v", got)
	}
}

func testErrClosed(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	appendT(t, s, row(1, base, "e", "u", "x", `{}`))
	closeT(t, s)
	ctx := context.Background()
	check := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrClosed) {
			t.Fatalf("%s after Close: got %v, want ErrClosed", name, err)
		}
	}
	_, err := s.Append(ctx, []event.Row{row(1, base, "e", "u", "y", `{}`)})
	check("Append", err)
	check("UpdateProfiles", s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: "a", Ops: ops("$set", `{}`)}}))
	check("Export", s.Export(ctx, all(1), func(*event.Row) error { return nil }))
	_, err = s.Profiles(ctx, store.ProfileQuery{ProjectID: 1, Kind: event.People}, func(*store.Profile) error { return nil })
	check("Profiles", err)
	check("AppendFindings", s.AppendFindings(ctx, []event.Finding{{ProjectID: 1}}))
	check("Findings", s.Findings(ctx, store.FindingQuery{ProjectID: 1, To: base}, func(*event.Finding) error { return nil }))
	if sl, ok := s.(Sealer); ok {
		check("Seal", sl.Seal(ctx))
	}
	// A second Close is harmless.
	_ = s.Close()
}

func testCancellation(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Append(ctx, []event.Row{row(1, base, "e", "u", "x", `{}`)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Append with a cancelled context: %v", err)
	}
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: "a", Ops: ops("$set", `{}`)}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("UpdateProfiles with a cancelled context: %v", err)
	}
	if err := s.Export(ctx, all(1), func(*event.Row) error { return nil }); !errors.Is(err, context.Canceled) && err != nil {
		t.Fatalf("Export with a cancelled context: %v", err)
	}
	if n := len(export(t, s, all(1))); n != 0 {
		t.Fatalf("a cancelled Append stored %d rows", n)
	}
	if _, _, total := profiles(t, s, store.ProfileQuery{ProjectID: 1, Kind: event.People}); total != 0 {
		t.Fatal("a cancelled UpdateProfiles stored a profile")
	}
	// Cancelling while an export runs stops it with the context's error.
	var rows []event.Row
	for i := 0; i < 5000; i++ {
		rows = append(rows, row(1, base+int64(i), "e", "u", fmt.Sprint(i), `{}`))
	}
	appendT(t, s, rows...)
	ctx, cancel = context.WithCancel(context.Background())
	n := 0
	err := s.Export(ctx, all(1), func(*event.Row) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Export cancelled midway returned %v after %d rows", err, n)
	}
	cancel()
	// Concurrent appends with short deadlines: each either stores all its
	// rows or reports an error and stores none.
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := map[string]bool{}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := 0; c < 20; c++ {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(c%4)*100*time.Microsecond)
				var batch []event.Row
				for i := 0; i < 10; i++ {
					batch = append(batch, row(2, base+int64(i), "e", "u", fmt.Sprintf("w%d-c%d-i%d", w, c, i), `{}`))
				}
				_, err := s.Append(ctx, batch)
				cancel()
				mu.Lock()
				acked[fmt.Sprintf("w%d-c%d", w, c)] = err == nil
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	perCall := map[string]int{}
	for _, r := range export(t, s, all(2)) {
		perCall[r.InsertID[:strings.LastIndex(r.InsertID, "-")]]++
	}
	for call, ok := range acked {
		if ok && perCall[call] != 10 {
			t.Fatalf("acknowledged call %s has %d of 10 rows", call, perCall[call])
		}
		if !ok && perCall[call] != 0 {
			t.Fatalf("failed call %s stored %d rows", call, perCall[call])
		}
	}
}

func testExportCallbackError(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	appendT(t, s, row(1, base, "e", "u", "a", `{}`), row(1, base+day, "e", "u", "b", `{}`))
	stop := errors.New("stop here")
	n := 0
	err := s.Export(context.Background(), all(1), func(*event.Row) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Export returned %v after %d rows, want the callback's error after 1", err, n)
	}
}

// jsonEnv is an expr.Env over one event or profile, for the oracle.
type jsonEnv struct {
	name  string
	props map[string]any
}

func (e jsonEnv) Event() string { return e.name }
func (e jsonEnv) Prop(k string) (any, bool) {
	v, ok := e.props[k]
	return v, ok
}
func (e jsonEnv) User(k string) (any, bool) { return e.Prop(k) }

func envOf(t *testing.T, name string, props []byte) jsonEnv {
	t.Helper()
	env := jsonEnv{name: name}
	if err := json.Unmarshal(props, &env.props); err != nil {
		t.Fatalf("props %s: %v", props, err)
	}
	return env
}

func rowEnv(t *testing.T, r event.Row) *expr.EventEnv {
	t.Helper()
	env := &expr.EventEnv{Name: r.Name, DistinctID: r.DistinctID, InsertID: r.InsertID, Time: r.Time}
	var err error
	if env.Props, err = expr.DecodeProps(r.Props); err != nil {
		t.Fatalf("props %s: %v", r.Props, err)
	}
	return env
}

func mustParse(t *testing.T, src string) expr.Node {
	t.Helper()
	n, err := expr.Parse(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return n
}

// whereCases are expressions over whereProps, each tried on exports and
// profiles.
var whereCases = []string{
	`properties["plan"] == "pro"`,
	`properties["plan"] != "pro"`,
	`number(properties["n"]) >= 2 and not defined(properties["gone"])`,
	`"ace" in properties["ref"] or properties["n"] in [1, 3]`,
	`properties["$browser"] == "Firefox"`,
	`properties["tags"] and "b" in properties["tags"]`,
	`string(properties["n"]) == "2"`,
	`properties["n"] % 2 == 1`,
	`properties["distinct_id"] in ["u1", "u3"] or properties["$insert_id"] == "w7"`,
	`properties["time"] % 86400 >= 43200`,
}

var whereProps = []string{
	`{"plan":"pro","n":1,"ref":"facebook.com","$browser":"Firefox","tags":["a","b"]}`,
	`{"plan":"free","n":"2","ref":"example.com","$browser":"Chrome","tags":[]}`,
	`{"plan":"Pro","n":2,"gone":null}`,
	`{"n":3,"ref":"space","tags":["b"],"gone":1}`,
	`{}`,
}

func testWhere(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	var rows []event.Row
	for i := range 40 {
		rows = append(rows, row(1, base+int64(i)*day/8, []string{"a", "b"}[i%2], fmt.Sprint("u", i%4), fmt.Sprint("w", i), whereProps[i%len(whereProps)]))
	}
	appendT(t, s, rows[:25]...)
	if s, ok := s.(Sealer); ok {
		if err := s.Seal(context.Background()); err != nil {
			t.Fatalf("Seal: %v", err)
		}
	}
	appendT(t, s, rows[25:]...)
	for _, src := range whereCases {
		where := mustParse(t, src)
		for _, q := range []store.ExportQuery{
			{ProjectID: 1, From: base, To: base + 10*day, Where: where},
			{ProjectID: 1, From: base + day, To: base + 4*day, Events: []string{"b"}, Where: where},
		} {
			var want []event.Row
			for _, r := range rows {
				if r.Time >= q.From && r.Time < q.To && (len(q.Events) == 0 || slices.Contains(q.Events, r.Name)) &&
					expr.Truthy(expr.Eval(where, rowEnv(t, r))) {
					want = append(want, r)
				}
			}
			if len(want) == 0 || len(want) == len(rows) {
				t.Fatalf("%s: a case that selects nothing or everything tests little", src)
			}
			got := export(t, s, q)
			sameRows(t, got, want)
		}
	}
	// The event name is a column.
	f, err := expr.Filter{Event: "a"}.Node()
	if err != nil {
		t.Fatal(err)
	}
	if got := export(t, s, store.ExportQuery{ProjectID: 1, From: base, To: base + 10*day, Where: f}); len(got) != 20 {
		t.Fatalf("event name filter: %d rows, want 20", len(got))
	}
	// A profile property in an event export is refused, not ignored.
	err = s.Export(context.Background(), store.ExportQuery{ProjectID: 1, From: base, To: base + day, Where: mustParse(t, `user["x"] == 1`)},
		func(*event.Row) error { return nil })
	if !errors.Is(err, store.ErrUnsupported) {
		t.Fatalf("user[] in export: got %v, want store.ErrUnsupported", err)
	}
}

func testProfileWhere(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	var ups []event.ProfileRow
	envs := map[string]jsonEnv{}
	for i := range 20 {
		id := fmt.Sprintf("p%02d", i)
		props := whereProps[i%len(whereProps)]
		ups = append(ups, event.ProfileRow{ProjectID: 1, Kind: event.People, ID: id, Time: base, IgnoreTime: true, Ops: ops("$set", props)})
		envs[id] = envOf(t, "", []byte(props))
	}
	if err := s.UpdateProfiles(context.Background(), ups); err != nil {
		t.Fatalf("UpdateProfiles: %v", err)
	}
	for _, src := range append(whereCases, `user["plan"] == "pro"`) {
		where := mustParse(t, src)
		var want []string
		for id, env := range envs {
			if expr.Truthy(expr.Eval(where, env)) {
				want = append(want, id)
			}
		}
		sort.Strings(want)
		_, order, total := profiles(t, s, store.ProfileQuery{ProjectID: 1, Kind: event.People, Where: where, Limit: 3})
		if total != len(want) || !slices.Equal(order, want[:min(3, len(want))]) {
			t.Fatalf("%s: total %d first %v, want %d %v", src, total, order, len(want), want)
		}
	}
	_, err := s.Profiles(context.Background(), store.ProfileQuery{ProjectID: 1, Kind: event.People, Where: mustParse(t, `properties["a"] == 1`)},
		func(*store.Profile) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	f, _ := expr.Filter{Event: "a"}.Node()
	_, err = s.Profiles(context.Background(), store.ProfileQuery{ProjectID: 1, Kind: event.People, Where: f}, func(*store.Profile) error { return nil })
	if !errors.Is(err, store.ErrUnsupported) {
		t.Fatalf("event name on profiles: got %v, want store.ErrUnsupported", err)
	}
}

// testEventScanner checks store.EventScanner, for backends that implement
// it, against a plain Go reference over the appended rows: counts per UTC
// day and the rows a scan hands pick, for project, time, event names and
// the properties prefilter, over sealed and recent rows alike.
func testEventScanner(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	sc, ok := s.(store.EventScanner)
	if !ok {
		t.Skip("the backend does not implement store.EventScanner")
	}
	ctx := context.Background()
	var rows []event.Row
	for i := 0; i < 300; i++ {
		props := fmt.Sprintf(`{"n":%d}`, i)
		switch i % 4 {
		case 1:
			props = fmt.Sprintf(`{"password":"pw%d","n":%d}`, i, i)
		case 2:
			props = fmt.Sprintf(`{"form":{"token":"t%d"},"n":%d}`, i, i)
		}
		rows = append(rows, row(int64(1+i%3/2), base+int64(i)*day/40-day/2, []string{"view", "login", "signup"}[i%3],
			fmt.Sprintf("u%d", i%11), fmt.Sprint("s", i), props))
	}
	appendT(t, s, rows[:150]...)
	if sl, ok := s.(Sealer); ok {
		if err := sl.Seal(ctx); err != nil {
			t.Fatalf("Seal: %v", err)
		}
	}
	appendT(t, s, rows[150:]...)

	selects := func(q store.ScanQuery, r event.Row) bool {
		if r.ProjectID != q.ProjectID || r.Time < q.From || r.Time >= q.To {
			return false
		}
		if len(q.Events) > 0 && !slices.Contains(q.Events, r.Name) {
			return false
		}
		if len(q.PropsContain) > 0 && !slices.ContainsFunc(q.PropsContain, func(c string) bool { return strings.Contains(string(r.Props), c) }) {
			return false
		}
		return true
	}
	queries := []store.ScanQuery{
		{ProjectID: 1, From: 0, To: 1 << 62},
		{ProjectID: 2, From: base, To: base + 3*day},
		{ProjectID: 1, From: base - day/4, To: base + 2*day + 7, Events: []string{"view", "signup", "absent"}},
		{ProjectID: 1, From: 0, To: 1 << 62, PropsContain: []string{`password"`, `token"`}},
		{ProjectID: 1, From: base, To: base + 5*day, Events: []string{"login"}, PropsContain: []string{`password"`}},
		{ProjectID: 3, From: 0, To: 1 << 62},
	}
	for qi, q := range queries {
		perDay := map[int64]int64{}
		var wantHits []string
		var selected int64
		for _, r := range rows {
			if !selects(q, r) {
				continue
			}
			d := r.Time - ((r.Time%day)+day)%day
			perDay[d]++
			selected++
			if strings.Contains(string(r.Props), "pw") {
				wantHits = append(wantHits, fmt.Sprintf("%d %s %s %s", r.Time, r.Name, r.DistinctID, r.InsertID))
			}
		}
		var want []store.DayCount
		for d, n := range perDay {
			want = append(want, store.DayCount{Day: d, Events: n})
		}
		slices.SortFunc(want, func(a, b store.DayCount) int { return int(a.Day/day - b.Day/day) })
		got, err := sc.CountByDay(ctx, q)
		if err != nil {
			t.Fatalf("query %d: CountByDay: %v", qi, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("query %d: CountByDay = %v, want %v", qi, got, want)
		}

		// pick selects the rows holding a password, with a result naming
		// the row's insert id (read from the props text: n).
		var mu sync.Mutex
		var seen int64
		var hits []string
		pick := func(name, distinctID, props string) ([]byte, error) {
			if !strings.Contains(props, `"password"`) {
				return nil, nil
			}
			var v struct{ N int }
			if err := json.Unmarshal([]byte(props), &v); err != nil {
				return nil, err
			}
			return []byte(fmt.Sprintf("%s %s s%d", name, distinctID, v.N)), nil
		}
		err = sc.Scan(ctx, q, pick, func(n int) { mu.Lock(); seen += int64(n); mu.Unlock() },
			func(tm int64, name, distinctID string, result []byte) error {
				if !strings.HasPrefix(string(result), name+" "+distinctID+" ") {
					return fmt.Errorf("result %q handed with another row (%s %s)", result, name, distinctID)
				}
				hits = append(hits, fmt.Sprintf("%d %s", tm, result))
				return nil
			})
		if err != nil {
			t.Fatalf("query %d: Scan: %v", qi, err)
		}
		sort.Strings(hits)
		sort.Strings(wantHits)
		if !slices.Equal(hits, wantHits) {
			t.Errorf("query %d: Scan selected\n %s\nwant\n %s", qi, clip(hits), clip(wantHits))
		}
		if seen != selected {
			t.Errorf("query %d: seen reported %d rows, want %d", qi, seen, selected)
		}
	}

	// Errors: pick's stops the scan and is wrapped; fn's is returned.
	errPick, errFn := errors.New("pick failed"), errors.New("fn failed")
	q := store.ScanQuery{ProjectID: 1, From: 0, To: 1 << 62}
	err := sc.Scan(ctx, q, func(string, string, string) ([]byte, error) { return nil, errPick }, nil,
		func(int64, string, string, []byte) error { return nil })
	if !errors.Is(err, errPick) {
		t.Errorf("Scan with a failing pick: %v, want it wrapped", err)
	}
	err = sc.Scan(ctx, q, func(string, string, string) ([]byte, error) { return []byte("x"), nil }, nil,
		func(int64, string, string, []byte) error { return errFn })
	if !errors.Is(err, errFn) {
		t.Errorf("Scan with a failing fn: %v, want it returned", err)
	}
}

// Purger is implemented by backends with purges (docs/PURGE.md); the suite
// then checks that removing properties from events changes exactly the
// rows and members a slow reference says.
type Purger interface {
	Sealer
	PurgeEvents(ctx context.Context, job store.PurgeJob) (store.PurgeEventsResult, error)
	WaitObsolete(ctx context.Context) error
}

func testPurgeProperties(t *testing.T, open Opener) {
	s := openT(t, open, t.TempDir())
	defer closeT(t, s)
	pg, ok := s.(Purger)
	if !ok {
		t.Skip("the backend has no purges")
	}
	ctx := context.Background()
	var rows []event.Row
	for i := 0; i < 200; i++ {
		props := fmt.Sprintf(`{"token":"t%d","form":{"token":"f%d","keep":%d},"n":%d,"arr":[{"token":1}]}`, i, i, i, i)
		if i%5 == 0 {
			props = fmt.Sprintf(`{"n":%d}`, i)
		}
		rows = append(rows, row(int64(1+i%4/3), base+int64(i)*day/50-day/2, []string{"view", "login", "signup"}[i%3],
			fmt.Sprintf("u%d", i%7), fmt.Sprint("p", i), props))
	}
	appendT(t, s, rows[:100]...)
	if err := pg.Seal(ctx); err != nil {
		t.Fatalf("Seal: %v", err)
	}
	appendT(t, s, rows[100:]...)
	appendT(t, s, rows[:20]...) // duplicates: stored once
	if err := pg.Seal(ctx); err != nil {
		t.Fatalf("Seal: %v", err)
	}
	rules := []store.PurgeRule{
		{Project: 1, From: base, To: base + day, Events: []string{"login", "signup"}, DistinctIDs: []string{"u1", "u2", "u3"},
			Paths: []string{"token", "form.token"}},
		{Project: 2, From: store.AllTimeFrom, To: store.AllTimeTo, Paths: []string{"n"}},
	}
	// The reference: decode, delete the members, compare decoded.
	want := map[string]map[string]any{}
	changed := 0
	for _, r := range rows {
		var m map[string]any
		if err := json.Unmarshal(r.Props, &m); err != nil {
			t.Fatal(err)
		}
		did := false
		for _, ru := range rules {
			if r.ProjectID != ru.Project || r.Time < ru.From || r.Time >= ru.To ||
				(len(ru.Events) > 0 && !slices.Contains(ru.Events, r.Name)) ||
				(len(ru.DistinctIDs) > 0 && !slices.Contains(ru.DistinctIDs, r.DistinctID)) {
				continue
			}
			for _, p := range ru.Paths {
				obj, key := m, p
				if a, b, nested := strings.Cut(p, "."); nested {
					obj, _ = m[a].(map[string]any)
					key = b
				}
				if _, ok := obj[key]; ok {
					delete(obj, key)
					did = true
				}
			}
		}
		if did {
			changed++
		}
		want[r.InsertID] = m
	}
	if changed < 20 {
		t.Fatalf("the test changes only %d rows", changed)
	}
	res, err := pg.PurgeEvents(ctx, store.PurgeJob{ID: "conf", Rules: rules})
	if err != nil {
		t.Fatalf("PurgeEvents: %v", err)
	}
	var got int64
	for _, p := range res.Partitions {
		got += p.RowsChanged
		if p.RowsDeleted != 0 {
			t.Errorf("partition %+v deletes rows", p)
		}
	}
	if got != int64(changed) || res.Remaining != 0 {
		t.Fatalf("PurgeEvents: %d rows changed, %d remaining; want %d, 0", got, res.Remaining, changed)
	}
	if err := pg.WaitObsolete(ctx); err != nil {
		t.Fatalf("WaitObsolete: %v", err)
	}
	n := 0
	for _, project := range []int64{1, 2} {
		for _, r := range export(t, s, all(project)) {
			n++
			var m map[string]any
			if err := json.Unmarshal(r.Props, &m); err != nil {
				t.Fatalf("event %s: props %s: %v", r.InsertID, r.Props, err)
			}
			if w, ok := want[r.InsertID]; !ok || !reflect.DeepEqual(m, w) {
				t.Errorf("event %s: props %s, want %v", r.InsertID, r.Props, w)
			}
		}
	}
	if n != len(rows) {
		t.Fatalf("export after the purge: %d events, want %d", n, len(rows))
	}
}

// StatePurger is implemented by backends that purge profiles and
// findings; the suite then checks that removing properties from profiles
// changes exactly the profiles and members a slow reference says.
type StatePurger interface {
	PurgeState(ctx context.Context, job store.StatePurgeJob) (store.StateResult, error)
	WaitObsolete(ctx context.Context) error
}

func testPurgeProfileProperties(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openT(t, open, dir)
	pg, ok := s.(StatePurger)
	if !ok {
		closeT(t, s)
		t.Skip("the backend has no profile purges")
	}
	ctx := context.Background()
	type key struct {
		project int64
		kind    event.ProfileKind
		group   string
		id      string
	}
	// Profiles of two projects, people and groups, each written in
	// several updates (a backend may keep every version).
	want := map[key]map[string]any{}
	var keys []key
	for i := 0; i < 40; i++ {
		k := key{int64(1 + i%4/3), event.People, "", fmt.Sprintf("u%d", i)}
		if i%6 == 5 {
			k.kind, k.group = event.Group, "company"
		}
		keys = append(keys, k)
		ups := []string{
			fmt.Sprintf(`{"token":"old%d","form":{"token":"f%d","keep":%d}}`, i, i, i),
			fmt.Sprintf(`{"token":"t%d","n":%d,"arr":[{"token":1}]}`, i, i),
		}
		if i%5 == 0 {
			ups = []string{fmt.Sprintf(`{"n":%d}`, i)}
		}
		m := map[string]any{}
		for _, u := range ups {
			if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: k.project, Kind: k.kind, GroupKey: k.group, ID: k.id,
				Time: base, IgnoreTime: true, Ops: ops("$set", u)}}); err != nil {
				t.Fatalf("UpdateProfiles: %v", err)
			}
			var set map[string]any
			if err := json.Unmarshal([]byte(u), &set); err != nil {
				t.Fatal(err)
			}
			maps.Copy(m, set)
		}
		want[k] = m
	}
	rules := []store.PurgeRule{
		{Project: 1, From: store.AllTimeFrom, To: store.AllTimeTo, DistinctIDs: []string{"u1", "u2", "u4", "u5", "u8", "u10", "nobody"}, ProfilePaths: []string{"token", "form.token"}},
		{Project: 2, From: store.AllTimeFrom, To: store.AllTimeTo, ProfilePaths: []string{"n"}},
	}
	// The reference: delete the members of the profiles a rule names
	// (with users: their people profiles only; without: every profile of
	// the project).
	changed := int64(0)
	for _, k := range keys {
		m, did := want[k], false
		for _, r := range rules {
			if r.Project != k.project || (len(r.DistinctIDs) > 0 && (k.kind != event.People || !slices.Contains(r.DistinctIDs, k.id))) {
				continue
			}
			for _, p := range r.ProfilePaths {
				obj, member := m, p
				if a, b, nested := strings.Cut(p, "."); nested {
					obj, _ = m[a].(map[string]any)
					member = b
				}
				if _, ok := obj[member]; ok {
					delete(obj, member)
					did = true
				}
			}
		}
		if did {
			changed++
		}
	}
	if changed < 8 {
		t.Fatalf("the test changes only %d profiles", changed)
	}
	res, err := pg.PurgeState(ctx, store.StatePurgeJob{ID: "confp", Rules: rules})
	if err != nil {
		t.Fatalf("PurgeState: %v", err)
	}
	if res.ProfilesChanged != changed || res.Remaining != 0 || res.ProfilesDeleted != 0 {
		t.Fatalf("PurgeState: %+v; want %d profiles changed, none deleted, 0 remaining", res, changed)
	}
	if err := pg.WaitObsolete(ctx); err != nil {
		t.Fatalf("WaitObsolete: %v", err)
	}
	check := func(s store.Store) {
		t.Helper()
		n := 0
		for _, project := range []int64{1, 2} {
			for _, kind := range []event.ProfileKind{event.People, event.Group} {
				if _, err := s.Profiles(ctx, store.ProfileQuery{ProjectID: project, Kind: kind}, func(p *store.Profile) error {
					n++
					k := key{project, kind, p.GroupKey, p.ID}
					var m map[string]any
					if err := json.Unmarshal(p.Properties, &m); err != nil {
						t.Errorf("profile %v: %s: %v", k, p.Properties, err)
					} else if w, ok := want[k]; !ok || !reflect.DeepEqual(m, w) {
						t.Errorf("profile %v: %s, want %v", k, p.Properties, w)
					}
					return nil
				}); err != nil {
					t.Fatalf("Profiles: %v", err)
				}
			}
		}
		if n != len(keys) {
			t.Fatalf("profiles after the purge: %d, want %d", n, len(keys))
		}
	}
	check(s)
	// An update after the purge applies to the purged profile.
	k := key{1, event.People, "", "u1"}
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: "u1", Time: base, IgnoreTime: true,
		Ops: ops("$set", `{"later":true}`)}}); err != nil {
		t.Fatalf("UpdateProfiles: %v", err)
	}
	want[k]["later"] = true
	check(s)
	// A second run finds nothing to change.
	res, err = pg.PurgeState(ctx, store.StatePurgeJob{ID: "confp2", Rules: rules})
	if err != nil || res.ProfilesChanged != 0 || res.Remaining != 0 {
		t.Fatalf("second PurgeState: %+v %v", res, err)
	}
	closeT(t, s)
	s = openT(t, open, dir)
	defer closeT(t, s)
	check(s)
}
