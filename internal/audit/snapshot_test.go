package audit

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// A snapshot taken while entries are appended and segments rotate verifies
// on its own, and a log opened on it continues the chain.
func TestSnapshotWhileAppending(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(filepath.Join(dir, "audit"), nil)
	if err != nil {
		t.Fatal(err)
	}
	l.SetSegmentBytes(4 << 10)
	for range 50 {
		if err := l.Append(Entry{Actor: "admin", Action: "export", ProjectID: 1, Outcome: OK}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := l.Append(Entry{Actor: "admin", Action: "export", ProjectID: 1, Outcome: OK}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	dest := filepath.Join(dir, "copy")
	seq, err := l.Snapshot(dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if seq < 50 {
		t.Fatalf("snapshot up to seq %d, want at least 50", seq)
	}
	v, err := VerifyAll(dest)
	if err != nil {
		t.Fatalf("the snapshot does not verify: %v", err)
	}
	if v.Entries != seq || v.Segments < 2 {
		t.Errorf("verified %+v, want %d entries in several segments", v, seq)
	}
	ents, _ := os.ReadDir(dest)
	for _, e := range ents {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", e.Name(), fi.Mode().Perm())
		}
	}
	c, err := Open(dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Append(Entry{Actor: "admin", Action: "restore", Outcome: OK}); err != nil {
		t.Fatal(err)
	}
	if s, _ := c.Head(); s != seq+1 {
		t.Errorf("the restored log continues at %d, want %d", s, seq+1)
	}
	c.Close()
	if _, err := VerifyAll(dest); err != nil {
		t.Errorf("after an append to the restored log: %v", err)
	}
	if _, err := (&Log{dir: filepath.Join(dir, "audit")}).Snapshot(dest); err == nil {
		t.Error("snapshot of a closed log succeeded")
	}
}
