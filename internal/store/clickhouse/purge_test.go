package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// filesHolding returns the files under the cluster's directory (data,
// mutation files, logs of both nodes) that contain one of needles.
func filesHolding(t *testing.T, needles ...string) []string {
	t.Helper()
	dir := os.Getenv("SIEVE_CH_DIR")
	if dir == "" {
		t.Skip("SIEVE_CH_DIR is not set (scripts/clickhouse-cluster env)")
	}
	var hits []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				hits = append(hits, path)
				break
			}
		}
		return nil
	})
	return hits
}

// TestPurgeEraseUserNoResidue erases a user (GDPR): their events on
// several days, their profile and findings, stored with unique values in
// the properties and as the distinct_id itself. The values are found on
// disk before (the test cluster stores parts uncompressed: a positive
// control), and nowhere under the cluster's directory after the purge
// has waited for the replaced parts to go — data, mutation files and the
// servers' debug logs (which hold every statement) included. Another
// user's events stay.
func TestPurgeEraseUserNoResidue(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	victim, secret, pprop := canary(t), canary(t), canary(t)
	var rows []event.Row
	var victimIDs []string // their insert ids, stored in events and event_keys
	for i := range 30 {
		user := "keeper"
		props := `{"n":1}`
		id := canary(t)
		if i%3 == 0 {
			user, props = victim, `{"note":"`+secret+`","i":`+string(rune('0'+i%10))+`}`
			victimIDs = append(victimIDs, id)
		}
		rows = append(rows, event.Row{ProjectID: 1, Time: base + int64(i)*3_600_000*5, Name: "e", DistinctID: user, InsertID: id, Props: []byte(props)})
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: victim, Time: base, IgnoreTime: true,
		Ops: []event.ProfileOpRow{{Op: "$set", Value: []byte(`{"p":"` + pprop + `"}`)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendFindings(ctx, []event.Finding{{Time: base, ProjectID: 1, DistinctID: victim, Event: "e", Path: "note", Class: "secret", Detector: "d", Action: "drop"}}); err != nil {
		t.Fatal(err)
	}
	needles := append([]string{secret, pprop, victim}, victimIDs...)
	if hits := filesHolding(t, needles...); len(hits) == 0 {
		t.Fatal("positive control: the values are not found on disk before the purge; the check after it would prove nothing")
	}
	if n := victimKeys(t, s); n != 10 {
		t.Fatalf("positive control: event_keys holds %d keys of the user on the shards, want 10", n)
	}
	if hits := filesHolding(t, victimIDs...); !slices.ContainsFunc(hits, func(p string) bool { return strings.Contains(p, "/event_keys_local/") }) {
		t.Fatalf("positive control: the user's insert ids are not found in event_keys_local's files (found in %v)", hits)
	}
	rule := store.PurgeRule{Project: 1, From: store.AllTimeFrom, To: store.AllTimeTo, DistinctIDs: []string{victim}, DeleteEvents: true, EraseProfiles: true}
	er, err := s.PurgeEvents(ctx, store.PurgeJob{ID: "p1", Rules: []store.PurgeRule{rule}})
	if err != nil {
		t.Fatal(err)
	}
	var deleted int64
	shards := map[int]bool{}
	for _, p := range er.Partitions {
		deleted += p.RowsDeleted
		shards[p.Shard] = true
	}
	if deleted != 10 || er.Remaining != 0 || len(shards) != 1 {
		t.Fatalf("purge result: %d rows deleted on shards %v, %d remaining; want 10 on one shard (a user's events live on one), 0", deleted, shards, er.Remaining)
	}
	sr, err := s.PurgeState(ctx, store.StatePurgeJob{ID: "p1", Rules: []store.PurgeRule{rule}})
	if err != nil || sr.ProfilesDeleted != 1 || sr.FindingsDeleted != 1 || sr.Remaining != 0 {
		t.Fatalf("state purge: %+v %v", sr, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := s.WaitObsolete(wctx); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error {
		if r.DistinctID != "keeper" {
			t.Errorf("an event of the erased user is exported")
		}
		n++
		return nil
	}); err != nil || n != 20 {
		t.Fatalf("export after the purge: %d rows (want the other user's 20), %v", n, err)
	}
	if n := victimKeys(t, s); n != 0 {
		t.Fatalf("event_keys still holds %d keys of the erased user", n)
	}
	if hits := filesHolding(t, needles...); len(hits) > 0 {
		t.Fatalf("purged values are still on disk in %v", hits)
	}
}

// victimKeys counts, over every shard's event_keys_local, the keys of
// TestPurgeEraseUserNoResidue's erased user: every user but "keeper" (the
// canary itself never enters a statement).
func victimKeys(t *testing.T, s *Store) int64 {
	t.Helper()
	ctx := context.Background()
	var total int64
	for i, n := range s.nodes {
		v, err := n.queryString(ctx, "SELECT count() FROM "+s.db+".event_keys_local WHERE project_id = 1 AND distinct_id != 'keeper'")
		if err != nil {
			t.Fatalf("shard %d: count keys: %v", i+1, err)
		}
		c, _ := strconv.ParseInt(v, 10, 64)
		total += c
	}
	return total
}

// TestPurgeProfilePropertyNoResidue removes a property holding unique
// values from users' profiles (on both shards), each stored in several
// versions (the current one and earlier ones holding other values), and
// from a deleted profile's earlier version. The values are on disk before
// (positive control) and nowhere under the cluster's directory after;
// the profiles keep their other properties, a user outside the rule and a
// group profile keep the property, a later update lands on the purged
// version, and a second run changes nothing.
func TestPurgeProfilePropertyNoResidue(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	set := func(id string, kind event.ProfileKind, op, v string) event.ProfileRow {
		gk := ""
		if kind == event.Group {
			gk = "company"
		}
		return event.ProfileRow{ProjectID: 1, Kind: kind, GroupKey: gk, ID: id, Time: base, IgnoreTime: true,
			Ops: []event.ProfileOpRow{{Op: op, Value: []byte(v)}}}
	}
	var users, secrets []string
	for i := range 12 {
		users = append(users, "user-"+strconv.Itoa(i))
	}
	for _, u := range users {
		s1, s2 := canary(t), canary(t)
		secrets = append(secrets, s1, s2)
		for _, up := range []event.ProfileRow{
			set(u, event.People, "$set", `{"token":"`+s1+`","keep":"k"}`),
			set(u, event.People, "$set", `{"token":"`+s2+`","n":1}`),
			set(u, event.People, "$set", `{"plan":"x"}`),
		} {
			if err := s.UpdateProfiles(ctx, []event.ProfileRow{up}); err != nil {
				t.Fatal(err)
			}
		}
	}
	gone := canary(t)
	secrets = append(secrets, gone)
	keep := canary(t)
	for _, up := range []event.ProfileRow{
		set("gone", event.People, "$set", `{"token":"`+gone+`"}`),
		set("gone", event.People, "$delete", `""`),
		set("outsider", event.People, "$set", `{"token":"`+keep+`"}`),
		set("user-0", event.Group, "$set", `{"token":"`+keep+`"}`),
	} {
		if err := s.UpdateProfiles(ctx, []event.ProfileRow{up}); err != nil {
			t.Fatal(err)
		}
	}
	if hits := filesHolding(t, secrets...); len(hits) == 0 {
		t.Fatal("positive control: the values are not found on disk before the purge")
	}
	rule := store.PurgeRule{Project: 1, DistinctIDs: append(slices.Clone(users), "gone"), ProfilePaths: []string{"token"}}
	if _, err := s.PurgeState(ctx, store.StatePurgeJob{ID: "bad", Rules: []store.PurgeRule{{Project: 1, ProfilePaths: []string{"token..x"}}}}); !errors.Is(err, ErrPurgeInvalid) {
		t.Fatalf("invalid path: %v, want ErrPurgeInvalid", err)
	}
	sr, err := s.PurgeState(ctx, store.StatePurgeJob{ID: "pp", Rules: []store.PurgeRule{rule}})
	if err != nil {
		t.Fatal(err)
	}
	var rewritten, deleted int64
	for _, sh := range sr.Shards {
		if sh.VersionsRewritten == 0 {
			t.Errorf("shard %d rewrote nothing: %+v (12 users should hash to both)", sh.Shard, sh)
		}
		rewritten += sh.VersionsRewritten
		deleted += sh.VersionsDeleted
	}
	// 12 users, and the deleted profile when its earlier version is not
	// merged away yet; each with the versions merges have not folded.
	if len(sr.Shards) != 2 || sr.ProfilesChanged != 12 || sr.Remaining != 0 || rewritten < 12 || rewritten > 13 ||
		deleted < rewritten || deleted > 12*3+2 || !sr.Rewritten {
		t.Fatalf("purge result: %+v", sr)
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := s.WaitObsolete(wctx); err != nil {
		t.Fatal(err)
	}
	if hits := filesHolding(t, secrets...); len(hits) > 0 {
		t.Fatalf("purged values are still on disk in %v", hits)
	}
	if hits := filesHolding(t, keep); len(hits) == 0 {
		t.Fatal("the value outside the rule is gone from disk too")
	}
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{set("user-0", event.People, "$set", `{"later":2}`)}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	if _, err := s.Profiles(ctx, store.ProfileQuery{ProjectID: 1, Kind: event.People}, func(p *store.Profile) error {
		got[p.ID] = string(p.Properties)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		want := `{"keep":"k","n":1,"plan":"x"}`
		if u == "user-0" {
			want = `{"keep":"k","n":1,"plan":"x","later":2}`
		}
		if got[u] != want {
			t.Errorf("profile %s: %s, want %s", u, got[u], want)
		}
	}
	if _, ok := got["gone"]; ok || got["outsider"] != `{"token":"`+keep+`"}` || len(got) != 13 {
		t.Errorf("profiles after the purge: %v", got)
	}
	sr, err = s.PurgeState(ctx, store.StatePurgeJob{ID: "pp2", Rules: []store.PurgeRule{rule}})
	if err != nil || sr.ProfilesChanged != 0 || sr.Remaining != 0 {
		t.Fatalf("second run: %+v %v", sr, err)
	}
}

// TestPurgePropertyNoResidue removes a property holding unique values
// from two users' events (on both shards when the users hash apart) in a
// time range and of one event name. The values are on disk before (the
// positive control) and nowhere under the cluster's directory after —
// data, mutation files, logs — while the events stay, with their other
// properties, the same insert_ids, and the same property outside the
// rule's range or event name; exports, scans and a re-read through the
// Distributed table see one copy per event.
func TestPurgePropertyNoResidue(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	keep := canary(t) // same property, outside the rule: stays
	var secrets []string
	var rows []event.Row
	users := []string{"alice", "bob", "carol", "dave"}
	for i := range 40 {
		name, props := "signup", ""
		in := i < 30 // inside the rule's time range
		if i%4 == 3 {
			name = "other"
		}
		switch {
		case in && name == "signup":
			sec := canary(t)
			secrets = append(secrets, sec)
			props = `{"token":"` + sec + `","nested":{"a":1},"i":` + strconv.Itoa(i) + `}`
		default:
			props = `{"token":"` + keep + `","i":` + strconv.Itoa(i) + `}`
		}
		rows = append(rows, event.Row{ProjectID: 2, Time: base + int64(i)*3_600_000*3, Name: name, DistinctID: users[i%len(users)], InsertID: "ins" + strconv.Itoa(i), Props: []byte(props)})
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	// A second copy of some rows, stored without the key look-up (as two
	// nodes racing may): de-duplicated on read, and its bytes must go too.
	if err := s.BulkLoad(ctx, rows[:5]); err != nil {
		t.Fatal(err)
	}
	if hits := filesHolding(t, secrets...); len(hits) == 0 {
		t.Fatal("positive control: the values are not found on disk before the purge")
	}
	rule := store.PurgeRule{Project: 2, From: base, To: base + 30*3_600_000*3, Events: []string{"signup"}, Paths: []string{"token"}}
	for _, bad := range []store.PurgeRule{
		{Project: 2, From: store.AllTimeFrom, To: store.AllTimeTo, Paths: []string{"token"}, DeleteEvents: true},
		{Project: 2, From: store.AllTimeFrom, To: store.AllTimeTo, Paths: []string{"token..x"}},
	} {
		if _, err := s.PurgeEvents(ctx, store.PurgeJob{ID: "bad", Rules: []store.PurgeRule{rule, bad}}); !errors.Is(err, ErrPurgeInvalid) {
			t.Fatalf("invalid rule %+v: %v, want ErrPurgeInvalid", bad, err)
		}
	}
	er, err := s.PurgeEvents(ctx, store.PurgeJob{ID: "pp", Rules: []store.PurgeRule{rule}})
	if err != nil {
		t.Fatal(err)
	}
	var changed int64
	shards := map[int]bool{}
	for _, p := range er.Partitions {
		changed += p.RowsChanged
		shards[p.Shard] = true
		if p.RowsDeleted != 0 {
			t.Errorf("partition %+v deletes rows", p)
		}
	}
	// 23 events in range of "signup" (i < 30, i%4 != 3), plus the
	// stored second copies of i = 0, 1, 2, 4 (3 is "other").
	if want := int64(len(secrets) + 4); changed != want || er.Remaining != 0 || er.Checked != 1 {
		t.Fatalf("purge result: %d rows changed on shards %v, %d remaining; want %d, 0 (%+v)", changed, shards, er.Remaining, want, er)
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := s.WaitObsolete(wctx); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	if err := s.Export(ctx, store.ExportQuery{ProjectID: 2, From: 0, To: 1 << 62}, func(r *event.Row) error {
		if _, dup := got[r.InsertID]; dup {
			t.Errorf("event %s exported twice", r.InsertID)
		}
		got[r.InsertID] = string(r.Props)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 40 {
		t.Fatalf("export after the purge: %d events, want 40", len(got))
	}
	for i := range 40 {
		p := got["ins"+strconv.Itoa(i)]
		stripped := i < 30 && i%4 != 3
		want := `{"token":"` + keep + `","i":` + strconv.Itoa(i) + `}`
		if stripped {
			want = `{"nested":{"a":1},"i":` + strconv.Itoa(i) + `}`
		}
		if p != want {
			t.Errorf("event %d: props %s, want %s", i, p, want)
		}
	}
	if hits := filesHolding(t, secrets...); len(hits) > 0 {
		t.Fatalf("purged values are still on disk in %v", hits)
	}
	if hits := filesHolding(t, keep); len(hits) == 0 {
		t.Fatal("the value outside the rule is gone from disk too")
	}
	// Running the purge again changes nothing.
	er, err = s.PurgeEvents(ctx, store.PurgeJob{ID: "pp2", Rules: []store.PurgeRule{rule}})
	if err != nil || er.Remaining != 0 {
		t.Fatalf("second run: %+v %v", er, err)
	}
	for _, p := range er.Partitions {
		if p.RowsChanged != 0 {
			t.Fatalf("second run changed rows: %+v", p)
		}
	}
}

// TestPurgePropertyCrashState leaves the state a crash between the
// rewrite and the deletion leaves (both copies of each row stored): reads
// (exports and scans) see each event once, with the rewritten properties;
// rerunning the purge then deletes the old copies.
func TestPurgePropertyCrashState(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	sec := canary(t)
	var rows []event.Row
	for i := range 12 {
		rows = append(rows, event.Row{ProjectID: 3, Time: base + int64(i)*60_000, Name: "e", DistinctID: "u" + strconv.Itoa(i%5),
			InsertID: "c" + strconv.Itoa(i), Props: []byte(`{"secret":"` + sec + `","i":` + strconv.Itoa(i) + `}`)})
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	rule := store.PurgeRule{Project: 3, From: store.AllTimeFrom, To: store.AllTimeTo, Paths: []string{"secret"}}
	cond := eventCond(&rule, "") + " AND " + keyFilterCH(rule.Paths)
	var scratch store.PartitionResult
	gen := uint64(time.Now().UnixNano())
	for si, n := range s.nodes {
		var old []string
		if err := s.rewriteShard(ctx, n, si, &rule, cond, gen, func(string, int) *store.PartitionResult { return &scratch }, &old); err != nil {
			t.Fatal(err)
		}
	}
	if scratch.RowsChanged != 12 {
		t.Fatalf("rewritten %d rows, want 12", scratch.RowsChanged)
	}
	stored, err := s.q.queryString(ctx, "SELECT count() FROM "+s.db+".events WHERE project_id = 3")
	if err != nil || stored != "24" {
		t.Fatalf("stored copies: %s %v, want 24 (old and new)", stored, err)
	}
	check := func(stage string) {
		t.Helper()
		n := 0
		if err := s.Export(ctx, store.ExportQuery{ProjectID: 3, From: 0, To: 1 << 62}, func(r *event.Row) error {
			n++
			if bytes.Contains(r.Props, []byte(sec)) {
				t.Errorf("%s: export reads an old copy of %s", stage, r.InsertID)
			}
			return nil
		}); err != nil || n != 12 {
			t.Fatalf("%s: export: %d events, %v; want 12", stage, n, err)
		}
		n = 0
		if err := s.Scan(ctx, store.ScanQuery{ProjectID: 3, From: 0, To: 1 << 62}, func(_, _, props string) ([]byte, error) {
			return []byte(props), nil
		}, nil, func(_ int64, _, _ string, props []byte) error {
			n++
			if bytes.Contains(props, []byte(sec)) {
				t.Errorf("%s: scan reads an old copy", stage)
			}
			return nil
		}); err != nil || n != 12 {
			t.Fatalf("%s: scan: %d events, %v; want 12", stage, n, err)
		}
	}
	check("after the rewrite")
	er, err := s.PurgeEvents(ctx, store.PurgeJob{ID: "rerun", Rules: []store.PurgeRule{rule}})
	if err != nil || er.Remaining != 0 {
		t.Fatalf("rerun: %+v %v", er, err)
	}
	stored, err = s.q.queryString(ctx, "SELECT count() FROM "+s.db+".events WHERE project_id = 3")
	if err != nil || stored != "12" {
		dump, _ := s.q.queryString(ctx, "SELECT insert_id, ver, gen, k, nodup, position(props, 'secret') FROM "+s.db+".events WHERE project_id = 3 ORDER BY insert_id, gen FORMAT TSV")
		t.Fatalf("stored copies after the rerun: %s %v, want 12 (%+v)\n%s", stored, err, er, dump)
	}
	check("after the rerun")
}
