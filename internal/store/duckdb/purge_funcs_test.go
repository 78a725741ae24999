package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// purgeFunctions returns how many functions of each purge name s's catalog
// holds (any name starting "sieve_p": today's, and the per-run names of old).
func purgeFunctions(t *testing.T, s *Store) map[string]int {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(),
		`SELECT function_name, count(*) FROM duckdb_functions() WHERE function_name LIKE 'sieve\_p%' ESCAPE '\' GROUP BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		got[name] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// liveRuns counts the purge runs s still records.
func liveRuns(s *Store) int { return s.purges.runs.len() }

var wantPurgeFunctions = map[string]int{purgeStripName: 1, purgeHasName: 1}

// Twenty purges on one store, each removing a property from events and
// profiles, leave exactly one function of each purge kind in DuckDB's
// catalog, and no run behind.
func TestPurgeFunctionsOncePerStore(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	const purges, nrows = 20, 50
	props := map[string]any{"keep": 1}
	for i := range purges {
		props["k"+strconv.Itoa(i)] = "v"
	}
	b, _ := json.Marshal(props)
	mustAppend(t, s, rowsFor(nrows, 1, "a", string(b)))
	if err := s.UpdateProfiles(context.Background(), []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: "u", Time: t0,
		Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: b}}}}); err != nil {
		t.Fatal(err)
	}
	if got := purgeFunctions(t, s); len(got) != 0 {
		t.Fatalf("a new store has purge functions %v, want none", got)
	}
	for i := range purges {
		key := "k" + strconv.Itoa(i)
		er, sr := runPurge(t, s, fmt.Sprintf("job-%d", i), []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo,
			Paths: []string{key}, ProfilePaths: []string{key}}})
		var changed int64
		for _, p := range er.Partitions {
			changed += p.RowsChanged
		}
		if changed != nrows || sr.ProfilesChanged != 1 {
			t.Fatalf("purge %d changed %d events and %d profiles, want %d and 1", i, changed, sr.ProfilesChanged, nrows)
		}
		if got := purgeFunctions(t, s); !maps.Equal(got, wantPurgeFunctions) {
			t.Fatalf("after purge %d the catalog holds purge functions %v, want %v", i, got, wantPurgeFunctions)
		}
	}
	if n := liveRuns(s); n != 0 {
		t.Errorf("%d purge runs left recorded after the purges returned", n)
	}
	for _, line := range exportAll(t, s, 1) {
		if !strings.HasSuffix(line, `|{"keep":1}`) {
			t.Fatalf("an event kept more than its kept property: %.60s", line)
		}
	}
	var got []string
	if _, err := s.Profiles(context.Background(), store.ProfileQuery{ProjectID: 1, Kind: event.People}, func(p *store.Profile) error {
		var m map[string]any
		if err := json.Unmarshal(p.Properties, &m); err != nil {
			return err
		}
		delete(m, "$last_seen")
		got = append(got, strings.Join(slices.Sorted(maps.Keys(m)), ","))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"keep"}) {
		t.Errorf("profile properties after the purges: %q, want one profile with keep only", got)
	}
}

// An event purge and a state purge started together on a fresh store
// register the functions once between them, and each sees its own rules.
func TestPurgeFunctionsConcurrentRuns(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	mustAppend(t, s, rowsFor(40, 1, "a", `{"ev":1,"pr":1,"keep":1}`))
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: "u", Time: t0,
		Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(`{"ev":1,"pr":1,"keep":1}`)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	var (
		wg  sync.WaitGroup
		er  PurgeEventsResult
		sr  StateResult
		eer error
		ser error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		er, eer = s.PurgeEvents(ctx, PurgeJob{ID: "ev", Rules: []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"ev"}}}})
	}()
	go func() {
		defer wg.Done()
		sr, ser = s.PurgeState(ctx, StatePurgeJob{ID: "pr", Rules: []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, ProfilePaths: []string{"pr"}}}})
	}()
	wg.Wait()
	if eer != nil || ser != nil {
		t.Fatalf("PurgeEvents: %v; PurgeState: %v", eer, ser)
	}
	var changed int64
	for _, p := range er.Partitions {
		changed += p.RowsChanged
	}
	if changed != 40 || er.Remaining != 0 || sr.ProfilesChanged != 1 || sr.Remaining != 0 {
		t.Fatalf("changed %d events (%d left) and %d profiles (%d left), want 40, 0, 1, 0",
			changed, er.Remaining, sr.ProfilesChanged, sr.Remaining)
	}
	for _, line := range exportAll(t, s, 1) {
		if !strings.HasSuffix(line, `|{"pr":1,"keep":1}`) {
			t.Fatalf("event after the purges: %.60s, want only ev removed", line)
		}
	}
	if got := purgeFunctions(t, s); !maps.Equal(got, wantPurgeFunctions) {
		t.Errorf("the catalog holds purge functions %v, want %v", got, wantPurgeFunctions)
	}
	if n := liveRuns(s); n != 0 {
		t.Errorf("%d purge runs left recorded", n)
	}
}

// The functions apply the rules of the run a query names, and fail with
// a fixed text, naming no value, once the run has ended, for a run never
// started, and for a run id that is not a constant.
func TestPurgeFunctionsRuns(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := s.purges.register(conn, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.purges.register(conn, "test"); err != nil {
		t.Fatalf("second register: %v", err)
	}
	var changed atomic.Int64
	id := s.purges.runs.start(&purgeRun{changed: &changed, paths: func(a, b string, n int64) []string {
		if a == "u" && b == "e" && n == 5 {
			return []string{"secret"}
		}
		return nil
	}})
	call := func(fn, args string) (sql.NullString, error) {
		var r sql.NullString
		err := conn.QueryRowContext(ctx, "SELECT CAST("+purgeCall(fn, id, args)+" AS VARCHAR)").Scan(&r)
		return r, err
	}
	f := func(fn, args, want string) {
		t.Helper()
		r, err := call(fn, args)
		if err != nil {
			t.Fatalf("%s(%s): %v", fn, args, err)
		}
		got := "NULL"
		if r.Valid {
			got = r.String
		}
		if got != want {
			t.Errorf("%s(%s) = %s, want %s", fn, args, got, want)
		}
	}
	f(purgeStripName, `'{"secret":"cnry","x":2}', 'u', 'e', 5`, `{"x":2}`)
	f(purgeHasName, `'{"secret":"cnry","x":2}', 'u', 'e', 5`, "true")
	f(purgeStripName, `'{"secret":"cnry","x":2}', 'v', 'e', 5`, `{"secret":"cnry","x":2}`)
	f(purgeHasName, `'{"secret":"cnry","x":2}', 'u', 'e', 6`, "false")
	f(purgeHasName, `'{"x":2}', 'u', 'e', 5`, "false")
	f(purgeStripName, `'{"x":2}', 'u', 'e', 5`, `{"x":2}`)
	f(purgeStripName, `NULL, 'u', 'e', 5`, "NULL")
	if n := changed.Load(); n != 1 {
		t.Errorf("changed = %d, want 1", n)
	}
	// Stored properties that are not a JSON object: the fixed error.
	const bad = "cnrybad"
	for _, fn := range []string{purgeStripName, purgeHasName} {
		_, err := call(fn, `'`+bad+`', 'u', 'e', 5`)
		if err == nil || !strings.Contains(err.Error(), errPurgeRow.Error()) || strings.Contains(err.Error(), bad) {
			t.Errorf("%s over a non-object: err = %v, want errPurgeRow's text without the value", fn, err)
		}
	}
	s.purges.runs.end(id)
	for _, fn := range []string{purgeStripName, purgeHasName} {
		for _, run := range []string{strconv.FormatInt(id, 10) + "::BIGINT", strconv.FormatInt(id+1, 10), "k", "?"} {
			var r sql.NullString
			err := conn.QueryRowContext(ctx, "SELECT CAST("+fn+"("+run+`, '{"secret":"cnry"}', 'u', 'e', 5) AS VARCHAR) FROM (VALUES (1)) t(k)`, id).Scan(&r)
			if err == nil || !strings.Contains(err.Error(), errPurgeStopped.Error()) || strings.Contains(err.Error(), "cnry") {
				t.Errorf("%s, run %s: err = %v, want one with %q", fn, run, err, errPurgeStopped)
			}
		}
	}
	if n := changed.Load(); n != 1 {
		t.Errorf("a function ran for a run that ended: changed = %d", n)
	}
}
