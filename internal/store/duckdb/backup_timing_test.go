package duckdb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestBackupBenchmark measures Backup of a store holding
// SIEVE_BACKUP_BENCH_EVENTS events (e.g. 1000000): most sealed, the last
// 10% in the active file, while a writer appends; against `cp -a` of the
// same directory (not consistent while appends go on: the yardstick). Each
// is run three times, medians printed.
func TestBackupBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SIEVE_BACKUP_BENCH_EVENTS"))
	if n <= 0 {
		t.Skip("set SIEVE_BACKUP_BENCH_EVENTS to run")
	}
	dir := t.TempDir()
	s := mustOpen(t, filepath.Join(dir, "store"), Options{CompactInterval: -1, SealAge: -1})
	defer s.Close()
	ctx := context.Background()
	base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	row := func(k int) event.Row {
		user := k % 50000
		props := fmt.Sprintf(`{"$current_url":"https://shop.example.com/products/%d","$browser":"Chrome","$os":"Mac OS X","$screen_width":1920,"mp_lib":"web","$lib_version":"2.55.0","$device_id":"d-%d","plan":"%s","price":%d}`,
			k%5000, user*3, []string{"free", "pro", "team"}[k%3], k%200)
		return event.Row{ProjectID: 1, Time: base + int64(k)*(7*dayMs)/int64(n), Name: []string{"page_view", "click", "sign_up"}[k%3],
			DistinctID: "user-" + strconv.Itoa(user), InsertID: strconv.Itoa(k), Props: []byte(props)}
	}
	rows := make([]event.Row, 0, 10000)
	for k := range n {
		rows = append(rows, row(k))
		if len(rows) == cap(rows) || k == n-1 {
			mustAppend(t, s, rows)
			rows = rows[:0]
			if k == n*9/10-1 || k == n*9/10 {
				if err := s.Seal(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var du []byte
	du, _ = exec.Command("du", "-sh", filepath.Join(dir, "store")).Output()
	t.Logf("loaded %d events: %+v; %s", n, s.Stats(), du)
	stop := make(chan struct{})
	done := make(chan int)
	go func() { // a writer appending 100-row batches meanwhile
		k := n
		for {
			select {
			case <-stop:
				done <- k - n
				return
			default:
			}
			b := make([]event.Row, 100)
			for i := range b {
				b[i] = row(k)
				k++
			}
			mustAppend(t, s, b)
		}
	}()
	var bk, cp []time.Duration
	for i := range 3 {
		t0 := time.Now()
		res, err := s.Backup(ctx, filepath.Join(dir, fmt.Sprintf("bk%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		bk = append(bk, time.Since(t0))
		t.Logf("backup %d: %v %+v", i, bk[i].Round(time.Millisecond), res)
		t0 = time.Now()
		if out, err := exec.Command("cp", "-a", filepath.Join(dir, "store"), filepath.Join(dir, fmt.Sprintf("cp%d", i))).CombinedOutput(); err != nil {
			t.Logf("cp -a: %v %s (files changed under it)", err, out)
		}
		cp = append(cp, time.Since(t0))
		_ = os.RemoveAll(filepath.Join(dir, fmt.Sprintf("bk%d", i)))
		_ = os.RemoveAll(filepath.Join(dir, fmt.Sprintf("cp%d", i)))
	}
	close(stop)
	appended := <-done
	slices.Sort(bk)
	slices.Sort(cp)
	load, _ := os.ReadFile("/proc/loadavg")
	t.Logf("Backup median %v (runs %v); cp -a median %v (runs %v); ratio %.2f; %d events appended meanwhile; load %s",
		bk[1].Round(time.Millisecond), bk, cp[1].Round(time.Millisecond), cp, float64(bk[1])/float64(cp[1]), appended, load)
}
