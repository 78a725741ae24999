package duckdb

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// A backup taken while appends go on (and seals rotate files under it) is
// one consistent version: every batch acknowledged before it started is in
// it, every batch in it is whole, and the restored store exports and
// de-duplicates as the original did at that moment.
func TestBackupWhileAppending(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, filepath.Join(dir, "store"), Options{SealBytes: 32 << 10, GroupRows: 64})
	const per = 40
	batch := func(b int) []event.Row {
		rows := make([]event.Row, per)
		for i := range rows {
			rows[i] = event.Row{ProjectID: 1, Time: t0 + int64(b)*3_600_000 + int64(i), Name: "e", DistinctID: "u",
				InsertID: fmt.Sprintf("b%d-%d", b, i), Props: []byte(fmt.Sprintf(`{"batch":%d,"pad":"%0100d"}`, b, i))}
		}
		return rows
	}
	if err := s.AppendFindings(context.Background(), []event.Finding{{Time: t0, ProjectID: 1, DistinctID: "u", Event: "e", Path: "p", Class: "secret", Detector: "d", Action: "redact"}}); err != nil {
		t.Fatal(err)
	}
	var acked atomic.Int64 // batches 0..acked-1 are acknowledged
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := 0; ; b++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.Append(context.Background(), batch(b)); err != nil {
				t.Error(err)
				return
			}
			acked.Store(int64(b + 1))
		}
	}()
	// At least 30 batches acknowledged and one rotated file sealed (seals
	// run beside the appends: on a fast machine the batches can outrun
	// them), so the backup holds both kinds of file.
	deadline := time.Now().Add(time.Minute)
	for acked.Load() < 30 || s.Stats().SealedFiles == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no file sealed within a minute: %+v", s.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	before := acked.Load()
	dest := filepath.Join(dir, "backup")
	res, err := s.Backup(context.Background(), dest)
	if err != nil {
		t.Fatal(err)
	}
	after := acked.Load()
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	if res.Findings != 1 || res.SealedFiles == 0 || res.Actives == 0 {
		t.Errorf("backup %+v: want 1 finding, sealed and active files", res)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_ = filepath.Walk(dest, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})

	r := mustOpen(t, dest, Options{})
	defer r.Close()
	counts := map[int]int{}
	if err := r.Export(context.Background(), store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(row *event.Row) error {
		var p struct{ Batch int }
		if err := json.Unmarshal(row.Props, &p); err != nil {
			return err
		}
		counts[p.Batch]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for b, n := range counts {
		if n != per {
			t.Errorf("batch %d has %d of %d rows in the backup", b, n, per)
		}
		total += int64(n)
	}
	for b := 0; b < int(before); b++ {
		if counts[b] == 0 {
			t.Errorf("batch %d was acknowledged before the backup started but is not in it", b)
		}
	}
	if len(counts) > int(after) {
		t.Errorf("the backup has %d batches, more than the %d acknowledged when it ended", len(counts), after)
	}
	if total != res.SealedRows+res.ActiveRows {
		t.Errorf("restored %d rows, backup said %d sealed + %d active", total, res.SealedRows, res.ActiveRows)
	}
	// De-duplication keys came along: re-sending a backed-up batch stores nothing.
	got := mustAppend(t, r, batch(0))
	if got.Stored != 0 {
		t.Errorf("re-sent batch 0 into the restored store: %d stored, want 0 (duplicates)", got.Stored)
	}
	n := 0
	if err := r.Findings(context.Background(), store.FindingQuery{ProjectID: 1, To: 1 << 62}, func(*event.Finding) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("restored findings: %d, want 1", n)
	}
	t.Logf("backup during appends: %d batches acked before, %d in the backup, %d acked after; %+v", before, len(counts), after, res)
}

// A backup refuses an existing destination.
func TestBackupRefusesExistingDest(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, filepath.Join(dir, "store"), Options{})
	defer s.Close()
	if _, err := s.Backup(context.Background(), dir); err == nil {
		t.Fatal("backup into an existing directory succeeded")
	}
}
