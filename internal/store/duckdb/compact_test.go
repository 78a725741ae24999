package duckdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// exportSeq returns every event of a project in export order, as text.
func exportSeq(t *testing.T, s *Store, project int64) []string {
	t.Helper()
	var out []string
	err := s.Export(context.Background(), store.ExportQuery{ProjectID: project, From: -1 << 62, To: 1 << 62}, func(r *event.Row) error {
		out = append(out, fmt.Sprintf("%d|%s|%s|%s|%s", r.Time, r.Name, r.DistinctID, r.InsertID, r.Props))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fragmented appends rows of two projects over three days in seals of
// decreasing size, so that every partition ends up with several files.
// Times are distinct, so export order is fully defined.
func fragmented(t *testing.T, s *Store) (rows []event.Row) {
	t.Helper()
	n := 0
	for _, size := range []int{600, 120, 30, 9} {
		var batch []event.Row
		for i := 0; i < size; i++ {
			n++
			batch = append(batch, event.Row{
				ProjectID: int64(1 + n%2), Time: t0 + int64(n%3)*dayMs + int64(n)*1000,
				Name: []string{"view", "buy"}[n%2], DistinctID: fmt.Sprintf("u%d", n%17),
				InsertID: fmt.Sprintf("i%d", n), Props: []byte(fmt.Sprintf(`{"n":%d,"s":"x%d"}`, n, n)),
			})
		}
		mustAppend(t, s, batch)
		if err := s.Seal(context.Background()); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, batch...)
	}
	return rows
}

func TestCompactMergesPartitions(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{CompactInterval: -1})
	rows := fragmented(t, s)
	before := [][]string{exportSeq(t, s, 1), exportSeq(t, s, 2)}
	st := s.Stats()
	if st.Partitions != 6 || st.SealedFiles <= st.Partitions {
		t.Fatalf("fixture: %+v, want 6 partitions with several files each", st)
	}
	res, err := s.Compact(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Partitions != 6 || res.FilesIn != st.SealedFiles || res.Rows != int64(len(rows)) {
		t.Fatalf("compaction: %+v, want 6 partitions, %d files, %d rows", res, st.SealedFiles, len(rows))
	}
	st = s.Stats()
	if st.SealedFiles != 6 || st.SealedRows != int64(len(rows)) || st.Compacted != 6 {
		t.Fatalf("after compaction: %+v", st)
	}
	for p := int64(1); p <= 2; p++ {
		if got := exportSeq(t, s, p); !slices.Equal(got, before[p-1]) {
			t.Fatalf("project %d: export differs after compaction (%d rows, was %d)", p, len(got), len(before[p-1]))
		}
	}
	// A second pass has nothing to do.
	if res, err := s.Compact(context.Background()); err != nil || res.Partitions != 0 {
		t.Fatalf("second pass: %+v, %v", res, err)
	}
	// De-duplication holds across compaction, in this process and the next.
	if r := mustAppend(t, s, rows[:50]); r.Stored != 0 || r.Duplicates != 50 {
		t.Fatalf("re-sent rows after compaction: %+v", r)
	}
	if err := s.WaitObsolete(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var parquet []string
	_ = filepath.WalkDir(filepath.Join(dir, sealedDir), func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".parquet") {
			parquet = append(parquet, path)
		}
		return nil
	})
	if len(parquet) != 6 {
		t.Fatalf("%d Parquet files on disk after compaction, want 6 (old files removed)", len(parquet))
	}
	s = mustOpen(t, dir, Options{CompactInterval: -1})
	defer s.Close()
	if r := mustAppend(t, s, rows[len(rows)-50:]); r.Stored != 0 || r.Duplicates != 50 {
		t.Fatalf("re-sent rows after reopening: %+v", r)
	}
	for p := int64(1); p <= 2; p++ {
		if got := exportSeq(t, s, p); !slices.Equal(got, before[p-1]) {
			t.Fatalf("project %d: export differs after reopening", p)
		}
	}
}

// A compacted file is written in row groups of compactRowGroup rows, the
// size DuckDB scans fastest, whatever the sizes of the files merged.
func TestCompactRowGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 130k rows")
	}
	s := mustOpen(t, t.TempDir(), Options{CompactInterval: -1})
	defer s.Close()
	const total = compactRowGroup + 7000
	props := []byte(`{"a":1}`)
	for _, part := range []struct{ from, to int }{{0, 100_000}, {100_000, 125_000}, {125_000, total}} {
		rows := make([]event.Row, 0, part.to-part.from)
		for i := part.from; i < part.to; i++ {
			rows = append(rows, event.Row{ProjectID: 1, Time: t0 + int64(i), Name: "e", DistinctID: "u", InsertID: fmt.Sprint(i), Props: props})
		}
		mustAppend(t, s, rows)
		if err := s.Seal(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	groups := func() []int64 {
		var out []int64
		for _, f := range s.PartitionFiles(1, timeOf(t0)) {
			rows, err := s.db.Query(`SELECT row_group_num_rows FROM parquet_metadata(` + quote(filepath.Join(s.dir, f)) + `)
				WHERE column_id = 0 ORDER BY row_group_id`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n int64
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
				out = append(out, n)
			}
			rows.Close()
		}
		return out
	}
	t.Logf("row groups before compaction: %v", groups())
	if _, err := s.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := groups(); !slices.Equal(got, []int64{compactRowGroup, total - compactRowGroup}) {
		t.Fatalf("row groups after compaction: %v, want [%d %d]", got, compactRowGroup, total-compactRowGroup)
	}
}

// A compaction that fails before its manifest write leaves the partition
// as it was, and no file of its own behind.
func TestCompactFailureRollsBack(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{CompactInterval: -1})
	fragmented(t, s)
	before := exportSeq(t, s, 1)
	files := s.PartitionFiles(1, timeOf(t0))
	listing := func() []string {
		var out []string
		_ = filepath.WalkDir(filepath.Join(dir, sealedDir), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, path)
			}
			return nil
		})
		return out
	}
	onDisk := listing()
	injected := errors.New("injected")
	s.testHook = func(step string) error {
		if step == "compact-installing" {
			return injected
		}
		return nil
	}
	if _, err := s.Compact(context.Background()); !errors.Is(err, injected) {
		t.Fatalf("Compact: %v, want the injected error", err)
	}
	if got := s.PartitionFiles(1, timeOf(t0)); !slices.Equal(got, files) {
		t.Fatalf("files after a failed compaction: %v, want %v", got, files)
	}
	if got := listing(); !slices.Equal(got, onDisk) {
		t.Fatalf("files on disk after a failed compaction:\n%v\nwant\n%v", got, onDisk)
	}
	if got := exportSeq(t, s, 1); !slices.Equal(got, before) {
		t.Fatal("export differs after a failed compaction")
	}
	s.testHook = nil
	if res, err := s.Compact(context.Background()); err != nil || res.Partitions != 6 {
		t.Fatalf("compaction after the failure: %+v, %v", res, err)
	}
	if got := exportSeq(t, s, 1); !slices.Equal(got, before) {
		t.Fatal("export differs after compaction")
	}
	s.Close()
}

