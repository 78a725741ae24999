package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func fill(t *testing.T, dir string, n int) {
	t.Helper()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := l.Append(Entry{Actor: "sa:bob", Action: "export", ProjectID: int64(1 + i%2), Endpoint: "GET /api/2.0/export",
			Properties: []string{"$elements", fmt.Sprintf("p%d", i)}, Rows: int64(i),
			Criteria: map[string]any{"from_date": "2026-01-01", "n": i}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func lines(t *testing.T, dir string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, LogName))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(b, []byte("\n"))
}

func writeLines(t *testing.T, dir string, ls [][]byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, LogName), bytes.Join(ls, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	f := func(name string, tamper func(ls [][]byte) [][]byte, wantSeq int64) {
		t.Helper()
		dir := t.TempDir()
		fill(t, dir, 10)
		if n, err := Verify(dir); err != nil || n != 10 {
			t.Fatalf("%s: untouched log: %d, %v", name, n, err)
		}
		writeLines(t, dir, tamper(lines(t, dir)))
		_, err := Verify(dir)
		var ve *VerifyError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: Verify = %v, want a VerifyError", name, err)
		}
		if ve.Seq != wantSeq {
			t.Errorf("%s: Verify names seq %d (%v), want %d", name, ve.Seq, err, wantSeq)
		}
	}
	// One byte of entry 4's row count.
	f("edit one byte", func(ls [][]byte) [][]byte {
		ls[3] = bytes.Replace(ls[3], []byte(`"rows":3`), []byte(`"rows":4`), 1)
		return ls
	}, 4)
	f("edit a property name", func(ls [][]byte) [][]byte {
		ls[6] = bytes.Replace(ls[6], []byte(`"p6"`), []byte(`"q6"`), 1)
		return ls
	}, 7)
	f("remove an entry", func(ls [][]byte) [][]byte { return append(ls[:4:4], ls[5:]...) }, 6)
	f("reorder entries", func(ls [][]byte) [][]byte { ls[2], ls[3] = ls[3], ls[2]; return ls }, 4)
	f("remove the last entries", func(ls [][]byte) [][]byte { return ls[:8] }, 10)
	f("rehash an edited entry", func(ls [][]byte) [][]byte {
		// An editor who recomputes the entry's own hash still breaks the
		// next entry's prev_hash.
		ls[1] = bytes.Replace(ls[1], []byte(`"rows":1`), []byte(`"rows":9`), 1)
		return ls
	}, 2)
}

func TestAppendQueryReopen(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, 6)
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if seq, h := l.Head(); seq != 6 || len(h) != 64 {
		t.Fatalf("head after reopen: %d %q", seq, h)
	}
	if err := l.Append(Entry{Actor: "admin", Action: "purge.create", ProjectID: 1}); err != nil {
		t.Fatal(err)
	}
	got, err := l.Query(Query{ProjectID: 1, Property: "$elements[].attr__value"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Errorf("entries that returned $elements in project 1: %d, want 3", len(got))
	}
	got, _ = l.Query(Query{Property: "p4"})
	if len(got) != 1 || got[0].Seq != 5 {
		t.Errorf("p4: %+v", got)
	}
	got, _ = l.Query(Query{Actor: "admin"})
	if len(got) != 1 || got[0].Action != "purge.create" {
		t.Errorf("admin: %+v", got)
	}
	got, _ = l.Query(Query{From: time.Now().Add(time.Hour)})
	if len(got) != 0 {
		t.Errorf("future: %d", len(got))
	}
	h1, h2 := l.HashID("user@example.com"), l.HashID("user@example.com")
	if h1 != h2 || bytes.Contains([]byte(h1), []byte("example")) || h1 == l.HashID("other") {
		t.Errorf("HashID: %q %q", h1, h2)
	}
	l.Denied(Entry{Actor: "unauthenticated", Action: "ingest.denied"}, "192.0.2.1")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := Verify(dir); err != nil || n != 8 {
		t.Fatalf("Verify: %d, %v", n, err)
	}
	// The key survives reopen: hashes stay comparable.
	l, _ = Open(dir, nil)
	if l.HashID("user@example.com") != h1 {
		t.Errorf("HashID changed across reopen")
	}
	l.Close()
}

func TestTornLineRecovered(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, 3)
	f, _ := os.OpenFile(filepath.Join(dir, LogName), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":4,"time":"20`)
	f.Close()
	if _, err := Verify(dir); err == nil {
		t.Fatal("torn line not reported")
	}
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	n, err := Verify(dir)
	if err != nil || n != 4 {
		t.Fatalf("after recovery: %d, %v", n, err)
	}
	got := lines(t, dir)
	if !bytes.Contains(got[3], []byte("audit.recovered")) {
		t.Errorf("no recovery entry: %s", got[3])
	}
}

func TestLiveVerify(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, 5)
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Append(Entry{Actor: "admin", Session: "abc", Action: "page.view"}); err != nil {
		t.Fatal(err)
	}
	if n, err := l.Verify(); err != nil || n != 6 {
		t.Fatalf("live Verify = %d, %v; want 6 entries, no error", n, err)
	}
	ls := lines(t, dir)
	ls[2] = bytes.Replace(ls[2], []byte(`"rows":2`), []byte(`"rows":7`), 1)
	writeLines(t, dir, ls)
	var ve *VerifyError
	if _, err := l.Verify(); !errors.As(err, &ve) || ve.Seq != 3 {
		t.Fatalf("live Verify of an edited log = %v, want a VerifyError at seq 3", err)
	}
}
