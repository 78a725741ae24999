package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A last line of any length (here 3 MiB, far beyond one read of the tail)
// is recovered: the log reopens, the chain continues and Verify agrees.
func TestLongLastLineRecovered(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Entry{Actor: "a", Action: "first"}); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, 100000)
	for i := range cap(names) {
		names = append(names, fmt.Sprintf("property_name_%025d", i))
	}
	// Unbounded on purpose (append, not Append): a log written before
	// entries were bounded may hold such lines.
	l.mu.Lock()
	err = l.append(Entry{Actor: "a", Action: "export", Properties: names})
	l.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(filepath.Join(dir, LogName)); st.Size() < 3<<20 {
		t.Fatalf("log is %d bytes, want a line over 3 MiB", st.Size())
	}
	l, err = Open(dir, nil)
	if err != nil {
		t.Fatalf("reopen after a long line: %v", err)
	}
	if err := l.Append(Entry{Actor: "a", Action: "after"}); err != nil {
		t.Fatal(err)
	}
	got, err := l.Query(Query{Action: "after"})
	if err != nil || len(got) != 1 || got[0].Seq != 3 {
		t.Fatalf("query after reopen: %+v %v", got, err)
	}
	l.Close()
	if n, err := Verify(dir); err != nil || n != 3 {
		t.Fatalf("verify: %d %v", n, err)
	}

	// A torn tail after the long line is cut back to it.
	f, _ := os.OpenFile(filepath.Join(dir, LogName), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":4,"time":"` + strings.Repeat("x", 2<<20))
	f.Close()
	l, err = Open(dir, nil)
	if err != nil {
		t.Fatalf("reopen after a torn line: %v", err)
	}
	l.Close()
	if n, err := Verify(dir); err != nil || n != 4 {
		t.Fatalf("verify after the torn line: %d %v", n, err)
	}
}

// Entries are bounded: long names are recorded by digest (and still found
// by Query), long lists are capped and the entry says "any".
func TestEntriesBounded(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("n", 1<<20)
	var evs, props []string
	for i := range 5000 {
		evs = append(evs, fmt.Sprintf("%0300d", i))
		props = append(props, fmt.Sprintf("p%d", i))
	}
	if err := l.Append(Entry{Actor: "a", Action: "export", Events: append(evs, long), Properties: append(props, long),
		Criteria: map[string]any{"event": []string{long, "short"}, "name": long}}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	b, _ := os.ReadFile(filepath.Join(dir, LogName))
	if len(b) > MaxNames*(len(DigestPrefix)+64+3)*2+4096 {
		t.Errorf("the entry is %d bytes", len(b))
	}
	if strings.Contains(string(b), long[:MaxNameBytes+1]) {
		t.Error("a long name is recorded in full")
	}
	l, _ = Open(dir, nil)
	defer l.Close()
	got, err := l.Query(Query{})
	if err != nil || len(got) != 1 {
		t.Fatalf("query: %+v %v", got, err)
	}
	e := got[0]
	if len(e.Events) != MaxNames || !e.AllEvents || len(e.Properties) != MaxNames || !e.AllProperties {
		t.Errorf("events %d (all %v), properties %d (all %v)", len(e.Events), e.AllEvents, len(e.Properties), e.AllProperties)
	}
	if e.Events[0] != Digest(evs[0]) {
		t.Errorf("first event %q, want its digest", e.Events[0])
	}
	if e.Criteria["name"] != Digest(long) {
		t.Errorf("criteria name %v", e.Criteria["name"])
	}
	// A capped list matches any property; a digested name is found by its full text.
	l2dir := t.TempDir()
	l2, _ := Open(l2dir, nil)
	defer l2.Close()
	l2.Append(Entry{Actor: "a", Action: "export", Properties: []string{long, "b"}})
	if got, _ := l2.Query(Query{Property: long}); len(got) != 1 {
		t.Errorf("query by a long property name: %d entries", len(got))
	}
	if got, _ := l2.Query(Query{Property: "c"}); len(got) != 0 {
		t.Errorf("query by another property: %d entries", len(got))
	}
	if n, err := Verify(dir); err != nil || n != 1 {
		t.Fatalf("verify: %d %v", n, err)
	}
}
