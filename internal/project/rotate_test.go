package project

import (
	"errors"
	"testing"
	"time"
)

// A rotated secret works at once; the old one keeps working for the grace
// period, then stops; both survive a reopen; a second rotation ends the
// first one's grace.
func TestRotateSecret(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := r.Create("One")
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return now }
	newSecret, until, err := r.RotateSecret(c.ID, time.Hour)
	if err != nil || newSecret == c.APISecret || !until.Equal(now.Add(time.Hour)) {
		t.Fatalf("rotate: %q %v %v", newSecret, until, err)
	}
	if p, ok := r.BySecret(newSecret); !ok || p.ID != c.ID {
		t.Error("the new secret does not work")
	}
	if _, ok := r.BySecret(c.APISecret); !ok {
		t.Error("the old secret stopped before its grace period ended")
	}
	r2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r2.now = func() time.Time { return now.Add(59 * time.Minute) }
	if _, ok := r2.BySecret(c.APISecret); !ok {
		t.Error("the old secret's grace did not survive a reopen")
	}
	r2.now = func() time.Time { return now.Add(61 * time.Minute) }
	if _, ok := r2.BySecret(c.APISecret); ok {
		t.Error("the old secret works after its grace period")
	}
	if _, ok := r2.BySecret(newSecret); !ok {
		t.Error("the new secret does not work after a reopen")
	}
	third, _, err := r.RotateSecret(c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.BySecret(c.APISecret); ok {
		t.Error("the first secret works after a second rotation")
	}
	if _, ok := r.BySecret(newSecret); ok {
		t.Error("grace 0: the previous secret still works")
	}
	if _, ok := r.BySecret(third); !ok {
		t.Error("the third secret does not work")
	}
	if _, _, err := r.RotateSecret(c.ID, 8*24*time.Hour); !errors.Is(err, ErrInvalid) {
		t.Errorf("a grace of 8 days: %v", err)
	}
	if _, _, err := r.RotateSecret(99, time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown project: %v", err)
	}
}
