package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/store"
)

// hotTest makes the differential generator's properties hot: "plan" is a
// string, a number, a boolean or null from one event to the next, and
// "amount" a number or a string (type drift).
func hotTest(int64) []string { return []string{"plan", "amount"} }

// openHotMixed loads the first half of the rows into files written without
// the test's hot properties (only the defaults), the rest into files with
// them, the last quarter into an active file, so one query reads every
// layout: a partition holds files of both lists.
func openHotMixed(t *testing.T, d querytest.Data) query.Backend {
	dir := t.TempDir()
	half := len(d.Rows) / 2
	s := mustOpen(t, dir, Options{SealBytes: 4 << 10})
	loadQueryData(t, s, querytest.Data{Rows: d.Rows[:half]})
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir, Options{SealBytes: 4 << 10, HotProperties: hotTest})
	t.Cleanup(func() { s.Close() })
	q3 := half + (len(d.Rows)-half)/2
	loadQueryData(t, s, querytest.Data{Rows: d.Rows[half:q3], Profiles: d.Profiles})
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	loadQueryData(t, s, querytest.Data{Rows: d.Rows[q3:]})
	return s
}

// TestQueryConformanceHot: the conformance suite with its properties hot.
func TestQueryConformanceHot(t *testing.T) {
	querytest.Run(t, openQuery(Options{SealBytes: 1 << 10, GroupRows: 4, HotProperties: hotTest}))
}

// TestQueryDifferentialHot: random event sets and queries (filters and
// breakdowns on hot properties of every JSON type, missing values, and on
// expressions) over files with and without the hot columns answer as the
// reference evaluator does.
func TestQueryDifferentialHot(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 6
	}
	querytest.Differential(t, openHotMixed, n)
}

// hotFileValues returns, per sealed file of project that holds name as a
// hot column, its rows' (hs, hj) values, and its rows' values computed from
// props the way the read path does for files without the columns.
func hotFileValues(t *testing.T, s *Store, project int64, name string) (files int, stored, computed []string) {
	t.Helper()
	v := s.acquire()
	defer s.release(v)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for p, fs := range v.parts {
		if p.project != project {
			continue
		}
		for _, f := range fs {
			i := slices.Index(f.Hot, name)
			if i < 0 {
				continue
			}
			files++
			src := "read_parquet(" + quote(f.parquet(s.dir, p)) + ")"
			q := fmt.Sprintf("SELECT coalesce('s:' || hs%d, 'j:' || hj%d::VARCHAR, '-'), coalesce('s:' || c.hs1, 'j:' || c.hj1::VARCHAR, '-') FROM (SELECT insert_id, hs%d, hj%d FROM %s) a JOIN (%s) c USING (insert_id) ORDER BY insert_id",
				i+1, i+1, i+1, i+1, src, eventSelect(src, "", 0, nil, []string{name}))
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var a, b string
				if err := rows.Scan(&a, &b); err != nil {
					t.Fatal(err)
				}
				stored, computed = append(stored, a), append(computed, b)
			}
			rows.Close()
		}
	}
	return files, stored, computed
}

// TestHotColumnsMatchProps: the hot columns written by seal and compaction
// hold what props holds, strings in hs and every other type in hj.
func TestHotColumnsMatchProps(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{SealBytes: 4 << 10, HotProperties: hotTest})
	defer s.Close()
	rows := querytest.Dataset(t).Rows
	mustAppend(t, s, rows)
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		for _, name := range []string{"plan", "amount"} {
			files, stored, computed := hotFileValues(t, s, querytest.ProjectID, name)
			if files == 0 || len(stored) == 0 {
				t.Fatalf("%s: no file holds %q as a hot column", stage, name)
			}
			kinds := map[byte]int{}
			for i := range stored {
				if stored[i] != computed[i] {
					t.Fatalf("%s: %q row %d: column %q, props %q", stage, name, i, stored[i], computed[i])
				}
				kinds[stored[i][0]]++
			}
			// Positive control: the dataset has strings, other JSON values
			// and events without the property.
			if kinds['s'] == 0 || kinds['j'] == 0 || kinds['-'] == 0 {
				t.Errorf("%s: %q: values by kind %v, want strings, JSON and absent", stage, name, kinds)
			}
		}
	}
	check("sealed")
	if _, err := s.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("compacted")
}

// TestCompactAddsHotColumns: a partition's single file written before hot
// columns is rewritten with them by compaction, and answers stay the same.
func TestCompactAddsHotColumns(t *testing.T) {
	d := querytest.Dataset(t)
	s := openLegacy(t, d).(*Store)
	v := s.acquire()
	for _, fs := range v.parts {
		for _, f := range fs {
			if f.Hot != nil {
				t.Fatal("a legacy file has hot columns")
			}
		}
	}
	s.release(v)
	if _, err := s.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	v = s.acquire()
	n := 0
	for _, fs := range v.parts {
		for _, f := range fs {
			if !slices.Equal(f.Hot, defaultHotProperties) || f.Schema != keySchema {
				t.Errorf("file %d after compaction: schema %d, hot %v", f.Gen, f.Schema, f.Hot)
			}
			n++
		}
	}
	s.release(v)
	if n == 0 {
		t.Fatal("no file")
	}
}

