package findingstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
)

func findings(project int64, n int, tag string) []event.Finding {
	var out []event.Finding
	for i := range n {
		out = append(out, event.Finding{Time: 1700000000000 + int64(i), ProjectID: project, DistinctID: "user-" + tag,
			Event: fmt.Sprintf("%s-%d", tag, i), Path: "password", Class: "password", Detector: "key.password", Action: "drop_property", Lib: "web", LibVersion: "1"})
	}
	return out
}

func readAll(t *testing.T, s *Stream, project, after int64, limit int) ([]Record, int64) {
	t.Helper()
	var out []Record
	next, err := s.Read(project, after, limit, func(_ int64, line []byte) error {
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, next
}

func TestStreamCursorRestartTornTailRetention(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Dir: dir, HashID: func(s string) string { return "h:" + strings.ToUpper(s) }, SegmentBytes: 2000, KeepSegments: 3,
		Critical: func(c string) bool { return c == "password" }}
	s, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Append(findings(1, 3, "a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(findings(2, 2, "b")); err != nil {
		t.Fatal(err)
	}
	recs, next := readAll(t, s, 1, 0, 2)
	if len(recs) != 2 || recs[0].Seq != 1 || recs[1].Event != "a-1" || next != 2 || recs[0].Severity != "critical" || recs[0].UserHash != "h:USER-A" {
		t.Fatalf("first page: %+v next %d", recs, next)
	}
	recs, next = readAll(t, s, 1, next, 10)
	if len(recs) != 1 || recs[0].Event != "a-2" || next != 5 {
		t.Fatalf("second page: %+v next %d", recs, next)
	}
	// Reopen (a restart), with a torn last line: the torn part is cut and
	// the sequence goes on from the last complete record.
	s.Close()
	segs, _ := os.ReadDir(dir)
	last := filepath.Join(dir, segs[len(segs)-1].Name())
	f, _ := os.OpenFile(last, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`{"seq":6,"time":"2023-`)
	f.Close()
	s, err = Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Last() != 5 {
		t.Fatalf("after reopening: last %d", s.Last())
	}
	if err := s.Append(findings(1, 1, "c")); err != nil {
		t.Fatal(err)
	}
	recs, next = readAll(t, s, 1, next, 10)
	if len(recs) != 1 || recs[0].Seq != 6 || recs[0].Event != "c-0" || next != 6 {
		t.Fatalf("after restart: %+v next %d", recs, next)
	}
	// No raw distinct_id in the files.
	for _, e := range segs {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(b), "user-a") {
			t.Fatal("a distinct_id in the clear")
		}
	}
	// Retention: many appends rotate segments; an old cursor gets ErrGap,
	// a current one reads on.
	for i := range 60 {
		if err := s.Append(findings(1, 2, fmt.Sprintf("r%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	segs, _ = os.ReadDir(dir)
	if len(segs) != 3 {
		t.Fatalf("%d segments kept, want 3", len(segs))
	}
	if _, err := s.Read(1, 0, 10, func(int64, []byte) error { return nil }); !errors.Is(err, ErrGap) {
		t.Fatalf("old cursor: %v", err)
	}
	recs, _ = readAll(t, s, 1, s.Last()-3, 10)
	if len(recs) != 3 || recs[2].Seq != s.Last() {
		t.Fatalf("recent cursor: %+v", recs)
	}
}

// Concurrent appends (sharing fsyncs, rotating segments) give every
// record exactly one seq, 1..N in order, all readable once they returned.
func TestConcurrentAppends(t *testing.T) {
	s, err := Open(Options{Dir: t.TempDir(), HashID: func(s string) string { return s }, SegmentBytes: 4000, KeepSegments: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := s.Append(findings(int64(1+g%2), 3, fmt.Sprintf("g%di%d", g, i))); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	var seqs []int64
	if _, err := s.Read(0, 0, 0, func(seq int64, _ []byte) error { seqs = append(seqs, seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 600 || s.Last() != 600 {
		t.Fatalf("%d records, last %d", len(seqs), s.Last())
	}
	for i, q := range seqs {
		if q != int64(i+1) {
			t.Fatalf("record %d has seq %d", i, q)
		}
	}
}
