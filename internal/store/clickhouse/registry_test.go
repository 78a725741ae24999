package clickhouse

import (
	"context"
	"fmt"
	"testing"
)

// TestRegistryLastWriteWins writes one record from two nodes' Registry
// values: whichever wrote last is read by both, on every shard; a deleted
// record reads as deleted; versions follow what a node loaded, so a node
// whose clock is behind another's still writes above what it has read.
func TestRegistryLastWriteWins(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	defer s.Close()
	ctx := context.Background()
	a, b := s.Registry("a"), s.Registry("b")
	get := func(g *Registry, kind, key string) (RegistryRow, bool) {
		rows, _, err := g.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Kind == kind && r.Key == key {
				return r, true
			}
		}
		return RegistryRow{}, false
	}
	m0, err := a.Mark(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		w := a
		if i%2 == 1 {
			w = b
		}
		body := fmt.Sprintf(`{"i":%d}`, i)
		if err := w.Put(ctx, []RegistryRow{{Kind: "project", Key: "1", Body: []byte(body)}}); err != nil {
			t.Fatal(err)
		}
		for _, r := range []*Registry{a, b} {
			if got, ok := get(r, "project", "1"); !ok || string(got.Body) != body {
				t.Fatalf("after write %d: read %q", i, got.Body)
			}
		}
	}
	if m1, _ := a.Mark(ctx); m1 == m0 {
		t.Fatal("Mark did not change after writes")
	}
	// A node whose clock is ahead (c): another node that has loaded its
	// write (as every poll does) still writes above it.
	c := s.Registry("c")
	if _, ok := get(c, "project", "1"); !ok {
		t.Fatal("c reads nothing")
	}
	c.last += 1 << 40 // as if the others' clocks were far ahead
	if err := c.Put(ctx, []RegistryRow{{Kind: "project", Key: "1", Body: []byte(`{"c":1}`)}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := get(a, "project", "1"); string(got.Body) != `{"c":1}` {
		t.Fatalf("c's later write lost: %q", got.Body)
	}
	get(b, "project", "1")
	if err := b.Put(ctx, []RegistryRow{{Kind: "project", Key: "1", Body: []byte(`{"b":1}`)}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := get(a, "project", "1"); string(got.Body) != `{"b":1}` {
		t.Fatalf("b, having loaded c's version, wrote below it: %q", got.Body)
	}
	if err := a.Put(ctx, []RegistryRow{{Kind: "account", Key: "sa.1.x", Deleted: true, Body: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	if got, ok := get(b, "account", "sa.1.x"); !ok || !got.Deleted {
		t.Fatalf("deleted record: %+v %v", got, ok)
	}
}

// TestAuditCopy copies two nodes' lines and reads them back per node, in
// seq order, once each even when a line was copied twice.
func TestAuditCopy(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	for _, n := range []string{"n1", "n2"} {
		if err := s.AppendAudit(ctx, n, []AuditLine{{Seq: 2, Line: []byte(n + "-2")}, {Seq: 1, Line: []byte(n + "-1")}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendAudit(ctx, "n1", []AuditLine{{Seq: 2, Line: []byte("n1-2")}, {Seq: 3, Line: []byte("n1-3")}}); err != nil {
		t.Fatal(err)
	}
	all, err := s.ReadAudit(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || len(all["n1"]) != 3 || len(all["n2"]) != 2 {
		t.Fatalf("read: %+v", all)
	}
	for i, l := range all["n1"] {
		if l.Seq != int64(i+1) || string(l.Line) != fmt.Sprintf("n1-%d", i+1) {
			t.Fatalf("n1 line %d: %d %q", i, l.Seq, l.Line)
		}
	}
	if seq, err := s.AuditSeq(ctx, "n2"); err != nil || seq != 2 {
		t.Fatalf("AuditSeq(n2) = %d, %v", seq, err)
	}
	if seq, err := s.AuditSeq(ctx, "n3"); err != nil || seq != 0 {
		t.Fatalf("AuditSeq(n3) = %d, %v", seq, err)
	}
}
