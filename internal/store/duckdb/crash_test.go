package duckdb

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

const crashChildEnv = "SIEVE_STORE_CRASH_CHILD"

// crashOptions are small limits, so that rotations, seals and compactions
// are under way when the child is killed.
var crashOptions = Options{SealBytes: 256 << 10, GroupRows: 500, DedupKeys: 2000,
	CompactInterval: 20 * time.Millisecond, CompactAfter: time.Nanosecond}

// TestCrashChild is the child of TestCrash: it appends until killed and
// prints "ack <batch>" once Append returned for a batch.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("run by TestCrash")
	}
	s, err := Open(dir, crashOptions)
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	run := os.Getenv("SIEVE_STORE_CRASH_RUN")
	var wg sync.WaitGroup
	go func() {
		// Compact all along (besides in the background), so that kills
		// land in compactions too.
		for range time.Tick(10 * time.Millisecond) {
			if _, err := s.Compact(context.Background()); err != nil {
				fmt.Fprintln(os.Stderr, "compact failed:", err)
				os.Exit(6)
			}
			mu.Lock()
			fmt.Fprintln(out, "compacted", s.Stats().Compacted)
			out.Flush()
			mu.Unlock()
		}
	}()
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var prev []event.Row
			for c := 0; ; c++ {
				batch := fmt.Sprintf("r%s-w%d-c%d", run, w, c)
				rows := crashBatch(batch)
				if c%5 == 4 && prev != nil {
					rows = append(rows, prev[:3]...) // a retry of earlier rows rides along
				}
				if _, err := s.Append(context.Background(), rows); err != nil {
					fmt.Fprintln(os.Stderr, "append failed:", err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintln(out, "ack", batch)
				out.Flush()
				mu.Unlock()
				prev = rows
			}
		}()
	}
	wg.Wait()
}

func crashBatch(batch string) []event.Row {
	rows := make([]event.Row, 20)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := range rows {
		rows[i] = event.Row{
			ProjectID: int64(1 + i%2), Time: t0 + int64(len(batch)*i)*3_600_000 + int64(i),
			Name: "crash", DistinctID: "u", InsertID: fmt.Sprintf("%s-%d", batch, i),
			Props: []byte(`{"pad":"` + strings.Repeat("p", 300) + `"}`),
		}
	}
	return rows
}

// TestCrash kills a child process that appends concurrently at a random
// moment (kill -9), reopens the store and checks that every acknowledged
// row is there exactly once and that no batch is there in part. It repeats
// on the same directory, so recovery itself is crashed into. The child
// compacts partitions in the background all along, so kills land in
// compactions too.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := t.TempDir()
	acked := map[string]bool{}
	compactions := 0
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for run := 0; run < 3; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, fmt.Sprintf("SIEVE_STORE_CRASH_RUN=%d", run))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait for the first acknowledgement (and in the last run for the
		// first compaction), then kill at a random moment.
		deadline := time.After(time.Duration(300+r.IntN(1500)) * time.Millisecond)
		waitCompaction := run == 2
		giveUp := time.After(30 * time.Second)
		n := 0
		runCompacted := 0
		killed := false
		for !killed {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("child ended by itself: %s", stderr.String())
				}
				if b, ok := strings.CutPrefix(l, "ack "); ok {
					acked[b] = true
					n++
				}
				if c, ok := strings.CutPrefix(l, "compacted "); ok {
					runCompacted, _ = strconv.Atoi(c)
					if waitCompaction && runCompacted > 0 {
						waitCompaction = false
						deadline = time.After(time.Duration(r.IntN(500)) * time.Millisecond)
					}
				}
			case <-giveUp:
				t.Fatal("the child compacted nothing in 30 s")
			case <-deadline:
				if n == 0 || waitCompaction {
					deadline = time.After(100 * time.Millisecond)
					continue
				}
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		}
		for l := range lines { // acknowledgements printed before the kill landed
			if b, ok := strings.CutPrefix(l, "ack "); ok {
				acked[b] = true
				n++
			}
		}
		_ = cmd.Wait()
		compactions += runCompacted
		t.Logf("run %d: killed after %d acknowledged batches and %d compacted partitions", run, n, runCompacted)
	}

	if compactions == 0 {
		t.Fatal("no child compacted a partition before it was killed")
	}
	s, err := Open(dir, crashOptions)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer s.Close()
	seen := map[string]int{}
	perBatch := map[string]int{}
	for p := int64(1); p <= 2; p++ {
		err := s.Export(context.Background(), store.ExportQuery{ProjectID: p, From: 0, To: 1 << 62}, func(r *event.Row) error {
			seen[r.InsertID]++
			perBatch[r.InsertID[:strings.LastIndex(r.InsertID, "-")]]++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("row %s exported %d times", id, n)
		}
	}
	for b, n := range perBatch {
		if n != 20 {
			t.Fatalf("batch %s is there in part: %d of 20 rows", b, n)
		}
	}
	for b := range acked {
		if perBatch[b] != 20 {
			t.Fatalf("acknowledged batch %s lost: %d of 20 rows", b, perBatch[b])
		}
	}
	t.Logf("%d acknowledged batches, %d batches stored, %d rows, %+v", len(acked), len(perBatch), len(seen), s.Stats())
}
