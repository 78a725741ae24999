package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestMigrateEventKeys takes a database back to schema version 4 (no
// event_keys) with events stored, opens it (version 5 copies the stored
// keys), and checks that appending the same rows again stores none of
// them (every one a duplicate: the look-up found the copied keys), while
// a new row is stored; and that each shard's event_keys_local holds one
// key per stored event of that shard.
func TestMigrateEventKeys(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	ctx := context.Background()
	var rows []event.Row
	for i := range 200 {
		rows = append(rows, event.Row{ProjectID: 1, Time: base + int64(i)*60_000, Name: "e",
			DistinctID: "u" + strconv.Itoa(i%17), InsertID: "id" + strconv.Itoa(i), Props: []byte(`{}`)})
	}
	if r, err := s.Append(ctx, rows); err != nil || r.Stored != 200 {
		t.Fatalf("first append: %+v %v", r, err)
	}
	for i, n := range s.nodes {
		for _, q := range []string{
			"DROP TABLE " + s.db + ".event_keys_mv",
			"DROP TABLE " + s.db + ".event_keys",
			"DROP TABLE " + s.db + ".event_keys_local",
			"DROP TABLE " + s.db + ".schema_version",
			fmt.Sprintf(versionTable, s.db),
			"INSERT INTO " + s.db + ".schema_version VALUES (1, now()), (2, now()), (3, now()), (4, now())",
		} {
			if err := n.exec(ctx, q, nil, nil); err != nil {
				t.Fatalf("shard %d: back to version 4: %v", i+1, err)
			}
		}
	}
	s.Close()
	s = openDir(t, dir)
	defer s.Close()
	var keys, events int64
	for i, n := range s.nodes {
		k, err1 := n.queryString(ctx, "SELECT count() FROM "+s.db+".event_keys_local")
		e, err2 := n.queryString(ctx, "SELECT count() FROM "+s.db+".events_local")
		if err1 != nil || err2 != nil {
			t.Fatalf("shard %d: count: %v %v", i+1, err1, err2)
		}
		if k != e {
			t.Errorf("shard %d: %s keys for %s events after the migration", i+1, k, e)
		}
		kn, _ := strconv.ParseInt(k, 10, 64)
		en, _ := strconv.ParseInt(e, 10, 64)
		keys, events = keys+kn, events+en
	}
	if keys != 200 || events != 200 {
		t.Fatalf("%d keys, %d events on the shards; want 200 each", keys, events)
	}
	again := append(rows[:len(rows):len(rows)], event.Row{ProjectID: 1, Time: base, Name: "e", DistinctID: "new", InsertID: "new", Props: []byte(`{}`)})
	r, err := s.Append(ctx, again)
	if err != nil || r.Stored != 1 || r.Duplicates != 200 {
		t.Fatalf("append after the migration: %+v %v; want 1 stored, 200 duplicates", r, err)
	}
}
