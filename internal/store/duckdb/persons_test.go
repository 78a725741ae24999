package duckdb

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

func setRow(id, merge, props string, t int64) event.ProfileRow {
	u := event.ProfileRow{ProjectID: 1, Kind: event.People, ID: id, Time: t, MergeFrom: merge, IgnoreTime: true}
	if props != "" {
		u.Ops = []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(props)}}
	}
	return u
}

// people returns the people profiles of project 1 looked up by ids (all
// when none), as id -> properties.
func people(t *testing.T, s *Store, ids ...string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	_, err := s.Profiles(context.Background(), store.ProfileQuery{ProjectID: 1, Kind: event.People, IDs: ids}, func(p *store.Profile) error {
		var m map[string]any
		if err := json.Unmarshal(p.Properties, &m); err != nil {
			return err
		}
		out[p.ID] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPersonMerge: a merge folds the source's profile into the target's
// (the target's values win), deletes the source's, and later updates and
// look-ups by a merged id reach the person; chains re-point; a purge of a
// merged id erases the person and its id links.
func TestPersonMerge(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{Uncompressed: true})
	ctx := context.Background()
	anon, newcomer := canary("anon"), canary("new")
	up := func(rows ...event.ProfileRow) {
		t.Helper()
		if err := s.UpdateProfiles(ctx, rows); err != nil {
			t.Fatal(err)
		}
	}
	up(setRow(anon, "", `{"first":"anon","plan":"free"}`, 1), setRow("user", "", `{"plan":"pro"}`, 2))
	// The merge and an update of the source id in the same call.
	up(setRow("user", anon, "", 3), setRow(anon, "", `{"later":"via-anon"}`, 4))
	all := people(t, s)
	if len(all) != 1 {
		t.Fatalf("after the merge: %v", all)
	}
	u := all["user"]
	if u["plan"] != "pro" || u["first"] != "anon" || u["later"] != "via-anon" {
		t.Errorf("merged person: %v", u)
	}
	if got := people(t, s, anon); len(got) != 1 || got["user"] == nil {
		t.Errorf("look-up by the merged id: %v", got)
	}
	// A chain: user merges into boss; anon then reaches boss too, in a later call.
	up(setRow("boss", "", `{"role":"boss"}`, 5))
	up(setRow("boss", "user", "", 6))
	up(setRow(anon, "", `{"last":"x"}`, 7))
	all = people(t, s)
	if len(all) != 1 || all["boss"]["last"] != "x" || all["boss"]["first"] != "anon" || all["boss"]["role"] != "boss" {
		t.Errorf("after the chain: %v", all)
	}
	// Merging ids of the same person changes nothing; a merge of an unknown id
	// only links it.
	up(setRow(anon, "user", "", 8), setRow("boss", newcomer, "", 9))
	if got := people(t, s, newcomer); len(got) != 1 || got["boss"] == nil {
		t.Errorf("look-up by the linked id: %v", got)
	}
	// Reopen: links are durable.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir, Options{Uncompressed: true})
	if got := people(t, s, "user"); len(got) != 1 || got["boss"] == nil {
		t.Errorf("after reopening: %v", got)
	}
	other := setRow("bystander", "", `{"keep":"me"}`, 10)
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{other}); err != nil {
		t.Fatal(err)
	}
	// Erasing one merged id erases the person and every id link.
	runPurge(t, s, "p1", []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, DistinctIDs: []string{anon}, EraseProfiles: true}})
	all = people(t, s)
	if len(all) != 1 || all["bystander"] == nil {
		t.Errorf("after the purge: %v", all)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM st.person_ids").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d person_ids rows left after the purge", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if hits := residue(t, dir, []string{anon, newcomer}); len(hits) > 0 {
		t.Errorf("erased ids still on disk: %v", hits)
	}
}
