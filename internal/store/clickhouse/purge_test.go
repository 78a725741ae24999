package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
	for i := range 30 {
		user := "keeper"
		props := `{"n":1}`
		if i%3 == 0 {
			user, props = victim, `{"note":"`+secret+`","i":`+string(rune('0'+i%10))+`}`
		}
		rows = append(rows, event.Row{ProjectID: 1, Time: base + int64(i)*3_600_000*5, Name: "e", DistinctID: user, InsertID: canary(t), Props: []byte(props)})
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
	if hits := filesHolding(t, secret, pprop, victim); len(hits) == 0 {
		t.Fatal("positive control: the values are not found on disk before the purge; the check after it would prove nothing")
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
	if hits := filesHolding(t, secret, pprop, victim); len(hits) > 0 {
		t.Fatalf("purged values are still on disk in %v", hits)
	}
	// Removing properties is refused, not half-done.
	_, err = s.PurgeEvents(ctx, store.PurgeJob{ID: "p2", Rules: []store.PurgeRule{{Project: 1, From: store.AllTimeFrom, To: store.AllTimeTo, Paths: []string{"n"}}}})
	if !errors.Is(err, ErrPurgeUnsupported) {
		t.Fatalf("property purge: %v, want ErrPurgeUnsupported", err)
	}
}