// The sealer compacts partitions left alone for CompactAfter by itself.
func TestCompactBackground(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{CompactInterval: 20 * time.Millisecond, CompactAfter: 200 * time.Millisecond})
	defer s.Close()
	rows := fragmented(t, s)
	before := exportSeq(t, s, 2)
	deadline := time.Now().Add(20 * time.Second)
	for s.Stats().SealedFiles != 6 {
		if time.Now().After(deadline) {
			t.Fatalf("not compacted in the background: %+v", s.Stats())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := exportSeq(t, s, 2); !slices.Equal(got, before) {
		t.Fatal("export differs after background compaction")
	}
	if st := s.Stats(); st.SealedRows != int64(len(rows)) {
		t.Fatalf("%+v, want %d rows", st, len(rows))
	}
}

// A purge of a compacted partition leaves no residue either, and leaves
// the other rows as they were.
func TestPurgeAfterCompaction(t *testing.T) {
	f := newPurgeFixture(t)
	defer f.s.Close()
	ctx := context.Background()
	// One more small seal per day, so that each partition has several files.
	if err := f.s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	var rows []event.Row
	for d := int64(0); d < 4; d++ {
		c := canary("pw")
		f.pw = append(f.pw, c)
		rows = append(rows, event.Row{ProjectID: 1, Time: t0 + d*dayMs + 999, Name: "view", DistinctID: "late",
			InsertID: fmt.Sprint("late", d), Props: []byte(`{"password":"` + c + `"}`)})
	}
	mustAppend(t, f.s, rows)
	if err := f.s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	if files := f.s.PartitionFiles(1, timeOf(t0)); len(files) < 2 {
		t.Fatalf("fixture: %d files in a partition, want several", len(files))
	}
	res, err := f.s.Compact(ctx)
	if err != nil || res.Partitions == 0 {
		t.Fatalf("Compact: %+v, %v", res, err)
	}
	if files := f.s.PartitionFiles(1, timeOf(t0)); len(files) != 1 {
		t.Fatalf("%d files after compaction, want 1", len(files))
	}
	if err := f.s.WaitObsolete(ctx); err != nil {
		t.Fatal(err)
	}
	if hits := residue(t, f.dir, f.pw); len(hits) != len(f.pw) {
		t.Fatalf("before the purge %d of %d canaries found: the search proves nothing", len(hits), len(f.pw))
	}
	other := exportAll(t, f.s, 2)
	runPurge(t, f.s, "after-compaction", []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"password"}}})
	if hits := residue(t, f.dir, f.pw); len(hits) > 0 {
		t.Fatalf("purged values left after compaction and purge: %v", hits)
	}
	if hits := residue(t, f.dir, f.keep); len(hits) != len(f.keep) {
		t.Fatalf("%d of %d values that must stay are left", len(hits), len(f.keep))
	}
	if got := exportAll(t, f.s, 2); !slices.Equal(got, other) {
		t.Fatal("project 2 changed")
	}
}
