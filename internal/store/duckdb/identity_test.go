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
func legacyStore(t *testing.T, dir string) { downgradeStore(t, dir, 0) }

// downgradeStore turns the sealed files of the store in dir (closed) into
// files of an older schema: 0 (legacyStore), or idSchema (the identity and
// hot columns and link files, no user keys).
func downgradeStore(t *testing.T, dir string, schema int) {
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
			if f.Schema != keySchema {
				t.Fatalf("a freshly sealed file has schema %d", f.Schema)
			}
			path := f.parquet(dir, p)
			cols := eventCols
			if schema == idSchema {
				cols = "* EXCLUDE (uk, dk)"
			}
			if _, err := db.Exec("COPY (SELECT " + cols + " FROM read_parquet(" + quote(path) + ")) TO " + quote(path+".old") + " (FORMAT parquet)"); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(path+".old", path); err != nil {
				t.Fatal(err)
			}
			m.Parts[i].Files[j].Schema = schema
			n++
			if schema != 0 {
				continue
			}
			m.Parts[i].Files[j].Hot = nil
			if f.LinkRows > 0 { // written before link files too
				if err := os.Remove(f.linksPath(dir, p)); err != nil {
					t.Fatal(err)
				}
			}
			m.Parts[i].Files[j].Linked, m.Parts[i].Files[j].LinkRows = false, 0
		}
	}
	if n == 0 {
		t.Fatal("no sealed file to make legacy")
	}
	b, err = json.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	if schema == 0 && (strings.Contains(string(b), `"schema"`) || strings.Contains(string(b), `"hot"`)) {
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
			if f.Schema != keySchema {
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

// canaryKeys returns the user keys (identity.go) of the canaries that some
// sealed file of s holds in its key columns uk, dk.
func canaryKeys(t *testing.T, s *Store, canaries ...[]string) []string {
	t.Helper()
	v := s.acquire()
	defer s.release(v)
	var found []string
	err := s.Events(context.Background(), 1, 0, 0, func(ctx context.Context, conn *sql.Conn, _ string) error {
		var files []string
		for p, fs := range v.parts {
			for _, f := range fs {
				if f.Schema >= keySchema {
					files = append(files, quote(f.parquet(s.dir, p)))
				}
			}
		}
		if len(files) == 0 {
			return nil
		}
		keys := map[uint64]bool{}
		rows, err := conn.QueryContext(ctx, "SELECT k FROM (SELECT uk AS k FROM read_parquet(["+strings.Join(files, ", ")+
			"]) UNION SELECT dk FROM read_parquet(["+strings.Join(files, ", ")+"])) WHERE k IS NOT NULL")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k uint64
			if err := rows.Scan(&k); err != nil {
				return err
			}
			keys[k] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, cs := range canaries {
			for _, c := range cs {
				var k uint64
				if err := conn.QueryRowContext(ctx, "SELECT "+userKey("?::VARCHAR"), c).Scan(&k); err != nil {
					return err
				}
				if keys[k] {
					found = append(found, c)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// openKeyMixed loads the first third of the rows into files of schema
// idSchema (identity columns, no user keys: written before them), the
// next third into current files, the rest into an active file, so one
// query reads every layout, partitions holding files of both schemas.
func openKeyMixed(t *testing.T, d querytest.Data) query.Backend {
	dir := t.TempDir()
	third := len(d.Rows) / 3
	s := mustOpen(t, dir, Options{SealBytes: 4 << 10})
	loadQueryData(t, s, querytest.Data{Rows: d.Rows[:third], Profiles: d.Profiles})
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if third > 0 {
		downgradeStore(t, dir, idSchema)
	}
	s = mustOpen(t, dir, Options{SealBytes: 4 << 10})
	t.Cleanup(func() { s.Close() })
	loadQueryData(t, s, querytest.Data{Rows: d.Rows[third : 2*third]})
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	loadQueryData(t, s, querytest.Data{Rows: d.Rows[2*third:]})
	return s
}

// TestQueryDifferentialKeyMixed: random event sets and queries over files
// with and without the user keys and an active file answer as the
// reference evaluator does.
func TestQueryDifferentialKeyMixed(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 6
	}
	querytest.Differential(t, openKeyMixed, n)
}

// TestQueryConformanceKeyMixed: the conformance suite over the same mix.
func TestQueryConformanceKeyMixed(t *testing.T) {
	querytest.Run(t, openKeyMixed)
}

// TestUserKeysWritten: seal and compaction write the user keys, equal to
// the keys computed from the identity columns, and compaction rewrites a
// file without them.
func TestUserKeysWritten(t *testing.T) {
	rows := querytest.Dataset(t).Rows
	s := openKeyMixed(t, querytest.Data{Rows: rows}).(*Store)
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	schemas := func() map[int]int {
		v := s.acquire()
		defer s.release(v)
		out := map[int]int{}
		for _, fs := range v.parts {
			for _, f := range fs {
				out[f.Schema]++
			}
		}
		return out
	}
	if sc := schemas(); sc[idSchema] == 0 || sc[keySchema] == 0 {
		t.Fatalf("schemas before compaction: %v, want both %d and %d", sc, idSchema, keySchema)
	}
	if _, err := s.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sc := schemas(); len(sc) != 1 || sc[keySchema] == 0 {
		t.Fatalf("schemas after compaction: %v, want only %d", sc, keySchema)
	}
	err := s.Events(context.Background(), querytest.ProjectID, 0, 1<<62, func(ctx context.Context, conn *sql.Conn, rel string) error {
		var n, bad, users int64
		q := "SELECT count(*), count(*) FILTER (WHERE uk IS DISTINCT FROM " + userKey("user_id") + " OR dk IS DISTINCT FROM " +
			userKey("coalesce(device_id, distinct_id)") + " OR dk IS NULL), count(uk) FROM " + rel
		if err := conn.QueryRowContext(ctx, q).Scan(&n, &bad, &users); err != nil {
			return err
		}
		if n != int64(len(rows)) || bad != 0 || users == 0 {
			t.Errorf("%d rows (want %d), %d with keys unlike their identity columns, %d with a user key (want some)", n, len(rows), bad, users)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