// purgeHot are the hot properties of the purge tests' stores.
func purgeHot(int64) []string { return []string{"password", "note"} }

// hotColumnStrings returns the hs values of hot property name in the sealed
// files of project (0: every project).
func hotColumnStrings(t *testing.T, s *Store, project int64, name string) []string {
	t.Helper()
	v := s.acquire()
	defer s.release(v)
	var out []string
	err := s.Events(context.Background(), 1, 0, 0, func(ctx context.Context, conn *sql.Conn, _ string) error {
		for p, fs := range v.parts {
			if project != 0 && p.project != project {
				continue
			}
			for _, f := range fs {
				i := slices.Index(f.Hot, name)
				if i < 0 {
					continue
				}
				rows, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT hs%d FROM read_parquet(%s) WHERE hs%d IS NOT NULL", i+1, quote(f.parquet(s.dir, p)), i+1))
				if err != nil {
					return err
				}
				for rows.Next() {
					var x string
					if err := rows.Scan(&x); err != nil {
						rows.Close()
						return err
					}
					out = append(out, x)
				}
				rows.Close()
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHotName(t *testing.T) {
	for _, n := range []string{"$browser", "mp_country_code", "utm source", "a.b-c"} {
		if !hotName(n) {
			t.Errorf("%q refused", n)
		}
	}
	for _, n := range []string{"", "a'b", "a/b", "a~b", `a"b`, "é", string(make([]byte, 65))} {
		if hotName(n) {
			t.Errorf("%q admitted", n)
		}
	}
	s := &Store{opts: Options{HotProperties: func(int64) []string { return []string{"plan", "x'y", "$browser", "amount", "plan"} }}}
	got := s.hotList(1)
	if !slices.Equal(got, append(slices.Clone(defaultHotProperties), "amount", "plan")) {
		t.Errorf("hotList = %v", got)
	}
}

// TestHotFilesExportScanBackup: files with hot columns export, scan (the
// rescans' path) and back up exactly as files without them, and a backup
// keeps them.
func TestHotFilesExportScanBackup(t *testing.T) {
	ctx := context.Background()
	rows := querytest.Dataset(t).Rows
	plain := mustOpen(t, t.TempDir(), Options{})
	defer plain.Close()
	hotDir := t.TempDir()
	hot := mustOpen(t, filepath.Join(hotDir, "store"), Options{HotProperties: hotTest})
	defer hot.Close()
	for _, s := range []*Store{plain, hot} {
		mustAppend(t, s, rows)
		if err := s.Seal(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if files, _, _ := hotFileValues(t, hot, querytest.ProjectID, "plan"); files == 0 {
		t.Fatal("no file holds plan as a hot column")
	}
	export := func(s *Store) string {
		var b strings.Builder
		err := s.Export(ctx, store.ExportQuery{ProjectID: querytest.ProjectID, From: -1 << 62, To: 1 << 62}, func(r *event.Row) error {
			fmt.Fprintf(&b, "%d %q %q %q %s\n", r.Time, r.Name, r.DistinctID, r.InsertID, r.Props)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	scan := func(s *Store) string {
		var out []string
		pick := func(name, distinctID, props string) ([]byte, error) { return []byte(props), nil }
		err := s.Scan(ctx, store.ScanQuery{ProjectID: querytest.ProjectID, From: -1 << 62, To: 1 << 62}, pick, nil,
			func(tm int64, name, id string, res []byte) error {
				out = append(out, fmt.Sprintf("%d %q %q %s", tm, name, id, res))
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return strings.Join(out, "\n")
	}
	breakdown := func(s *Store) string {
		q, err := query.Parse([]byte(`{"kind":"trends","from":"2026-03-01","to":"2026-03-31","series":[{"math":"total"}],"breakdown":[{"property":"plan"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := query.Run(ctx, s, query.Project{ID: querytest.ProjectID}, q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(res)
		return string(b)
	}
	want, wantScan, wantQ := export(plain), scan(plain), breakdown(plain)
	if want == "" || wantScan == "" || !strings.Contains(wantQ, `"pro"`) {
		t.Fatalf("nothing exported, scanned or broken down: %s", wantQ)
	}
	if export(hot) != want || scan(hot) != wantScan || breakdown(hot) != wantQ {
		t.Fatal("files with hot columns export, scan or answer differently")
	}
	if _, err := hot.Backup(ctx, filepath.Join(hotDir, "backup")); err != nil {
		t.Fatal(err)
	}
	r := mustOpen(t, filepath.Join(hotDir, "backup"), Options{})
	defer r.Close()
	if files, _, _ := hotFileValues(t, r, querytest.ProjectID, "plan"); files == 0 {
		t.Error("the backup's files lost their hot columns")
	}
	if export(r) != want || scan(r) != wantScan || breakdown(r) != wantQ {
		t.Error("the backup exports, scans or answers differently")
	}
}
