package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
)

// legacyStore turns the sealed files of the store in dir (closed) into
// files written before the identity columns: Parquet without them, no
// link files, and a manifest without the schema and link fields.
func legacyStore(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	for i, mp := range m.Parts {
		p := partKey{mp.Project, mp.Day}
		for j, f := range mp.Files {
			if f.Schema != idSchema {
				t.Fatalf("a freshly sealed file has schema %d", f.Schema)
			}
			path := f.parquet(dir, p)
			if _, err := db.Exec("COPY (SELECT " + eventCols + " FROM read_parquet(" + quote(path) + ")) TO " + quote(path+".old") + " (FORMAT parquet)"); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(path+".old", path); err != nil {
				t.Fatal(err)
			}
			m.Parts[i].Files[j].Schema = 0
			if f.LinkRows > 0 { // written before link files too
				if err := os.Remove(f.linksPath(dir, p)); err != nil {
					t.Fatal(err)
				}
			}
			m.Parts[i].Files[j].Linked, m.Parts[i].Files[j].LinkRows = false, 0
			n++
		}
	}
	if n == 0 {
		t.Fatal("no sealed file to make legacy")
	}
	b, err = json.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"schema"`) {
		t.Fatal("the legacy manifest still names a schema")
	}
	if err := os.WriteFile(filepath.Join(dir, manifestName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// openLegacy loads rows, seals them all, and reopens the store with every
// sealed file in the legacy schema (no identity columns).
func openLegacy(t *testing.T, d querytest.Data) query.Backend {
	rows := d.Rows
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	loadQueryData(t, s, d)
	if len(rows) > 0 {
		if err := s.Seal(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(rows) > 0 {
		legacyStore(t, dir)
	}
	s, err = Open(dir, Options{noLinkBackfill: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestQueryConformanceLegacyFiles: sealed files without the identity
// columns (written before them) give the same answers.
func TestQueryConformanceLegacyFiles(t *testing.T) {
	querytest.Run(t, openLegacy)
}

// TestIdentityColumnsAfterCompaction: compacting legacy files with current
// ones writes the identity columns, computed from the properties.
func TestIdentityColumnsAfterCompaction(t *testing.T) {
	rows := querytest.Dataset(t).Rows
	half := len(rows) / 2
	s := openLegacy(t, querytest.Data{Rows: rows[:half]}).(*Store)
	if _, err := s.Append(context.Background(), rows[half:]); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	v := s.acquire()
	for p, files := range v.parts {
		for _, f := range files {
			if f.Schema != idSchema {
				t.Errorf("partition %v: file %d has schema %d after compaction", p, f.Gen, f.Schema)
			}
		}
	}
	s.release(v)
	// Every stored identity column equals the one computed from props.
	err := s.Events(context.Background(), querytest.ProjectID, 0, 1<<62, func(ctx context.Context, conn *sql.Conn, rel string) error {
		var n, bad int64
		q := "SELECT count(*), count(*) FILTER (WHERE a.user_id IS DISTINCT FROM b.user_id OR a.device_id IS DISTINCT FROM b.device_id OR a.anon_id IS DISTINCT FROM b.anon_id OR a.identified_id IS DISTINCT FROM b.identified_id) FROM " +
			rel + " a JOIN (" + identitySelect(rel, "") + ") b USING (insert_id)"
		if err := conn.QueryRowContext(ctx, q).Scan(&n, &bad); err != nil {
			return err
		}
		if n != int64(len(rows)) || bad != 0 {
			t.Errorf("%d rows (want %d), %d with identity columns unlike their properties", n, len(rows), bad)
		}
		var users int64
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+rel+" WHERE user_id IS NOT NULL").Scan(&users); err != nil {
			return err
		}
		if users == 0 {
			t.Error("no event has a user_id column: the dataset should have some")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPurgeRecomputesIdentity: purging $user_id from stored events clears
// the user_id column too, so queries stop counting that user.
func TestPurgeRecomputesIdentity(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows := querytest.Dataset(t).Rows
	for i := range rows {
		rows[i].ProjectID = 1
	}
	if _, err := s.Append(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	count := func() (n int64) {
		t.Helper()
		err := s.Events(context.Background(), 1, 0, 1<<62, func(ctx context.Context, conn *sql.Conn, rel string) error {
			return conn.QueryRowContext(ctx, "SELECT count(*) FROM "+rel+" WHERE user_id IS NOT NULL").Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count() == 0 {
		t.Fatal("no event with $user_id before the purge")
	}
	runPurge(t, s, "job-uid", []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"$user_id"}}})
	if n := count(); n != 0 {
		t.Fatalf("%d events still have a user_id column after $user_id was purged", n)
	}
}
