package pii

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestPathsDurable(t *testing.T) {
	dir := t.TempDir()
	p, err := OpenPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Record(1, "email", "contact.tel", "email"); err != nil {
		t.Fatal(err)
	}
	if err := p.Record(2, "mail"); err != nil {
		t.Fatal(err)
	}
	if err := p.Record(1, "email"); err != nil { // known: no write
		t.Fatal(err)
	}
	// A torn last line (a crash mid-write) is skipped.
	f, _ := os.OpenFile(filepath.Join(dir, PathsFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"project_id":1,"pa`)
	f.Close()
	q, err := OpenPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := q.List(1); !slices.Equal(got, []string{"contact.tel", "email"}) || !q.Has(2, "mail") || q.Has(2, "email") {
		t.Fatalf("reloaded %v", got)
	}
	// The torn tail was cut: a path recorded after it reads back.
	if err := q.Record(3, "after.tear"); err != nil {
		t.Fatal(err)
	}
	r, err := OpenPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Has(3, "after.tear") || !r.Has(1, "email") {
		t.Fatalf("a path recorded after a torn line was lost: %v %v", r.List(3), r.List(1))
	}
}

func TestPathsRebuiltMark(t *testing.T) {
	dir := t.TempDir()
	p, err := OpenPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rebuilt() {
		t.Fatal("a new set says it was rebuilt")
	}
	if err := p.MarkRebuilt(0); err != nil {
		t.Fatal(err)
	}
	q, err := OpenPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !q.Rebuilt() {
		t.Fatal("the rebuilt mark did not survive a reopen")
	}
	if st, err := os.Stat(filepath.Join(dir, RebuiltFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mark: %v %v", st, err)
	}
}

func TestProfilePath(t *testing.T) {
	for in, want := range map[string]string{"$set.email": "email", "$set_once.a.b": "a.b", "distinct_id": "", "email.x": ""} {
		if got := ProfilePath(in); got != want {
			t.Errorf("ProfilePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPathsFullRefusesNewPaths(t *testing.T) {
	defer func(n int) { maxPaths = n }(maxPaths)
	maxPaths = 2
	p, err := OpenPaths(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Record(1, "a", "b"); err != nil {
		t.Fatal(err)
	}
	if err := p.Record(1, "a", "c"); err == nil || p.Has(1, "c") {
		t.Fatalf("a full set took a new path: %v", err)
	}
	if err := p.Record(1, "b"); err != nil { // known paths still pass
		t.Fatal(err)
	}
}
