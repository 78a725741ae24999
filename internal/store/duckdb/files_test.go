package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

func mustOpen(t *testing.T, dir string, o Options) *Store {
	t.Helper()
	s, err := Open(dir, o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func rowsFor(n int, project int64, prefix string, props string) []event.Row {
	rows := make([]event.Row, n)
	for i := range rows {
		rows[i] = event.Row{ProjectID: project, Time: t0 + int64(i)*60_000, Name: "e", DistinctID: "u", InsertID: fmt.Sprintf("%s%d", prefix, i), Props: []byte(props)}
	}
	return rows
}

func mustAppend(t *testing.T, s *Store, rows []event.Row) store.AppendResult {
	t.Helper()
	res, err := s.Append(context.Background(), rows)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return res
}

func countRows(t *testing.T, s *Store, project int64) int {
	t.Helper()
	n := 0
	if err := s.Export(context.Background(), store.ExportQuery{ProjectID: project, From: 0, To: 1 << 62}, func(*event.Row) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// Everything DuckDB writes, its spill files included, goes under the data
// directory; nothing lands in the working directory.
func TestFilesStayUnderDir(t *testing.T) {
	cwd, _ := os.Getwd()
	work := t.TempDir()
	if err := os.Chdir(work); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(cwd) //nolint:errcheck
	dir := filepath.Join(t.TempDir(), "data")
	s := mustOpen(t, dir, Options{MemoryLimit: "256MB"})
	mustAppend(t, s, rowsFor(2000, 1, "a", `{"a":1}`))
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := s.Events(context.Background(), 1, 0, 1<<62, func(ctx context.Context, conn *sql.Conn, rel string) error {
		var tmp string
		if err := conn.QueryRowContext(ctx, "SELECT current_setting('temp_directory')").Scan(&tmp); err != nil {
			return err
		}
		if tmp != filepath.Join(dir, tmpDir) {
			t.Errorf("temp_directory = %q, want under the data directory", tmp)
		}
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+rel).Scan(&n); err != nil {
			return err
		}
		if n != 2000 {
			t.Errorf("Events relation has %d rows, want 2000", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(work); len(ents) != 0 {
		t.Fatalf("files written to the working directory: %v", ents)
	}
	// After a clean Close: the manifest, the lock, the state file, an empty
	// active file, sealed files, and nothing else.
	var unexpected []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, path)
		switch {
		case d.IsDir(), rel == manifestName, rel == lockName, rel == stateName, rel == stateName+".wal":
		case strings.HasPrefix(rel, activePrefix): // the empty active file the Seal rotated to
		case strings.HasPrefix(rel, sealedDir+"/") && (strings.HasSuffix(rel, ".parquet") || strings.HasSuffix(rel, ".keys")):
		default:
			unexpected = append(unexpected, rel)
		}
		return nil
	})
	if len(unexpected) > 0 {
		t.Fatalf("unexpected files after Close: %v", unexpected)
	}
}

// Files a crash left behind (not named by the manifest) are removed at Open;
// the rest is kept.
func TestOrphansRemovedAtOpen(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	mustAppend(t, s, rowsFor(10, 1, "a", `{}`))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	part := partOf(1, t0).dir(dir)
	junk := []string{
		filepath.Join(part, "99999.parquet"), filepath.Join(part, "99999.keys"),
		filepath.Join(part, "99998.parquet.tmp"), filepath.Join(dir, "active-99999.duckdb"),
		filepath.Join(dir, "active-99999.duckdb.wal"), filepath.Join(dir, manifestName+tmpSuffix),
		filepath.Join(dir, tmpDir, "duckdb_temp_storage-0.tmp"),
	}
	for _, f := range junk {
		if err := os.WriteFile(f, []byte("leftover"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s = mustOpen(t, dir, Options{})
	defer s.Close()
	for _, f := range junk {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("leftover %s not removed", f)
		}
	}
	if n := countRows(t, s, 1); n != 10 {
		t.Fatalf("%d rows after reopen, want 10", n)
	}
}

// A damaged key file is rebuilt from its Parquet file, and de-duplication
// still holds.
func TestDamagedKeyFileRebuilt(t *testing.T) {
	dir := t.TempDir()
	rows := rowsFor(100, 1, "k", `{}`)
	s := mustOpen(t, dir, Options{})
	mustAppend(t, s, rows)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	keys, _ := filepath.Glob(filepath.Join(dir, sealedDir, "*", "*", "*.keys"))
	if len(keys) == 0 {
		t.Fatal("no key files")
	}
	for _, k := range keys {
		if err := os.WriteFile(k, []byte("SVKEYS01garbage-garbage-garbage"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s = mustOpen(t, dir, Options{})
	defer s.Close()
	res := mustAppend(t, s, rows)
	if res.Stored != 0 || res.Duplicates != 100 {
		t.Fatalf("after key file damage: %+v, want 100 duplicates", res)
	}
	for _, k := range keys {
		if _, err := readKeys(k); err != nil {
			t.Fatalf("key file %s not rebuilt: %v", k, err)
		}
	}
}

// Many small seals into one partition keep O(log n) files.
func TestSealMergesFiles(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	total := 0
	for i := 0; i < 40; i++ {
		rows := rowsFor(10, 1, fmt.Sprintf("s%d-", i), `{}`)
		for j := range rows {
			rows[j].Time = t0 + int64(i*10+j) // all in one day
		}
		mustAppend(t, s, rows)
		total += 10
		if err := s.Seal(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	st := s.Stats()
	if st.Partitions != 1 || st.SealedRows != int64(total) || st.SealedFiles > 7 {
		t.Fatalf("after 40 seals of one partition: %+v (want 1 partition, %d rows, at most 7 files)", st, total)
	}
	if st.Actives != 1 {
		t.Fatalf("%d active files, want 1", st.Actives)
	}
	if n := countRows(t, s, 1); n != total {
		t.Fatalf("%d rows, want %d", n, total)
	}
}

// Rows the store cannot take are refused with a message that names the row
// and the field, never the content.
func TestInvalidRowsRefused(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	secret := "hunter2-\xff"
	f := func(r event.Row) {
		t.Helper()
		_, err := s.Append(context.Background(), []event.Row{{ProjectID: 1, Time: t0, Name: "ok", Props: []byte(`{}`)}, r})
		if !errors.Is(err, ErrInvalidRow) {
			t.Fatalf("want ErrInvalidRow, got %v", err)
		}
		if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "row 1") {
			t.Fatalf("bad message: %v", err)
		}
	}
	f(event.Row{ProjectID: 1, Time: t0, Name: secret, Props: []byte(`{}`)})
	f(event.Row{ProjectID: 1, Time: t0, Name: "e", DistinctID: secret, Props: []byte(`{}`)})
	f(event.Row{ProjectID: 1, Time: t0, Name: "e", InsertID: secret, Props: []byte(`{}`)})
	f(event.Row{ProjectID: 1, Time: t0, Name: "e", Props: []byte(`{"p":"` + secret + `"}`)})
	f(event.Row{ProjectID: 1, Time: t0, Name: "e", Props: []byte(`["hunter2"]`)})
	if n := countRows(t, s, 1); n != 0 {
		t.Fatalf("a refused call stored %d rows", n)
	}
}

// A second Open of the same directory is refused while the first is open.
func TestDirectoryLocked(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second Open: %v", err)
	}
	s.Close()
	s = mustOpen(t, dir, Options{})
	s.Close()
}

// Without sealing at Close, the active file is picked up by the next Open.
func TestNoSealOnClose(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{NoSealOnClose: true})
	mustAppend(t, s, rowsFor(50, 1, "n", `{}`))
	s.Close()
	s = mustOpen(t, dir, Options{NoSealOnClose: true})
	if st := s.Stats(); st.SealedFiles != 0 || st.Actives != 1 {
		t.Fatalf("stats %+v, want 1 active, nothing sealed", st)
	}
	if res := mustAppend(t, s, rowsFor(60, 1, "n", `{}`)); res.Stored != 10 || res.Duplicates != 50 {
		t.Fatalf("%+v", res)
	}
	s.Close()
	s = mustOpen(t, dir, Options{})
	defer s.Close()
	if n := countRows(t, s, 1); n != 60 {
		t.Fatalf("%d rows, want 60", n)
	}
}

// Export streams: a result far larger than the Go heap ever gets.
func TestExportFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	s := mustOpen(t, t.TempDir(), Options{MemoryLimit: "512MB"})
	defer s.Close()
	props := `{"pad":"` + strings.Repeat("x", 2000) + `"}`
	const n = 100_000
	for i := 0; i < n; i += 2000 {
		rows := rowsFor(2000, 1, fmt.Sprintf("f%d-", i), props)
		for j := range rows {
			rows[j].Time = t0 + int64(i+j)*10_000 // ~11 days
		}
		mustAppend(t, s, rows)
		if i == n/2 {
			if err := s.Seal(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseHeap := ms.HeapAlloc
	var peak uint64
	var bytes int64
	count := 0
	last := int64(-1)
	err := s.Export(context.Background(), store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error {
		count++
		bytes += int64(len(r.Props))
		if r.Time < last {
			return errors.New("out of order")
		}
		last = r.Time
		if count%5000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Fatalf("exported %d rows, want %d", count, n)
	}
	grow := int64(peak) - int64(baseHeap)
	t.Logf("exported %d MB; Go heap grew by at most %d MB", bytes>>20, grow>>20)
	if grow > bytes/4 {
		t.Fatalf("heap grew by %d MB while exporting %d MB: not streaming", grow>>20, bytes>>20)
	}
}

// A call whose rows make the group's transaction fail gets the error alone:
// the other calls of its group are committed again without it, and none of
// its rows (not even the good ones) is visible.
func TestFailedCallIsolated(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	s.failRow = func(r *event.Row) bool { return r.Name == "poison" }
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, failed := map[string]bool{}, map[string]bool{}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := 0; c < 40; c++ {
				call := fmt.Sprintf("w%d-c%d", w, c)
				rows := rowsFor(10, 1, call+"-", `{}`)
				if w == 0 && c%3 == 0 {
					rows[7].Name = "poison"
				}
				_, err := s.Append(context.Background(), rows)
				mu.Lock()
				if err != nil {
					failed[call] = true
				} else {
					ok[call] = true
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failed) != 14 || len(ok) != 8*40-14 {
		t.Fatalf("%d calls failed, %d succeeded; want 14 and %d", len(failed), len(ok), 8*40-14)
	}
	per := map[string]int{}
	err := s.Export(context.Background(), store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error {
		per[r.InsertID[:strings.LastIndex(r.InsertID, "-")]]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for call := range ok {
		if per[call] != 10 {
			t.Fatalf("successful call %s has %d of 10 rows", call, per[call])
		}
	}
	for call := range failed {
		if per[call] != 0 {
			t.Fatalf("failed call %s left %d rows", call, per[call])
		}
	}
	// The failed calls' keys were not remembered: sending them clean works.
	s.failRow = nil
	if res := mustAppend(t, s, rowsFor(10, 1, "w0-c0-", `{}`)); res.Stored != 10 {
		t.Fatalf("resend of a failed call: %+v", res)
	}
}

// A call that fails after the appender already holds several chunks of its
// rows stores none of them, whether its group is committed by the
// appender's own transaction or, above txRows, by an explicit one; the
// store goes on taking appends.
func TestFailedLargeCallStoresNothing(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	s.failRow = func(r *event.Row) bool { return r.Name == "poison" }
	s.txRows = 3000 // 2500 rows: the appender's transaction, after it took a chunk of 2048; 5000: an explicit one
	for _, n := range []int{2500, 5000} {
		rows := rowsFor(n, 1, fmt.Sprintf("big%d-", n), `{}`)
		rows[n-3].Name = "poison"
		if _, err := s.Append(context.Background(), rows); err == nil {
			t.Fatalf("%d rows with a poisoned one: no error", n)
		}
		if got := countRows(t, s, 1); got != 0 {
			t.Fatalf("a failed call of %d rows left %d rows", n, got)
		}
	}
	s.failRow = nil
	mustAppend(t, s, rowsFor(5000, 1, "ok-", `{}`))
	mustAppend(t, s, rowsFor(10, 1, "small-", `{}`))
	if got := countRows(t, s, 1); got != 5010 {
		t.Fatalf("after the failures, %d rows stored; want 5010", got)
	}
}

// Seal completes while appends never stop.
func TestSealUnderLoad(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := 0; ; c++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Append(context.Background(), rowsFor(20, 1, fmt.Sprintf("w%d-c%d-", w, c), `{}`)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := s.Seal(ctx)
		cancel()
		if err != nil {
			close(stop)
			wg.Wait()
			t.Fatalf("Seal under load: %v", err)
		}
	}
	close(stop)
	wg.Wait()
	if st := s.Stats(); st.SealedRows == 0 {
		t.Fatalf("nothing sealed: %+v", st)
	}
}
