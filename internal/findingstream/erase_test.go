package findingstream

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestEraseRemovesUserHashes: an erasure takes the user's hash out of every
// segment, closed and current, keeping each record and its seq; appends
// during and after it go on; it is applied once per id and survives a
// reopen; other users' hashes stay.
func TestEraseRemovesUserHashes(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Dir: dir, HashID: func(s string) string { return "h:" + strings.ToUpper(s) }, SegmentBytes: 1500, KeepSegments: 100}
	s, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		if err := s.Append(findings(1, 3, "ann")); err != nil {
			t.Fatal(err)
		}
		if err := s.Append(findings(1, 2, "bob")); err != nil {
			t.Fatal(err)
		}
	}
	segs, _ := s.segments()
	if len(segs) < 3 {
		t.Fatalf("want several segments, got %v", segs)
	}
	before, last := readAll(t, s, 0, 0, 0)
	// Appends while the erasure runs.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			if err := s.Append(findings(2, 1, "cal")); err != nil {
				t.Error(err)
			}
		}
	}()
	n, err := s.Erase("job-1", []string{"h:USER-ANN", "h:NOBODY"})
	wg.Wait()
	if err != nil || n != 18 {
		t.Fatalf("Erase: %d %v", n, err)
	}
	if err := s.Append(findings(1, 1, "bob")); err != nil {
		t.Fatal(err)
	}
	check := func(s *Stream) {
		t.Helper()
		after, _ := readAll(t, s, 0, 0, 0)
		if len(after) != len(before)+21 {
			t.Fatalf("records %d, want %d", len(after), len(before)+21)
		}
		for i, r := range after {
			if r.Seq != int64(i+1) {
				t.Fatalf("seq %d at %d", r.Seq, i)
			}
			if i < len(before) {
				want := before[i]
				if strings.HasPrefix(want.Event, "ann") {
					want.UserHash = ""
				}
				if r != want {
					t.Fatalf("record %d: %+v, want %+v", i, r, want)
				}
			}
		}
		if after[len(after)-1].UserHash != "h:USER-BOB" {
			t.Fatalf("append after the erasure: %+v", after[len(after)-1])
		}
		for _, name := range mustSegments(t, s) {
			b, _ := os.ReadFile(filepath.Join(dir, name))
			if bytes.Contains(b, []byte("h:USER-ANN")) {
				t.Fatalf("%s still holds the erased hash", name)
			}
		}
	}
	check(s)
	if !s.Erased("job-1") || s.Erased("job-2") {
		t.Fatal("Erased")
	}
	if n, err := s.Erase("job-1", []string{"h:USER-BOB"}); n != 0 || err != nil {
		t.Fatalf("an applied erasure ran again: %d %v", n, err)
	}
	if _, err := s.Read(0, last, 0, func(int64, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// A second erasure, appends running: the segment being appended to
	// is still known as such after the first one replaced its file, so no
	// append is lost.
	total, _ := readAll(t, s, 0, 0, 0)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			if err := s.Append(findings(3, 1, "dan")); err != nil {
				t.Error(err)
			}
		}
	}()
	if _, err := s.Erase("job-2", []string{"h:USER-CAL"}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	all, _ := readAll(t, s, 0, 0, 0)
	if len(all) != len(total)+50 {
		t.Fatalf("records after the second erasure: %d, want %d", len(all), len(total)+50)
	}
	for _, r := range all {
		if r.UserHash == "h:USER-CAL" || r.UserHash == "h:USER-ANN" {
			t.Fatalf("erased hash left: %+v", r)
		}
	}
	s.Close()
	r, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if again, _ := readAll(t, r, 0, 0, 0); len(again) != len(all) {
		t.Fatalf("after a reopen: %d records, want %d", len(again), len(all))
	}
	for _, name := range mustSegments(t, r) {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if bytes.Contains(b, []byte("h:USER-ANN")) || bytes.Contains(b, []byte("h:USER-CAL")) {
			t.Fatalf("%s still holds an erased hash", name)
		}
	}
	if !r.Erased("job-1") {
		t.Fatal("the erasure's mark did not survive a reopen")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(m) != 0 {
		t.Fatalf("left %v", m)
	}
}

func mustSegments(t *testing.T, s *Stream) []string {
	t.Helper()
	segs, err := s.segments()
	if err != nil {
		t.Fatal(err)
	}
	return segs
}

// TestEraseTwiceOneSegment: erasures in a row on the segment being
// appended to, appends running during the second: every append is read
// back, before and after a reopen.
func TestEraseTwiceOneSegment(t *testing.T) {
	opt := Options{Dir: t.TempDir(), HashID: func(s string) string { return "h:" + s }}
	s, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Append(findings(1, 3, "ann")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase("j1", []string{"h:user-ann"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(findings(1, 3, "bob")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			if err := s.Append(findings(1, 1, "cal")); err != nil {
				t.Error(err)
			}
		}
	}()
	if n, err := s.Erase("j2", []string{"h:user-bob"}); err != nil || n != 3 {
		t.Fatalf("second erasure: %d %v", n, err)
	}
	wg.Wait()
	if err := s.Append(findings(1, 1, "dan")); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*Stream{s, nil} {
		if st == nil {
			s.Close()
			if st, err = Open(opt); err != nil {
				t.Fatal(err)
			}
			defer st.Close()
		}
		recs, _ := readAll(t, st, 0, 0, 0)
		if len(recs) != 107 || recs[106].UserHash != "h:user-dan" {
			t.Fatalf("%d records, want 107; last %+v", len(recs), recs[len(recs)-1])
		}
		for _, r := range recs {
			if r.UserHash == "h:user-ann" || r.UserHash == "h:user-bob" {
				t.Fatalf("erased hash left: %+v", r)
			}
		}
	}
}
