package audit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// 20,000 denied attempts from two sources in one minute make four entries
// (per source the first, then the repeats) whose rows count them all.
func TestDeniedAggregated(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	minute := time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)
	l.mu.Lock()
	l.now = func() time.Time { return minute.Add(30 * time.Second) }
	l.mu.Unlock()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5000 {
				src := "192.0.2.1"
				if (g*5000+i)%2 == 1 {
					src = "198.51.100.7"
				}
				l.Denied(Entry{Actor: "unauthenticated", Action: "ingest.denied", Endpoint: "track", Status: 401,
					Time: minute.Add(time.Duration(i) * time.Millisecond)}, src)
			}
		}()
	}
	wg.Wait()
	l.Close()
	got, err := (&Log{dir: dir, seq: 1 << 60}).Query(Query{Action: "ingest.denied"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d denied entries, want 4 (per source: the first, the repeats)", len(got))
	}
	var rows int64
	for _, e := range got {
		rows += e.Rows
		if e.Time.Truncate(time.Minute) != minute || e.Outcome != Denied || e.Status != 401 || e.Criteria["source"] == nil {
			t.Errorf("entry %+v", e)
		}
	}
	if rows != 20000 {
		t.Errorf("rows %d, want 20000", rows)
	}
	if st, _ := os.Stat(filepath.Join(dir, LogName)); st.Size() > 4096 {
		t.Errorf("the log grew to %d bytes", st.Size())
	}
}

// The log rotates into segments that keep one chain: Verify reads them all,
// Query finds entries in every segment, a reopen continues the chain, and
// removing the oldest segments (retention) still verifies from where the
// rest starts, while removing one in the middle or editing one is caught.
func TestSegmentsOneChain(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.SetSegmentBytes(2048)
	add := func(l *Log, from, n int) {
		for i := from; i < from+n; i++ {
			if err := l.Append(Entry{Actor: "a", Action: "export", Properties: []string{fmt.Sprintf("p%d", i)}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(l, 0, 100)
	l.Close()
	segs, _ := segments(dir)
	if len(segs) < 5 {
		t.Fatalf("%d segments after 100 entries of 2 KiB segments", len(segs))
	}
	l, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.SetSegmentBytes(2048)
	add(l, 100, 20)
	if got, err := l.Query(Query{Property: "p3"}); err != nil || len(got) != 1 || got[0].Seq != 4 {
		t.Fatalf("query across segments: %+v %v", got, err)
	}
	if got, _ := l.Query(Query{}); len(got) != 120 {
		t.Fatalf("query all: %d entries", len(got))
	}
	l.Close()
	v, err := VerifyAll(dir)
	if err != nil || v.Entries != 120 || v.First != 1 || v.Last != 120 {
		t.Fatalf("verify: %+v %v", v, err)
	}

	// Retention: the oldest two segments removed.
	segs, _ = segments(dir)
	for _, s := range segs[:2] {
		os.Remove(filepath.Join(dir, s))
	}
	v, err = VerifyAll(dir)
	if err != nil || v.First <= 1 || v.Last != 120 {
		t.Fatalf("verify after retention: %+v %v", v, err)
	}
	// A segment removed in the middle breaks the chain.
	mid := filepath.Join(dir, segs[3])
	b, _ := os.ReadFile(mid)
	os.Remove(mid)
	var ve *VerifyError
	if _, err := Verify(dir); !errors.As(err, &ve) || !strings.Contains(ve.Reason, "removed") {
		t.Fatalf("verify with a segment missing: %v", err)
	}
	// An edited entry in a segment is named with its file.
	os.WriteFile(mid, []byte(strings.Replace(string(b), `"rows":0`, `"rows":1`, 1)), 0o600)
	if _, err := Verify(dir); !errors.As(err, &ve) || ve.File != segs[3] {
		t.Fatalf("verify with an edited segment: %v", err)
	}
}
